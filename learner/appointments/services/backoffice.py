"""The agency's back office publishes counsellor slots (``POST /api/backoffice/v1/slots``).

Each slot is keyed by its agenda and the back office's id, and carries a version: an older
version than the portal holds is a conflict, the same one changes nothing. Places already booked
are never taken away: capacity cannot go below them, and a withdrawn slot keeps its bookings
(the case manager moves them with the learner). A slot a learner booked from the weekly hours at
the same time, for the same kind of appointment, becomes the back office's slot (adopted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from learner.appointments.models import Agenda, Slot, SlotSource
from learner.appointments.services.hours import agenda_of, desk_of
from learner.appointments.services.live import agenda_changed, slot_changed
from learner.profiles.services import VersionConflictError
from portal.accounts.models import Agency, Role, User
from portal.events.models import Event
from portal.events.services import events_record

SLOT_FIELDS = (
    "starts_at",
    "ends_at",
    "purpose",
    "mode",
    "place",
    "capacity",
    "withdrawn_at",
    "source",
    "external_id",
    "version",
)


@dataclass
class SlotResult:
    """How one item of a batch went, answered like a single call: applied (201), unchanged
    (200: that version again), conflict (409, with ``current_version``) or invalid (422)."""

    index: int
    external_id: str
    status: str
    code: int
    version: int | None = None
    current_version: int | None = None
    slot: int | None = None
    detail: Any = field(default=None)


class _Agendas:
    """The agendas a batch names, each looked up (or made) once, outside the items' savepoints
    so that an item refused after making an agenda cannot leave the others pointing at nothing."""

    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self.found: dict[str | None, Agenda | ValidationError] = {}

    def get(self, username: str | None) -> Agenda:
        if username not in self.found:
            self.found[username] = self._find(username)
        found = self.found[username]
        if isinstance(found, ValidationError):
            raise found
        return found

    def _find(self, username: str | None) -> Agenda | ValidationError:
        if username is None:
            return desk_of(agency=self.agency)
        user = User.objects.filter(
            username=username, role=Role.CASE_MANAGER, agency=self.agency, is_active=True
        ).first()
        if user is None:  # unknown, inactive, or of another agency: the same answer
            return ValidationError(
                {"agenda": [f"No active case manager {username} at this agency."]}
            )
        return agenda_of(user=user)


def slots_upsert_from_backoffice(
    *, agency: Agency, items: list[dict[str, Any]], now: datetime | None = None
) -> list[SlotResult]:
    """Create, change or withdraw the agency's slots; one result per item, in order.

    ``items`` are validated data (``portal.backoffice.serializers.SlotItem``). One transaction;
    each item in a savepoint, so a refused item never undoes the others. The slot rows are
    locked while they change, so capacity and bookings stay consistent with learners booking
    at the same moment. Emits ``appointments.slot.published`` per changed slot (times, kind,
    places; nothing about who booked); open pages hear of it after commit.
    """
    now = now or timezone.now()
    results: list[SlotResult] = []
    changed: list[tuple[Slot, bool]] = []
    with transaction.atomic():
        agendas = _Agendas(agency)
        for index, item in enumerate(items):
            result = SlotResult(index, item["external_id"], "applied", 201, item["version"])
            try:
                agenda = agendas.get(item["agenda"]["case_manager"])
                with transaction.atomic():
                    slot, relisted = _upsert(agenda, item, now)
            except VersionConflictError as exc:
                result.status, result.code = "conflict", 409
                result.current_version = exc.current_version
            except ValidationError as exc:
                result.status, result.code, result.detail = "invalid", 422, _errors(exc)
            except IntegrityError as exc:  # a constraint the checks did not foresee (a race)
                result.status, result.code = "invalid", 422
                result.detail = {"non_field_errors": [str(exc).splitlines()[0][:200]]}
            else:
                result.slot = slot.pk
                if relisted is None:
                    result.status, result.code = "unchanged", 200
                else:
                    changed.append((slot, relisted))
            results.append(result)
        if changed:
            events_record([_event(agency, slot) for slot, _relisted in changed])
        for slot, _relisted in changed:
            slot_changed(slot)
        # New, withdrawn, restored or moved slots change the list itself: pages fetch it again.
        relisted_agendas = {slot.agenda_id: slot.agenda for slot, relisted in changed if relisted}
        for agenda in relisted_agendas.values():
            agenda_changed(agenda)
    return results


def _upsert(agenda: Agenda, item: dict[str, Any], now: datetime) -> tuple[Slot, bool | None]:
    """Apply one item: (the slot, whether the list of times changed); None when unchanged."""
    starts_at, ends_at, purpose = item["starts_at"], item["ends_at"], item["purpose"]
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["The end must be after the start."]})
    slot = (
        Slot.objects.select_for_update()
        .filter(agenda=agenda, external_id=item["external_id"])
        .select_related("agenda")
        .first()
    )
    if slot is not None:
        if item["version"] < slot.version:
            raise VersionConflictError(slot.version)
        if item["version"] == slot.version:
            return slot, None
        if slot.booked and (slot.starts_at != starts_at or slot.purpose != purpose):
            raise ValidationError(
                {
                    "starts_at": [
                        f"{slot.booked} place(s) are booked at this time. Withdraw this slot and "
                        "publish a new one; the case manager moves the appointments with the "
                        "learners."
                    ]
                }
            )
    else:
        # A learner booked this time from the weekly hours already: that row becomes ours.
        slot = (
            Slot.objects.select_for_update()
            .filter(agenda=agenda, starts_at=starts_at, purpose=purpose)
            .select_related("agenda")
            .first()
        )
        if slot is not None and slot.external_id:
            raise ValidationError(
                {"starts_at": [f"Slot {slot.external_id} is at this time for this kind already."]}
            )
    relisted = (
        slot is None
        or slot.source != SlotSource.BACKOFFICE
        or slot.starts_at != starts_at
        or slot.purpose != purpose
        or (slot.withdrawn_at is not None) != item["withdrawn"]
    )
    if slot is None:
        slot = Slot(agenda=agenda, booked=0)
    elif (
        Slot.objects.filter(agenda=agenda, starts_at=starts_at, purpose=purpose)
        .exclude(pk=slot.pk)
        .exists()
    ):
        raise ValidationError(
            {"starts_at": ["Another slot of this agenda is at this time for this kind already."]}
        )
    if item["capacity"] < slot.booked:
        raise ValidationError(
            {
                "capacity": [
                    f"{slot.booked} place(s) are booked already: the capacity cannot be lower."
                ]
            }
        )
    slot.starts_at, slot.ends_at, slot.purpose = starts_at, ends_at, purpose
    slot.mode, slot.place, slot.capacity = item["mode"], item["place"], item["capacity"]
    slot.withdrawn_at = (slot.withdrawn_at or now) if item["withdrawn"] else None
    slot.source, slot.external_id, slot.version = (
        SlotSource.BACKOFFICE,
        item["external_id"],
        item["version"],
    )
    # Field checks only: the constraints are the database's (and checked above for a message).
    slot.full_clean(exclude=["agenda"], validate_constraints=False)
    if slot.pk is None:
        slot.save()
    else:
        slot.save(update_fields=SLOT_FIELDS)
    return slot, relisted


def _event(agency: Agency, slot: Slot) -> Event:
    return Event(
        code="appointments.slot.published",
        actor=None,
        agency=agency,
        payload={
            "slot": slot.pk,
            "agenda": slot.agenda_id,
            "external_id": slot.external_id,
            "version": slot.version,
            "purpose": slot.purpose,
            "mode": slot.mode,
            "starts_at": slot.starts_at.astimezone(UTC).isoformat(),
            "ends_at": slot.ends_at.astimezone(UTC).isoformat(),
            "capacity": slot.capacity,
            "booked": slot.booked,
            "withdrawn": slot.withdrawn_at is not None,
        },
    )


def _errors(exc: ValidationError) -> Any:
    # Plain data: the answer is stored for replays of the same Idempotency-Key.
    if hasattr(exc, "error_dict"):
        return json.loads(json.dumps(exc.message_dict))
    return {"non_field_errors": [str(m) for m in exc.messages]}
