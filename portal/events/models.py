"""The append-only event log: everything that changes is written here once, by services."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.events.fields import DocumentField


class CurrentTransactionId(models.Func):
    """The writing transaction's id on PostgreSQL (NULL on SQLite, which commits in id order).

    The change feed pages by (transaction id, id) below the oldest transaction still running, so
    an event committed late under a lower id is never skipped (see ``portal/backoffice``).
    """

    output_field = models.BigIntegerField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return "(pg_current_xact_id()::text::bigint)", []


class Event(models.Model):
    """One thing that happened, in the transaction that made it happen.

    ``id`` orders the log for readers that page through it; ``event_id`` is the identity other
    systems deduplicate on. Rows are never updated (a database trigger refuses it).
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=100, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The learner whose dossier this is about, if any: readers partition and scope on it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = DocumentField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    transaction_id = models.BigIntegerField(
        null=True, blank=True, editable=False, db_default=CurrentTransactionId()
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["learner", "id"], name="event_learner_idx"),
            models.Index(fields=["agency", "id"], name="event_agency_idx"),
            models.Index(fields=["agency", "transaction_id", "id"], name="event_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.pk}"
