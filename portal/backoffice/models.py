"""Who the back office is (per-agency tokens) and what it already sent (idempotency records)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A revocable secret one agency's back office signs its calls with.

    Only a SHA-256 digest is stored; the token is shown once, when made. ``prefix`` (the first
    characters) lets an admin tell tokens apart without the secret.
    """

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("back-office token")
        verbose_name_plural = _("back-office tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.agency} · {self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """The answer given to one ``Idempotency-Key`` of one agency, returned again on a replay."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="idempotency_key_per_agency"),
        ]

    def __str__(self) -> str:
        return self.key
