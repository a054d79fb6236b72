"""Booking, cancelling, moving, the waitlist, interpreters and reminders, on a real database."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from learner.appointments import selectors
from learner.appointments.models import (
    Agenda,
    Booking,
    BookingStatus,
    Purpose,
    Reminder,
    Slot,
    WaitlistEntry,
)
from learner.appointments.services import booking as services
from learner.appointments.services import hours
from learner.appointments.services.reminders import reminder_send, reminders_schedule
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.events.models import Event
from portal.notifications.models import Notification
from portal.sync.services import commands_apply

Free = Callable[..., list[selectors.Offer]]


def book(learner: LearnerProfile, offer: selectors.Offer, *, interpreter: bool = True) -> Booking:
    return services.slot_book(
        learner=learner,
        actor=learner.user,
        agenda=offer.agenda,
        purpose=offer.purpose,
        starts_at=offer.starts_at,
        interpreter=interpreter,
        client_uuid=uuid.uuid4(),
    )


@pytest.fixture
def second(make_learner: Callable[..., LearnerProfile], case_manager: User) -> LearnerProfile:
    return make_learner("INB-0002", case_manager=case_manager, pin="482915", language="ti")


def test_booking_takes_the_place_and_records_an_event(
    learner: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offer = free(learner)[0]
    booking = book(learner, offer)
    slot = Slot.objects.get(pk=booking.slot_id)
    assert (slot.booked, slot.capacity, slot.starts_at) == (1, 1, offer.starts_at)
    assert booking.status == BookingStatus.BOOKED
    event = Event.objects.get(code="appointments.booking.made")
    assert event.payload["booking"] == booking.pk
    assert "Amal" not in str(event.payload)
    assert offer.starts_at not in [o.starts_at for o in free(learner)]


def test_a_full_slot_refuses_with_the_next_free_times(
    learner: LearnerProfile, second: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offer = free(learner)[0]
    book(learner, offer)
    with pytest.raises(services.SlotTaken) as taken:
        book(second, offer)
    alternatives = taken.value.alternatives
    assert len(alternatives) == 3
    assert offer.starts_at not in [o.starts_at for o in alternatives]
    assert Booking.objects.filter(learner=second).count() == 0
    assert Slot.objects.get(starts_at=offer.starts_at).booked == 1


def test_the_same_request_twice_is_one_booking_and_a_second_one_is_refused(
    learner: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offer = free(learner)[0]
    command = uuid.uuid4()
    kwargs = dict(
        learner=learner,
        actor=learner.user,
        agenda=agenda,
        purpose=offer.purpose,
        starts_at=offer.starts_at,
        interpreter=False,
    )
    first = services.slot_book(**kwargs, client_uuid=command)  # type: ignore[arg-type]
    again = services.slot_book(**kwargs, client_uuid=command)  # type: ignore[arg-type]
    assert first.pk == again.pk
    # Capacity 2, so only the "already yours" rule can refuse the second request.
    Slot.objects.filter(pk=first.slot_id).update(capacity=2)
    with pytest.raises(ValidationError, match="already have"):
        services.slot_book(**kwargs, client_uuid=uuid.uuid4())  # type: ignore[arg-type]
    assert Slot.objects.get(pk=first.slot_id).booked == 1


def test_a_time_that_is_not_offered_is_refused(
    learner: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offer = free(learner)[0]
    with pytest.raises(ValidationError, match="no longer offered"):
        services.slot_book(
            learner=learner,
            actor=learner.user,
            agenda=agenda,
            purpose=offer.purpose,
            starts_at=offer.starts_at + timedelta(minutes=7),
            interpreter=False,
            client_uuid=uuid.uuid4(),
        )


def test_another_agencys_learner_cannot_book_this_agenda(
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    other_agency: object,
    agenda: Agenda,
    learner: LearnerProfile,
    free: Free,
) -> None:
    stranger_manager = make_staff(Role.CASE_MANAGER, "tb.other", agency=other_agency)
    stranger = make_learner("INB-9", case_manager=stranger_manager, agency=other_agency)
    with pytest.raises(PermissionDenied):
        book(stranger, free(learner)[0])


def test_an_interpreter_in_the_learners_language_is_covered_while_the_contract_is_valid(
    learner: LearnerProfile, agenda: Agenda, free: Free, sign_contract: Callable[..., object]
) -> None:
    offers = free(learner)
    without_contract = book(learner, offers[0])
    assert without_contract.interpreter_language == "ar"
    assert without_contract.interpreter_cost_covered is False
    today = timezone.localdate()
    sign_contract(
        learner, signed_on=today - timedelta(days=30), richttermijn=today + timedelta(days=365)
    )
    covered = book(learner, offers[1])
    assert (covered.interpreter_language, covered.interpreter_cost_covered) == ("ar", True)
    declined = book(learner, offers[2], interpreter=False)
    assert declined.interpreter_language == ""


def test_no_interpreter_when_the_case_manager_speaks_the_language(
    learner: LearnerProfile, agenda: Agenda, free: Free, case_manager: User
) -> None:
    hours.agenda_languages_set(user=case_manager, agenda=agenda, languages=["nl", "ar"])
    assert book(learner, free(learner)[0]).interpreter_language == ""


def test_cant_come_frees_the_place_and_offers_it_to_the_waitlist(
    learner: LearnerProfile,
    second: LearnerProfile,
    agenda: Agenda,
    free: Free,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    offer = free(learner)[0]
    booking = book(learner, offer)
    services.waitlist_join(learner=second, purpose=Purpose.INTAKE)
    services.waitlist_join(learner=second, purpose=Purpose.INTAKE)  # once in line
    assert WaitlistEntry.objects.filter(learner=second).count() == 1
    cancelled = services.booking_cancel(booking=booking, actor=learner.user)
    assert cancelled.status == BookingStatus.CANCELLED
    assert Slot.objects.get(pk=booking.slot_id).booked == 0
    offered = Notification.objects.get(recipient=second.user, code="appointments.slot.offered")
    assert offered.params["purpose"] == Purpose.INTAKE
    assert "purpose=intake" in offered.url
    # Cancelling again changes nothing; the freed place is bookable at once.
    services.booking_cancel(booking=booking, actor=learner.user)
    assert Slot.objects.get(pk=booking.slot_id).booked == 0
    taken = book(second, offer)
    assert not WaitlistEntry.objects.filter(learner=second, ended_at__isnull=True).exists()
    assert taken.slot_id == booking.slot_id


def test_only_the_owner_or_their_case_manager_cancels(
    learner: LearnerProfile, second: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    booking = book(learner, free(learner)[0])
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, actor=second.user)


def test_moving_takes_the_new_place_first_and_keeps_the_old_one_on_a_lost_race(
    learner: LearnerProfile, second: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offers = free(learner)
    old = book(learner, offers[0])
    book(second, offers[1])
    with pytest.raises(services.SlotTaken):
        services.booking_move(
            booking=old, actor=learner.user, starts_at=offers[1].starts_at, client_uuid=uuid.uuid4()
        )
    old.refresh_from_db()
    assert old.status == BookingStatus.BOOKED
    new = services.booking_move(
        booking=old, actor=learner.user, starts_at=offers[2].starts_at, client_uuid=uuid.uuid4()
    )
    old.refresh_from_db()
    assert (old.status, old.moved_to_id) == (BookingStatus.MOVED, new.pk)
    assert Slot.objects.get(pk=old.slot_id).booked == 0
    assert Slot.objects.get(pk=new.slot_id).booked == 1


def test_outcome_only_after_the_start_and_notes_only_by_the_agendas_staff(
    learner: LearnerProfile,
    agenda: Agenda,
    free: Free,
    case_manager: User,
    make_staff: Callable[..., User],
) -> None:
    booking = book(learner, free(learner)[0])
    with pytest.raises(ValidationError, match="once the appointment has started"):
        services.booking_outcome(booking=booking, actor=case_manager, status=BookingStatus.NO_SHOW)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    booking.refresh_from_db()
    done = services.booking_outcome(
        booking=booking, actor=case_manager, status=BookingStatus.NO_SHOW
    )
    assert done.status == BookingStatus.NO_SHOW
    assert Slot.objects.get(pk=booking.slot_id).booked == 1  # a no-show still held the place
    note = services.note_write(booking=booking, author=case_manager, text="  Wants evening NT2.  ")
    assert note.text == "Wants evening NT2."
    event = Event.objects.filter(code__startswith="appointments.").values_list("payload", flat=True)
    assert all("evening" not in str(payload) for payload in event)
    colleague = make_staff(Role.CASE_MANAGER, "tb.colleague")
    with pytest.raises(PermissionDenied):
        services.note_write(booking=booking, author=colleague, text="Not mine")
    with pytest.raises(PermissionDenied):
        services.booking_outcome(booking=booking, actor=learner.user, status=BookingStatus.ATTENDED)


def test_a_closure_hides_slots_but_keeps_bookings(
    learner: LearnerProfile, agenda: Agenda, free: Free, case_manager: User
) -> None:
    offers = free(learner)
    booking = book(learner, offers[0])
    day = timezone.localdate(offers[0].starts_at)
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    hours.closure_add(
        user=case_manager, agenda=agenda, starts_at=start, ends_at=start + timedelta(days=1)
    )
    assert all(timezone.localdate(o.starts_at) != day for o in free(learner))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_reminders_are_queued_and_sent_once_each(
    learner: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offer = free(learner)[-1]  # far enough ahead for both reminders
    booking = book(learner, offer)
    assert reminders_schedule(booking=booking) == ["day_before", "two_hours"]
    early = offer.starts_at - timedelta(days=2)
    assert reminder_send(booking_id=booking.pk, kind="day_before", now=early) is False
    due = offer.starts_at - timedelta(hours=1)
    assert reminder_send(booking_id=booking.pk, kind="two_hours", now=due) is True
    assert reminder_send(booking_id=booking.pk, kind="two_hours", now=due) is False
    assert Reminder.objects.filter(booking=booking).count() == 1
    note = Notification.objects.get(recipient=learner.user, code="appointments.reminder.sent")
    assert note.params["starts_at"] == offer.starts_at.isoformat()
    services.booking_cancel(booking=booking, actor=learner.user)
    assert reminder_send(booking_id=booking.pk, kind="day_before", now=due) is False


def test_an_offline_request_is_applied_once_or_refused_with_alternatives(
    learner: LearnerProfile, second: LearnerProfile, agenda: Agenda, free: Free
) -> None:
    offer = free(learner)[0]
    command = {
        "uuid": uuid.uuid4(),
        "type": "appointments.booking.request",
        "payload": {"slot": offer.key, "interpreter": True},
        "created_at": timezone.now(),
    }
    [applied] = commands_apply(user=learner.user, commands=[command])
    assert applied.status == "applied"
    [replayed] = commands_apply(user=learner.user, commands=[command])
    assert (replayed.status, replayed.result) == ("duplicate", applied.result)
    [refused] = commands_apply(user=second.user, commands=[{**command, "uuid": uuid.uuid4()}])
    assert (refused.status, refused.reason) == ("rejected", "slot_taken")
    assert "Free times" in refused.message
    [garbled] = commands_apply(
        user=learner.user,
        commands=[{**command, "uuid": uuid.uuid4(), "payload": {"slot": "x.y"}}],
    )
    assert (garbled.status, garbled.reason) == ("rejected", "invalid")
    assert Booking.objects.count() == 1


def test_the_desk_agenda_is_open_to_every_learner_of_the_agency(
    learner: LearnerProfile, agenda: Agenda, case_manager: User
) -> None:
    desk = Agenda.objects.create(agency=agenda.agency, name="Onthaal", languages=["nl"])
    hours.hours_save(
        user=case_manager,
        agenda=desk,
        values={
            "weekday": 0,
            "starts": "13:00",
            "ends": "14:00",
            "purpose": Purpose.QUESTION,
            "minutes": 20,
            "capacity": 2,
        },
    )
    assert set(selectors.agendas_for_learner(learner)) == {agenda, desk}
    found = selectors.offers([desk], purpose=Purpose.QUESTION, first=timezone.localdate(), days=14)
    assert found
    assert all(o.free == 2 for o in found)
