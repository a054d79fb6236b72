"""Learners book, cancel and move appointments; case managers record how the talk went.

Capacity is held by ``Slot.booked``: it moves only through a conditional UPDATE
(``booked < capacity``), which the database serialises per row, and a check constraint keeps it
within capacity whatever code runs. Of K phones racing for C places, exactly min(K, C) win; the
others get ``SlotTaken`` with the next free times.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.appointments import rules, selectors
from learner.appointments.models import (
    HOLDING,
    NOTE_LENGTH,
    Agenda,
    Booking,
    BookingStatus,
    Note,
    Purpose,
    Slot,
    WaitlistEntry,
)
from learner.appointments.selectors import Offer
from learner.appointments.services.live import slot_changed
from learner.profiles.models import LearnerProfile
from learner.trajectory.selectors import view_of
from portal.accounts.models import Role, User
from portal.events.services import event_record


class SlotTaken(Exception):
    """The last place went to someone else first; ``alternatives`` are the next free ones."""

    def __init__(self, alternatives: list[Offer]) -> None:
        super().__init__("slot taken")
        self.alternatives = alternatives


def _payload(booking: Booking) -> dict[str, object]:
    # For the event log and the back office: times and kinds, no notes, no names.
    return {
        "booking": booking.pk,
        "agenda": booking.slot.agenda_id,
        "purpose": booking.slot.purpose,
        "starts_at": booking.slot.starts_at.isoformat(),
        "interpreter_language": booking.interpreter_language,
        "interpreter_cost_covered": booking.interpreter_cost_covered,
    }


def _slot_row(offer: Offer) -> Slot:
    """The row of an offered slot, made by whoever books it first."""
    try:
        slot, _created = Slot.objects.get_or_create(
            agenda=offer.agenda,
            starts_at=offer.starts_at,
            purpose=offer.purpose,
            defaults={
                "ends_at": offer.ends_at,
                "mode": offer.mode,
                "place": offer.place,
                "capacity": offer.capacity,
            },
        )
    except IntegrityError:  # made at the same moment by another phone (get_or_create's race)
        slot = Slot.objects.get(
            agenda=offer.agenda, starts_at=offer.starts_at, purpose=offer.purpose
        )
    return slot


def interpreter_for(learner: LearnerProfile, agenda: Agenda) -> str:
    """The language an interpreter would speak for this learner with this agenda, or ""."""
    return rules.interpreter_language(
        learner_languages=[*learner.spoken_languages, learner.user.preferred_language],
        agenda_languages=agenda.languages,
    )


def slot_book(
    *,
    learner: LearnerProfile,
    actor: User,
    agenda: Agenda,
    purpose: str,
    starts_at: datetime,
    interpreter: bool,
    client_uuid: UUID,
    client_time: datetime | None = None,
) -> Booking:
    """Book a place for ``learner``. Raises ``SlotTaken`` (with alternatives) when it is full,
    ``ValidationError`` when the time is not offered (any more) or already booked by them.

    ``interpreter`` asks for one in the learner's language when the case manager does not
    speak it; its cost is covered when the contract is valid on the day of the talk (DOMAIN.md).
    The same ``client_uuid`` twice returns the first booking. Emits
    ``appointments.booking.made``; the agenda's pages hear of it after commit.
    """
    earlier = Booking.objects.filter(client_uuid=client_uuid, learner=learner).first()
    if earlier is not None:
        return earlier
    if not selectors.agendas_for_learner(learner).filter(pk=agenda.pk).exists():
        raise PermissionDenied
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": [_("Choose what the appointment is about.")]})
    with transaction.atomic():
        booking = _book(
            learner, actor, agenda, purpose, starts_at, interpreter, client_uuid, client_time
        )
        WaitlistEntry.objects.filter(
            learner=learner, purpose=purpose, ended_at__isnull=True
        ).update(ended_at=timezone.now())
        event_record(
            code="appointments.booking.made",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload=_payload(booking),
        )
        slot_changed(booking.slot)
        _reminders_after_commit(booking)
    return booking


def _book(
    learner: LearnerProfile,
    actor: User,
    agenda: Agenda,
    purpose: str,
    starts_at: datetime,
    interpreter: bool,
    client_uuid: UUID,
    client_time: datetime | None,
) -> Booking:
    offer = selectors.offer_for(agenda, purpose, starts_at)
    if offer is None:
        raise ValidationError(_("This time is no longer offered. Choose another one."))
    slot = _slot_row(offer)
    taken = Slot.objects.filter(
        pk=slot.pk, booked__lt=F("capacity"), withdrawn_at__isnull=True
    ).update(booked=F("booked") + 1)
    if not taken:
        raise SlotTaken(selectors.alternatives(learner, purpose))
    # The row is ours until commit, so the same learner's twin request waits here.
    if Booking.objects.filter(slot=slot, learner=learner, status__in=HOLDING).exists():
        raise ValidationError(_("You already have this appointment."))
    language = interpreter_for(learner, agenda) if interpreter else ""
    covered = False
    if language:
        # Read afresh: the caller's profile may hold a read model from before a change.
        fresh = LearnerProfile.objects.select_related("trajectory_state").get(pk=learner.pk)
        trajectory = view_of(fresh, on=timezone.localdate(starts_at)).trajectory
        covered = bool(trajectory and trajectory.interpreter_covered)
    now = timezone.now()
    return Booking.objects.create(
        slot=slot,
        learner=learner,
        interpreter_language=language,
        interpreter_cost_covered=covered,
        client_uuid=client_uuid,
        # The phone's time of the request, kept apart from when the server applied it.
        client_time=client_time or now,
        created_at=now,
        booked_by=actor,
    )


def _release(booking: Booking) -> None:
    Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _owned(booking: Booking, actor: User) -> None:
    if actor.role == Role.LEARNER:
        if booking.learner.user_id != actor.pk:
            raise PermissionDenied
    elif not selectors.booking_for_staff(actor, booking.pk):
        raise PermissionDenied


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("slot__agenda", "learner")
        .get(pk=booking.pk)
    )


@transaction.atomic
def booking_cancel(*, booking: Booking, actor: User) -> Booking:
    """ "I can't come": the place is freed at once and offered to the learners waiting for that
    kind of appointment. Cancelling twice changes nothing. Emits
    ``appointments.booking.cancelled`` and, per waiting learner, ``appointments.slot.offered``."""
    _owned(booking, actor)
    booking = _locked(booking)
    if booking.status != BookingStatus.BOOKED:
        return booking
    if booking.slot.ends_at <= timezone.now():
        raise ValidationError(_("This appointment is over."))
    booking.status, booking.ended_at, booking.ended_by = (
        BookingStatus.CANCELLED,
        timezone.now(),
        actor,
    )
    booking.save(update_fields=["status", "ended_at", "ended_by"])
    _release(booking)
    event_record(
        code="appointments.booking.cancelled",
        actor=actor,
        learner=booking.learner.user,
        agency=booking.learner.agency,
        payload=_payload(booking),
    )
    slot_changed(booking.slot)
    _offer_to_waitlist(booking.slot, except_learner=booking.learner)
    return booking


def _offer_to_waitlist(slot: Slot, *, except_learner: LearnerProfile) -> None:
    """Tell everyone waiting for this kind, who may book this agenda, that a place is free.
    First come, first served: the place is not held for anyone."""
    if slot.starts_at < selectors.not_before():
        return
    waiting = (
        WaitlistEntry.objects.filter(purpose=slot.purpose, ended_at__isnull=True)
        .exclude(learner=except_learner)
        .select_related("learner__user", "learner__agency")
        .order_by("created_at", "id")
    )
    now = timezone.now()
    for entry in waiting:
        if not selectors.agendas_for_learner(entry.learner).filter(pk=slot.agenda_id).exists():
            continue
        entry.offered_at = now
        entry.save(update_fields=["offered_at"])
        event_record(
            code="appointments.slot.offered",
            actor=None,
            learner=entry.learner.user,
            agency=entry.learner.agency,
            payload={
                "agenda": slot.agenda_id,
                "purpose": slot.purpose,
                "starts_at": slot.starts_at.isoformat(),
            },
        )


def booking_move(
    *,
    booking: Booking,
    actor: User,
    starts_at: datetime,
    agenda: Agenda | None = None,
    client_uuid: UUID,
) -> Booking:
    """Move to another time of the same kind: the new place is taken first, so a learner who
    loses the race keeps the old one. Emits ``appointments.booking.made`` and
    ``appointments.booking.moved``."""
    _owned(booking, actor)
    with transaction.atomic():
        old = _locked(booking)
        if old.status != BookingStatus.BOOKED:
            raise ValidationError(_("This appointment cannot be moved any more."))
        new = slot_book(
            learner=old.learner,
            actor=actor,
            agenda=agenda or old.slot.agenda,
            purpose=old.slot.purpose,
            starts_at=starts_at,
            interpreter=bool(old.interpreter_language),
            client_uuid=client_uuid,
        )
        if new.pk == old.pk or old.moved_to_id == new.pk:
            return new
        old.status, old.ended_at, old.ended_by, old.moved_to = (
            BookingStatus.MOVED,
            timezone.now(),
            actor,
            new,
        )
        old.save(update_fields=["status", "ended_at", "ended_by", "moved_to"])
        _release(old)
        event_record(
            code="appointments.booking.moved",
            actor=actor,
            learner=old.learner.user,
            agency=old.learner.agency,
            payload={**_payload(old), "moved_to": new.pk},
        )
        slot_changed(old.slot)
        _offer_to_waitlist(old.slot, except_learner=old.learner)
    return new


@transaction.atomic
def booking_outcome(*, booking: Booking, actor: User, status: str) -> Booking:
    """The case manager records that the talk took place or that the learner did not come.
    A no-show is a fact for the agenda, not a sanction signal: the case manager decides about
    that separately, after talking with the learner. Emits ``appointments.booking.outcome``."""
    if actor.role not in {Role.CASE_MANAGER, Role.AGENCY_ADMIN}:
        raise PermissionDenied
    _owned(booking, actor)
    if status not in {BookingStatus.ATTENDED, BookingStatus.NO_SHOW}:
        raise ValidationError(_("Choose whether the talk took place."))
    booking = _locked(booking)
    if booking.status not in HOLDING:
        raise ValidationError(_("This appointment was cancelled or moved."))
    if booking.slot.starts_at > timezone.now():
        raise ValidationError(_("You can record this once the appointment has started."))
    if booking.status != status:
        booking.status = status
        booking.save(update_fields=["status"])
        event_record(
            code="appointments.booking.outcome",
            actor=actor,
            learner=booking.learner.user,
            agency=booking.learner.agency,
            payload={"booking": booking.pk, "status": status},
        )
    return booking


@transaction.atomic
def note_write(*, booking: Booking, author: User, text: str) -> Note:
    """The case manager's note after the talk. Coaching only: it never leaves the portal in the
    event log or the back-office feed (the event says a note exists, not what it says)."""
    if author.role not in {Role.CASE_MANAGER, Role.AGENCY_ADMIN}:
        raise PermissionDenied
    _owned(booking, author)
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write something, or leave the page.")]})
    if len(text) > NOTE_LENGTH:
        raise ValidationError({"text": [_("This note is too long.")]})
    note, _created = Note.objects.update_or_create(
        booking=booking,
        defaults={"text": text, "written_by": author, "updated_at": timezone.now()},
    )
    return note


@transaction.atomic
def waitlist_join(*, learner: LearnerProfile, purpose: str) -> WaitlistEntry:
    """Wait for a free time of that kind; joining twice keeps the first place in line."""
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": [_("Choose what the appointment is about.")]})
    entry = WaitlistEntry.objects.filter(
        learner=learner, purpose=purpose, ended_at__isnull=True
    ).first()
    return entry or WaitlistEntry.objects.create(learner=learner, purpose=purpose)


@transaction.atomic
def waitlist_leave(*, learner: LearnerProfile, purpose: str) -> None:
    WaitlistEntry.objects.filter(learner=learner, purpose=purpose, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def _reminders_after_commit(booking: Booking) -> None:
    # Imported here: the tasks module imports these services.
    from learner.appointments.services.reminders import reminders_schedule

    transaction.on_commit(lambda: reminders_schedule(booking=booking))
