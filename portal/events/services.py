"""Writing to the event log."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction

from portal.backoffice.webhooks import outbox_add, outbox_add_many
from portal.events.models import Event
from portal.events.versions import dossier_versions_move
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
    if learner is not None:
        dossiers_changed([learner.pk])
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
    dossiers_changed([event.learner_id for event in created if event.learner_id is not None])
    return created


def dossiers_changed(learner_user_ids: list[int]) -> None:
    """Move these learners' dossier versions once the transaction commits (cached views go stale).

    One callback per transaction however many events it records (a batch records thousands). It
    lives in Django's own list of commit callbacks, so a rollback discards it with the events;
    Django replaces that list at every commit and rollback, which tells when to look again.
    """
    if not learner_user_ids:
        return
    connection = transaction.get_connection()
    pending: list[Any] = connection.run_on_commit
    remembered: tuple[list[Any], _Move] | None = getattr(connection, "_portal_versions_move", None)
    if remembered is None or remembered[0] is not pending:
        move = next((c for _sids, c, _robust in pending if isinstance(c, _Move)), None)
        if move is None:
            move = _Move()
            # Robust: the change is committed. If the cache cannot hear of it, an old block lives
            # HOME_CACHE_SECONDS at most; that must not turn the writer's answer into a 500.
            transaction.on_commit(move, robust=True)
        remembered = (pending, move)
        setattr(connection, "_portal_versions_move", remembered)  # noqa: B010 (not a field of it)
    remembered[1].learner_user_ids.update(learner_user_ids)


class _Move:
    def __init__(self) -> None:
        self.learner_user_ids: set[int] = set()

    def __call__(self) -> None:
        dossier_versions_move(self.learner_user_ids)


def _current_transaction_id() -> int | None:
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return None  # SQLite commits in id order; the feed needs no transaction id there
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return int(cursor.fetchone()[0])
