"""Appointments in the learner's calendar app: .ics files and the private feed, read back with
icalendar as a calendar app would."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar, Event

from learner.appointments import calendar as ics
from learner.appointments.models import (
    Agenda,
    Booking,
    BookingStatus,
    CalendarFeed,
    Mode,
    Note,
    Purpose,
    Slot,
)
from learner.appointments.services.booking import booking_cancel
from learner.appointments.services.calendar import calendar_feed_renew, calendar_feed_revoke
from learner.appointments.services.hours import agenda_of
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.events.models import Event as LogEvent
from tests.conftest import PIN

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
PLACE = "Leuven, Diestsesteenweg 1"


@pytest.fixture
def plain_agenda(case_manager: User) -> Agenda:
    """The case manager's agenda without weekly hours: the tests make the booked slots."""
    return agenda_of(user=case_manager)


def book(
    learner: LearnerProfile,
    agenda: Agenda,
    starts_at: datetime,
    *,
    purpose: str = Purpose.PLAN_REVIEW,
    mode: str = Mode.OFFICE,
    place: str = PLACE,
    interpreter: str = "",
    status: str = BookingStatus.BOOKED,
) -> Booking:
    slot = Slot.objects.create(
        agenda=agenda,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        purpose=purpose,
        mode=mode,
        place=place,
        capacity=1,
        booked=1,
    )
    now = timezone.now()
    return Booking.objects.create(
        slot=slot,
        learner=learner,
        status=status,
        interpreter_language=interpreter,
        client_uuid=uuid.uuid4(),
        client_time=now,
        created_at=now,
        booked_by=learner.user,
        ended_at=now if status in (BookingStatus.CANCELLED, BookingStatus.MOVED) else None,
    )


def events_of(body: bytes) -> list[Event]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def by_uid(body: bytes) -> dict[str, Event]:
    return {str(event["UID"]): event for event in events_of(body)}


def soon(days: int = 7) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 10, tzinfo=BRUSSELS)


