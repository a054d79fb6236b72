"""Reads of agendas, free slots and bookings, always scoped to who asks (fail closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from learner.appointments import rules
from learner.appointments.models import (
    HOLDING,
    Agenda,
    Booking,
    BookingStatus,
    Closure,
    Slot,
    WaitlistEntry,
    WeeklyHours,
)
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def agendas_for_learner(learner: LearnerProfile) -> QuerySet[Agenda]:
    """The learner's own case manager's agenda and their agency's general desk."""
    own = learner.caseload_assignments.filter(ended_at__isnull=True).values("case_manager_id")
    return Agenda.objects.filter(
        Q(owner_id__in=own) | Q(owner__isnull=True, agency_id=learner.agency_id),
        agency_id=learner.agency_id,
    ).select_related("owner")


def agendas_for_staff(user: User) -> QuerySet[Agenda]:
    """A case manager's own agenda and their agency's desk; an agency admin: all of the agency."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Agenda.objects.none()
    agendas = Agenda.objects.filter(agency_id=user.agency_id).select_related("owner")
    if user.role == Role.CASE_MANAGER:
        return agendas.filter(Q(owner=user) | Q(owner__isnull=True))
    if user.role == Role.AGENCY_ADMIN:
        return agendas
    return Agenda.objects.none()


def agendas_for(user: User) -> QuerySet[Agenda]:
    """Whatever agendas this person may look at (live updates subscribe to these)."""
    if user.role == Role.LEARNER:
        learner = LearnerProfile.objects.filter(user=user).first()
        return agendas_for_learner(learner) if learner else Agenda.objects.none()
    return agendas_for_staff(user)


@dataclass(frozen=True)
class Offer:
    """A slot as a learner sees it: free places, and the row once it exists."""

    agenda: Agenda
    starts_at: datetime
    ends_at: datetime
    purpose: str
    mode: str
    place: str
    capacity: int
    free: int

    @property
    def key(self) -> str:
        """Names the slot in forms, commands and live updates; no personal data."""
        return f"{self.agenda.pk}.{self.purpose}.{int(self.starts_at.timestamp())}"


def parse_key(key: str) -> tuple[int, str, datetime] | None:
    try:
        agenda, purpose, stamp = key.split(".")
        return int(agenda), purpose, datetime.fromtimestamp(int(stamp), tz=UTC)
    except (AttributeError, ValueError, OverflowError, OSError):
        return None


def not_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(hours=settings.APPOINTMENTS_NOTICE_HOURS)


def offers(
    agendas: list[Agenda],
    *,
    purpose: str | None = None,
    first: date | None = None,
    days: int | None = None,
    now: datetime | None = None,
    include_full: bool = False,
) -> list[Offer]:
    """Slots of these agendas from ``first`` for ``days`` days, with their free places.

    Weekly hours are cut by the pure rule; slot rows (booked ones, the back office's) add their
    counts. Four queries whatever the number of agendas and days.
    """
    tz = zone()
    today = timezone.localdate(now or timezone.now())
    first = max(first or today, today)
    last = first + timedelta(days=(days or settings.APPOINTMENTS_HORIZON_DAYS) - 1)
    window_start = rules.local_moment(first, datetime.min.time(), tz) or timezone.now()
    window_end = rules.local_moment(last + timedelta(days=1), datetime.min.time(), tz)
    by_id = {agenda.pk: agenda for agenda in agendas}
    hours = WeeklyHours.objects.filter(agenda_id__in=by_id)
    closures = Closure.objects.filter(
        agenda_id__in=by_id, ends_at__gt=window_start, starts_at__lt=window_end
    )
    rows = Slot.objects.filter(
        agenda_id__in=by_id, starts_at__gte=window_start, starts_at__lt=window_end
    )
    if purpose:
        hours, rows = hours.filter(purpose=purpose), rows.filter(purpose=purpose)
    closed: dict[int, list[tuple[datetime, datetime]]] = {}
    for closure in closures:
        closed.setdefault(closure.agenda_id, []).append((closure.starts_at, closure.ends_at))
    blocks: dict[int, list[rules.Hours]] = {}
    for block in hours:
        blocks.setdefault(block.agenda_id, []).append(_hours(block))
    earliest = not_before(now)
    found: dict[tuple[int, str, datetime], Offer] = {}
    for agenda_id, agenda_blocks in blocks.items():
        for candidate in rules.weekly_slots(
            agenda_blocks,
            closed.get(agenda_id, []),
            first=first,
            last=last,
            tz=tz,
            not_before=earliest,
        ):
            offer = Offer(by_id[agenda_id], **vars(candidate), free=candidate.capacity)
            found[(agenda_id, candidate.purpose, candidate.starts_at)] = offer
    for row in rows:
        slot_key = (row.agenda_id, row.purpose, row.starts_at)
        if row.withdrawn_at is not None or row.starts_at < earliest:
            found.pop(slot_key, None)
            continue
        if row.source == "weekly" and slot_key not in found:
            continue  # the hours were changed or closed since: booked places stay, no new ones
        found[slot_key] = Offer(
            by_id[row.agenda_id],
            row.starts_at,
            row.ends_at,
            row.purpose,
            row.mode,
            row.place,
            row.capacity,
            row.free,
        )
    listed = sorted(found.values(), key=lambda o: (o.starts_at, o.agenda.pk, o.purpose))
    return listed if include_full else [offer for offer in listed if offer.free > 0]


def _hours(block: WeeklyHours) -> rules.Hours:
    return rules.Hours(
        weekday=block.weekday,
        starts=block.starts,
        ends=block.ends,
        minutes=block.minutes,
        purpose=block.purpose,
        mode=block.mode,
        place=block.place,
        capacity=block.capacity,
        valid_from=block.valid_from,
        valid_until=block.valid_until,
    )


def offer_for(agenda: Agenda, purpose: str, starts_at: datetime) -> Offer | None:
    """The slot at exactly that time, if it is offered (full or not)."""
    day = timezone.localdate(starts_at)
    for offer in offers([agenda], purpose=purpose, first=day, days=1, include_full=True):
        if offer.starts_at == starts_at:
            return offer
    return None


def alternatives(
    learner: LearnerProfile, purpose: str, *, after: datetime | None = None, count: int = 3
) -> list[Offer]:
    """The next free slots of that kind for this learner (shown with every refusal)."""
    found = offers(list(agendas_for_learner(learner)), purpose=purpose)
    return [o for o in found if after is None or o.starts_at > after][:count]


def bookings_for_learner(learner: LearnerProfile) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(learner=learner)
        .select_related("slot__agenda__owner")
        .order_by("slot__starts_at", "id")
    )


def upcoming_for_learner(learner: LearnerProfile, *, now: datetime | None = None) -> list[Booking]:
    return list(
        bookings_for_learner(learner).filter(
            status=BookingStatus.BOOKED, slot__ends_at__gt=now or timezone.now()
        )
    )


def next_booking(learner: LearnerProfile, *, now: datetime | None = None) -> Booking | None:
    """The learner's next appointment (for the home screen), or None."""
    return (
        bookings_for_learner(learner)
        .filter(status=BookingStatus.BOOKED, slot__ends_at__gt=now or timezone.now())
        .first()
    )


def booking_for_learner(learner: LearnerProfile, booking_id: int) -> Booking | None:
    return bookings_for_learner(learner).filter(pk=booking_id).first()


def booking_for_staff(user: User, booking_id: int) -> Booking | None:
    return (
        Booking.objects.filter(pk=booking_id, slot__agenda__in=agendas_for_staff(user))
        .select_related("slot__agenda", "learner__user")
        .first()
    )


def agenda_bookings(agendas: QuerySet[Agenda], *, first: date, days: int) -> QuerySet[Booking]:
    """The day or week of a staff agenda: bookings that hold a place, in time order."""
    tz = zone()
    start = rules.local_moment(first, datetime.min.time(), tz)
    end = rules.local_moment(first + timedelta(days=days), datetime.min.time(), tz)
    return (
        Booking.objects.filter(
            slot__agenda__in=agendas,
            status__in=HOLDING,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        )
        .select_related("slot__agenda", "learner__user", "note")
        .order_by("slot__starts_at", "id")
    )


def waitlist_of(learner: LearnerProfile) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(learner=learner, ended_at__isnull=True)
