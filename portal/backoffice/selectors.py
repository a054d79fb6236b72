"""The change feed: the event log of one agency, paged by a cursor that never skips or repeats."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet

from portal.accounts.models import Agency
from portal.backoffice.models import DeliveryStatus, WebhookDelivery
from portal.events.models import Event


class BadCursorError(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """Position after (transaction id, event id). On SQLite the transaction id is always 0."""

    transaction_id: int = 0
    event_id: int = 0

    def encode(self) -> str:
        raw = f"{self.transaction_id}:{self.event_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        if not text:
            return cls()
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            transaction_id, event_id = (int(part) for part in raw.split(":"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadCursorError(text) from exc
        if transaction_id < 0 or event_id < 0:
            raise BadCursorError(text)
        return cls(transaction_id, event_id)


def _horizon() -> int | None:
    """PostgreSQL: the oldest transaction still running. Events of older transactions are final.

    Ids are handed out before commit, so a later id may commit first; reading only below this
    horizon, in (transaction id, id) order, no event can appear behind a cursor already given.
    SQLite has one writer at a time (IMMEDIATE transactions), so id order is commit order.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return int(cursor.fetchone()[0])


def changes_after(
    *, agency: Agency, cursor: Cursor, limit: int
) -> tuple[list[Event], Cursor, bool]:
    """Up to ``limit`` events of ``agency`` after ``cursor``; the next cursor; more to read."""
    events = Event.objects.filter(agency=agency).select_related("learner", "actor")
    horizon = _horizon()
    if horizon is None:
        page = list(events.filter(id__gt=cursor.event_id).order_by("id")[: limit + 1])
    else:
        page = list(
            events.filter(transaction_id__lt=horizon)
            .filter(
                Q(transaction_id__gt=cursor.transaction_id)
                | Q(transaction_id=cursor.transaction_id, id__gt=cursor.event_id)
            )
            .order_by("transaction_id", "id")[: limit + 1]
        )
    has_more = len(page) > limit
    page = page[:limit]
    if not page:
        return page, cursor, False
    last = page[-1]
    return page, Cursor(last.transaction_id or 0, last.pk), has_more


def webhook_overview(agency: Agency) -> dict[str, int]:
    """How many deliveries of the agency wait, were delivered and were given up, per status."""
    counts = dict(
        WebhookDelivery.objects.filter(endpoint__agency=agency)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status.value: counts.get(status.value, 0) for status in DeliveryStatus}


def dead_letters(agency: Agency) -> QuerySet[WebhookDelivery]:
    """The agency's parked deliveries, newest event first (scoped: only its own endpoint)."""
    return (
        WebhookDelivery.objects.filter(endpoint__agency=agency, status=DeliveryStatus.DEAD)
        .select_related("event__learner")
        .order_by("-event_id")
    )