def test_times_go_out_in_utc_on_both_sides_of_the_spring_clock_change(
    learner: LearnerProfile, plain_agenda: Agenda, signed_in: Callable[[User], Client]
) -> None:
    # Brussels moves to summer time on Sunday 28 March 2027: 9:00 is 08:00Z on the Friday before
    # and 07:00Z on the Monday after.
    before = book(learner, plain_agenda, datetime(2027, 3, 26, 9, tzinfo=BRUSSELS))
    after = book(learner, plain_agenda, datetime(2027, 3, 29, 9, tzinfo=BRUSSELS))
    client = signed_in(learner.user)
    for booking, hour in ((before, 8), (after, 7)):
        response = client.get(reverse("appointments:booking_ics", args=[booking.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        (event,) = events_of(response.content)
        day = booking.slot.starts_at.astimezone(UTC).date()
        starts = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        assert event.decoded("DTSTART") == starts
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)
        assert event.decoded("DTEND") == starts + timedelta(hours=1)
        assert f"DTSTART:{starts:%Y%m%dT%H%M%S}Z".encode() in response.content
    (event,) = events_of(client.get(reverse("appointments:booking_ics", args=[after.pk])).content)
    assert event.decoded("DTSTART") == datetime(2027, 3, 29, 7, tzinfo=UTC)


def test_a_booking_keeps_its_uid_in_the_file_and_in_the_feed(
    learner: LearnerProfile, plain_agenda: Agenda, signed_in: Callable[[User], Client]
) -> None:
    booking = book(learner, plain_agenda, soon())
    uid = f"booking-{booking.pk}@{ics.uid_domain()}"
    first = ics.calendar_of([booking], now=timezone.now())
    later = ics.calendar_of([booking], now=timezone.now() + timedelta(days=3))
    assert list(by_uid(first)) == list(by_uid(later)) == [uid]
    download = signed_in(learner.user).get(reverse("appointments:booking_ics", args=[booking.pk]))
    feed = calendar_feed_renew(learner=learner)
    subscribed = Client().get(reverse("appointments:feed", args=[feed.token]))
    assert list(by_uid(download.content)) == list(by_uid(subscribed.content)) == [uid]


def test_the_event_says_what_where_and_reminds_a_day_and_two_hours_before(
    learner: LearnerProfile, plain_agenda: Agenda
) -> None:
    booking = book(learner, plain_agenda, soon(), interpreter="ti")
    with translation.override("en"):
        body = ics.calendar_of([booking], now=timezone.now())
    calendar = Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"])
    (event,) = events_of(body)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == PLACE
    assert str(event["SUMMARY"]) == "Appointment with your case manager: Review of my action plan"
    assert "Tigrinya" in str(event["DESCRIPTION"])  # the interpreter's language
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    alarms = list(event.walk("VALARM"))
    assert sorted(alarm.decoded("TRIGGER") for alarm in alarms) == [
        -timedelta(days=1),
        -timedelta(hours=2),
    ]
    assert {str(alarm["ACTION"]) for alarm in alarms} == {"DISPLAY"}
    assert all(str(alarm["DESCRIPTION"]) for alarm in alarms)


def test_a_video_call_and_the_general_desk_say_so(learner: LearnerProfile) -> None:
    desk = Agenda.objects.create(agency=learner.agency, name="Onthaal", languages=["nl"])
    booking = book(learner, desk, soon(), mode=Mode.VIDEO, place="")
    with translation.override("en"):
        (event,) = events_of(ics.calendar_of([booking], now=timezone.now()))
    assert str(event["LOCATION"]) == "Video call"
    assert "agency" in str(event["SUMMARY"])
    assert "video call" in str(event["DESCRIPTION"])


def test_nothing_of_the_dossier_goes_in(
    learner: LearnerProfile,
    case_manager: User,
    plain_agenda: Agenda,
    signed_in: Callable[[User], Client],
) -> None:
    booking = book(learner, plain_agenda, soon())
    Note.objects.create(booking=booking, text="Vertrouwelijke notitie", written_by=case_manager)
    feed = calendar_feed_renew(learner=learner)
    bodies = [
        Client().get(reverse("appointments:feed", args=[feed.token])).content,
        signed_in(learner.user).get(reverse("appointments:booking_ics", args=[booking.pk])).content,
    ]
    for body in bodies:
        text = body.decode()
        assert learner.dossier_number not in text
        assert "Vertrouwelijke" not in text
        assert learner.user.last_name not in text


def test_cancelled_and_moved_appointments_stay_a_month_as_cancelled(
    learner: LearnerProfile, plain_agenda: Agenda
) -> None:
    kept = book(learner, plain_agenda, soon(7))
    cancelled = book(learner, plain_agenda, soon(8))
    booking_cancel(booking=cancelled, actor=learner.user)
    moved = book(learner, plain_agenda, soon(9), status=BookingStatus.MOVED)
    long_ago = book(learner, plain_agenda, soon(10), status=BookingStatus.CANCELLED)
    Booking.objects.filter(pk=long_ago.pk).update(ended_at=timezone.now() - timedelta(days=31))
    past = book(learner, plain_agenda, timezone.now() - timedelta(days=40))
    now = timezone.now()
    events = by_uid(ics.calendar_of(ics.feed_bookings(learner, now=now), now=now))
    uid = ics.booking_uid
    assert set(events) == {uid(kept), uid(cancelled), uid(moved)}
    assert uid(long_ago) not in events
    assert uid(past) not in events
    assert str(events[uid(kept)]["STATUS"]) == "CONFIRMED"
    for booking in (cancelled, moved):
        event = events[uid(booking)]
        assert str(event["STATUS"]) == "CANCELLED"
        assert not list(event.walk("VALARM"))  # no reminder of a cancelled appointment
        # A higher sequence than the confirmed one, so calendar apps take over the change.
        assert int(event["SEQUENCE"]) > int(events[uid(kept)]["SEQUENCE"])


def test_the_feed_is_in_the_learners_language_whatever_the_app_asks(
    make_learner: Callable[..., LearnerProfile], case_manager: User, plain_agenda: Agenda
) -> None:
    learner = make_learner("INB-0042", case_manager=case_manager, language="fr")
    book(learner, plain_agenda, soon(), interpreter="ar")
    feed = calendar_feed_renew(learner=learner)
    response = Client().get(
        reverse("appointments:feed", args=[feed.token]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    (event,) = events_of(response.content)
    with translation.override("fr"):
        summary = translation.gettext("Appointment with your case manager: %(purpose)s") % {
            "purpose": Purpose.PLAN_REVIEW.label
        }
        arabic = str(dict(settings.LANGUAGES)["ar"])
    with translation.override("nl"):
        arabic_asked = str(dict(settings.LANGUAGES)["ar"])
    assert str(event["SUMMARY"]) == summary
    assert arabic in str(event["DESCRIPTION"])
    if arabic_asked != arabic:  # the catalogs are compiled (as `make test` does)
        assert arabic_asked not in str(event["DESCRIPTION"])
    assert translation.get_language() != "fr"  # the override ended with the request


def test_the_feed_address_works_until_renewed_or_stopped(
    learner: LearnerProfile, plain_agenda: Agenda, signed_in: Callable[[User], Client]
) -> None:
    book(learner, plain_agenda, soon())
    client = signed_in(learner.user)
    page = reverse("appointments:calendar")
    assert client.post(page, {"action": "renew"}).status_code == 302
    first = CalendarFeed.objects.get(learner=learner).token
    assert len(first) == 43
    shown = client.get(page).content.decode()
    address = f"http://testserver{reverse('appointments:feed', args=[first])}"
    assert address in shown
    assert f'href="webcal://testserver{reverse("appointments:feed", args=[first])}"' in shown
    response = Client().get(reverse("appointments:feed", args=[first]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    assert Client().head(reverse("appointments:feed", args=[first])).status_code == 200
    assert len(events_of(response.content)) == 1

    client.post(page, {"action": "renew"})
    second = CalendarFeed.objects.get(learner=learner).token
    assert second != first
    assert Client().get(reverse("appointments:feed", args=[first])).status_code == 404
    assert Client().get(reverse("appointments:feed", args=[second])).status_code == 200

    client.post(page, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(learner=learner).exists()
    assert Client().get(reverse("appointments:feed", args=[second])).status_code == 404
    assert second not in client.get(page).content.decode()
    codes = list(
        LogEvent.objects.filter(code__startswith="appointments.calendar.").values_list(
            "code", "payload"
        )
    )
    assert codes == [
        ("appointments.calendar.renewed", {}),
        ("appointments.calendar.renewed", {}),
        ("appointments.calendar.revoked", {}),
    ]


def test_stopping_a_feed_that_does_not_exist_records_nothing(learner: LearnerProfile) -> None:
    calendar_feed_revoke(learner=learner)
    assert not LogEvent.objects.filter(code="appointments.calendar.revoked").exists()


def test_a_malformed_address_is_not_found_without_asking_the_database(
    django_assert_num_queries: Any,
) -> None:
    for token in ("unknown", "x" * 42 + "!", "a" * 44):
        with django_assert_num_queries(0):
            assert ics.feed_for_token(token) is None
    assert Client().get(reverse("appointments:feed", args=["a" * 43])).status_code == 404


def test_another_learners_booking_is_not_found(
    learner: LearnerProfile,
    plain_agenda: Agenda,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    their_case_manager = make_staff(Role.CASE_MANAGER, "tb.x")
    other = make_learner("INB-0077", case_manager=their_case_manager, pin=PIN)
    theirs = book(other, agenda_of(user=their_case_manager), soon())
    mine = book(learner, plain_agenda, soon(8))
    client = signed_in(learner.user)
    assert client.get(reverse("appointments:booking_ics", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("appointments:booking_ics", args=[mine.pk])).status_code == 200
