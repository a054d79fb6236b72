"""Writing to the event log."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction

from portal.backoffice.webhooks import outbox_add, outbox_add_many
from portal.events.models import Event
from portal.notifications.services import notifications_from_event

if TYPE_CHECKING:
    from portal.accounts.models import Agency, User

# "<area>.<thing>.<what happened>", lower case: e.g. "accounts.learner.activated".
EVENT_CODE_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*){2,}$")


class EventOutsideTransactionError(RuntimeError):
    """An event must be written in the transaction of the change it records, never after it."""


def event_record(
    *,
    code: str,
    actor: User | None,
    learner: User | None = None,
    agency: Agency | None = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append one event. Must run inside the caller's ``transaction.atomic`` block.

    The agency defaults to the learner's, so readers scoped to an agency see every event about
    its learners. The notifications the event causes are stored in the same transaction and
    pushed live after commit; a webhook delivery to the agency's back office, if it has an
    endpoint, is queued in the same transaction too (``portal.backoffice.webhooks``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise EventOutsideTransactionError(code)
    if not EVENT_CODE_RE.match(code):
        raise ValueError(f"Event code {code!r} is not namespaced like 'area.thing.verb'.")
    if agency is None and learner is not None:
        agency = learner.agency
    event = Event.objects.create(
        code=code, actor=actor, learner=learner, agency=agency, payload=payload or {}
    )
    notifications_from_event(event=event)
    outbox_add(event)
    return event


def events_record(events: list[Event]) -> list[Event]:
    """Append many unsaved events in one insert: ``event_record`` for batches (same rules).

    Each event's notifications and webhook delivery are stored with it, as for one event.
    """
    if not transaction.get_connection().in_atomic_block:
        raise EventOutsideTransactionError(events[0].code if events else "")
    # The same value the column's default gives each row, asked once: compiling the default
    # expression for every row costs more than the insert itself.
    transaction_id = _current_transaction_id()
    for event in events:
        event.transaction_id = transaction_id
        if not EVENT_CODE_RE.match(event.code):
            raise ValueError(f"Event code {event.code!r} is not namespaced like 'area.thing.verb'.")
        if event.agency_id is None and event.learner is not None:
            event.agency_id = event.learner.agency_id
    created = Event.objects.bulk_create(events)
    for event in created:
        notifications_from_event(event=event)
    outbox_add_many(created)
    return created


def _current_transaction_id() -> int | None:
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return None  # SQLite commits in id order; the feed needs no transaction id there
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return int(cursor.fetchone()[0])
