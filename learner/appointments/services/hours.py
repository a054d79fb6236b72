"""Case managers publish their weekly hours and closures; the slots follow from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from learner.appointments import selectors
from learner.appointments.models import Agenda, Closure, WeeklyHours
from learner.appointments.services.live import agenda_changed
from portal.accounts.models import Agency, Role, User
from portal.events.services import event_record

HOURS_FIELDS = (
    "weekday",
    "starts",
    "ends",
    "purpose",
    "minutes",
    "mode",
    "place",
    "capacity",
    "valid_from",
    "valid_until",
)


def agenda_of(*, user: User) -> Agenda:
    """A case manager's own agenda, made on first use; their languages default to Dutch."""
    if user.role != Role.CASE_MANAGER or user.agency_id is None:
        raise PermissionDenied
    agenda, _created = Agenda.objects.get_or_create(
        owner=user,
        defaults={"agency_id": user.agency_id, "name": user.display_name, "languages": ["nl"]},
    )
    return agenda


def desk_of(*, agency: Agency) -> Agenda:
    """The agency's general desk (an agenda without an owner), made on first use."""
    desk = Agenda.objects.filter(agency=agency, owner__isnull=True).order_by("pk").first()
    return desk or Agenda.objects.create(agency=agency, name=agency.name, languages=["nl"])


def _manages(user: User, agenda: Agenda) -> None:
    if not selectors.agendas_for_staff(user).filter(pk=agenda.pk).exists():
        raise PermissionDenied


@transaction.atomic
def agenda_languages_set(*, user: User, agenda: Agenda, languages: list[str]) -> Agenda:
    """The languages the talks can be held in; the others get an interpreter offered."""
    _manages(user, agenda)
    agenda.languages = sorted({code.lower() for code in languages if code})
    agenda.full_clean()
    agenda.save(update_fields=["languages"])
    return agenda


@transaction.atomic
def hours_save(
    *, user: User, agenda: Agenda, hours: WeeklyHours | None = None, values: dict[str, Any]
) -> WeeklyHours:
    """Add or change a weekly block. Places already booked stay booked (the learner keeps
    their appointment); new slots follow the new hours. Emits ``appointments.hours.changed``."""
    _manages(user, agenda)
    if hours is not None and hours.agenda_id != agenda.pk:
        raise PermissionDenied
    block = hours or WeeklyHours(agenda=agenda)
    for name in HOURS_FIELDS:
        if name in values:
            setattr(block, name, values[name])
    block.full_clean()
    block.save()
    event_record(
        code="appointments.hours.changed",
        actor=user,
        agency=agenda.agency,
        payload={"agenda": agenda.pk, "hours": block.pk},
    )
    agenda_changed(agenda)
    return block


@transaction.atomic
def hours_delete(*, user: User, hours: WeeklyHours) -> None:
    """Stop a weekly block; booked places stay. Emits ``appointments.hours.changed``."""
    _manages(user, hours.agenda)
    agenda = hours.agenda
    payload = {"agenda": agenda.pk, "hours": hours.pk, "deleted": True}
    hours.delete()
    event_record(
        code="appointments.hours.changed", actor=user, agency=agenda.agency, payload=payload
    )
    agenda_changed(agenda)


@transaction.atomic
def closure_add(
    *, user: User, agenda: Agenda, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Closure:
    """Close the agenda for a while (holiday, sick day). Bookings inside it are not cancelled
    silently: the case manager sees them on the agenda and moves or cancels them with the
    learner. Emits ``appointments.closure.added``."""
    _manages(user, agenda)
    closure = Closure(
        agenda=agenda, starts_at=starts_at, ends_at=ends_at, reason=reason, created_by=user
    )
    closure.full_clean()
    closure.save()
    event_record(
        code="appointments.closure.added",
        actor=user,
        agency=agenda.agency,
        payload={"agenda": agenda.pk, "closure": closure.pk},
    )
    agenda_changed(agenda)
    return closure


@transaction.atomic
def closure_delete(*, user: User, closure: Closure) -> None:
    _manages(user, closure.agenda)
    agenda = closure.agenda
    closure.delete()
    agenda_changed(agenda)
