"""The screens: booking without JavaScript, refusals with alternatives, the case manager's
agenda."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from learner.appointments.models import Agenda, Booking, BookingStatus, Slot, WeeklyHours
from learner.appointments.services.live import agenda_group
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portal.shell.home import block_render
from portfolio.models import DossierAccess

Free = Callable[..., list]
Book = Callable[..., Booking]


def form_of(client: Client, url: str) -> tuple[str, list[str]]:
    page = client.get(url).content.decode()
    command = re.search(r'name="command" value="([^"]+)"', page)
    assert command is not None
    return command.group(1), re.findall(r'name="slot" value="([^"]+)"', page)


def test_a_learner_books_without_javascript_and_sees_the_interpreter_offer(
    learner: LearnerProfile, agenda: Agenda, signed_in_en: Callable[[User], Client]
) -> None:
    client = signed_in_en(learner.user)
    page = client.get("/appointments/book/?purpose=intake").content.decode()
    assert 'name="interpreter" checked' in page  # the case manager speaks no Arabic
    command, slots = form_of(client, "/appointments/book/?purpose=intake")
    response = client.post(
        "/appointments/book/",
        {"purpose": "intake", "slot": slots[0], "command": command, "interpreter": "on"},
    )
    booking = Booking.objects.get(learner=learner)
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{booking.pk}/"
    assert booking.interpreter_language == "ar"
    # The same form sent twice (a double tap, a resend) is one booking.
    client.post(
        "/appointments/book/",
        {"purpose": "intake", "slot": slots[0], "command": command, "interpreter": "on"},
    )
    assert Booking.objects.filter(learner=learner).count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "I can&#x27;t come" in detail or "can't come" in detail
    home = client.get("/appointments/").content.decode()
    assert f"/appointments/{booking.pk}/" in home
    start = client.get("/").content.decode()  # the learner's home screen
    assert "Next appointment" in start
    assert f"/appointments/{booking.pk}/" in start
    # Kept in the cache, the home's block would go out of date when the appointment ends.
    that_morning = booking.slot.starts_at - timedelta(hours=1)
    assert block_render(learner.user, now=that_morning)[1] == booking.slot.ends_at


def test_a_lost_race_shows_the_next_free_times_and_keeps_the_page(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    agenda: Agenda,
    signed_in_en: Callable[[User], Client],
) -> None:
    other = make_learner("INB-0002", case_manager=case_manager)
    mine, theirs = signed_in_en(learner.user), signed_in_en(other.user)
    command, slots = form_of(mine, "/appointments/book/?purpose=intake")
    their_command, _slots = form_of(theirs, "/appointments/book/?purpose=intake")
    theirs.post(
        "/appointments/book/", {"purpose": "intake", "slot": slots[0], "command": their_command}
    )
    response = mine.post(
        "/appointments/book/?purpose=intake",
        {"purpose": "intake", "slot": slots[0], "command": command},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else just took this time" in page
    assert slots[0] not in page  # gone from the list
    assert slots[1] in page
    assert not Booking.objects.filter(learner=learner).exists()


def test_i_cant_come_then_choose_another_time(
    learner: LearnerProfile, agenda: Agenda, signed_in_en: Callable[[User], Client]
) -> None:
    client = signed_in_en(learner.user)
    command, slots = form_of(client, "/appointments/book/?purpose=intake")
    client.post("/appointments/book/", {"purpose": "intake", "slot": slots[0], "command": command})
    booking = Booking.objects.get(learner=learner)
    move_command, move_slots = form_of(
        client, f"/appointments/book/?purpose=intake&move={booking.pk}"
    )
    response = client.post(
        "/appointments/book/",
        {"purpose": "intake", "slot": move_slots[1], "command": move_command, "move": booking.pk},
    )
    moved = Booking.objects.get(learner=learner, status=BookingStatus.BOOKED)
    assert response["Location"] == f"/appointments/{moved.pk}/"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.MOVED
    cancel_command, _ = form_of(client, f"/appointments/{moved.pk}/")
    client.post(f"/appointments/{moved.pk}/", {"command": cancel_command})
    moved.refresh_from_db()
    assert moved.status == BookingStatus.CANCELLED
    assert client.get(f"/appointments/book/?purpose=intake&move={moved.pk}").status_code == 404


def test_another_learners_booking_is_not_found(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    agenda: Agenda,
    signed_in_en: Callable[[User], Client],
) -> None:
    client = signed_in_en(learner.user)
    command, slots = form_of(client, "/appointments/book/?purpose=intake")
    client.post("/appointments/book/", {"purpose": "intake", "slot": slots[0], "command": command})
    booking = Booking.objects.get(learner=learner)
    other = signed_in_en(make_learner("INB-0002", case_manager=case_manager).user)
    assert other.get(f"/appointments/{booking.pk}/").status_code == 404
    assert (
        other.post(f"/appointments/{booking.pk}/", {"command": str(uuid.uuid4())}).status_code
        == 404
    )


def test_the_case_manager_keeps_hours_and_sees_the_week(
    learner: LearnerProfile,
    case_manager: User,
    agenda: Agenda,
    signed_in_en: Callable[[User], Client],
    free: Free,
) -> None:
    client = signed_in_en(case_manager)
    bad = client.post(
        "/appointments/agenda/hours/",
        {
            "action": "hours",
            "weekday": 1,
            "starts": "14:00",
            "ends": "13:00",
            "purpose": "question",
            "minutes": 20,
            "mode": "office",
            "capacity": 1,
            "valid_from": "2026-01-01",
        },
    )
    assert bad.status_code == 200
    assert "The end must be after the start." in bad.content.decode()
    good = client.post(
        "/appointments/agenda/hours/",
        {
            "action": "hours",
            "weekday": 1,
            "starts": "13:00",
            "ends": "14:00",
            "purpose": "question",
            "minutes": 20,
            "mode": "video",
            "capacity": 1,
            "valid_from": "2026-01-01",
        },
    )
    assert good.status_code == 302
    assert WeeklyHours.objects.filter(agenda=agenda, purpose="question").count() == 1
    offer = free(learner)[0]
    learner_client = signed_in_en(learner.user)
    command, _slots = form_of(learner_client, "/appointments/book/?purpose=intake")
    learner_client.post(
        "/appointments/book/",
        {"purpose": "intake", "slot": offer.key, "command": command, "interpreter": "on"},
    )
    day = timezone.localdate(offer.starts_at)
    week = client.get(f"/appointments/agenda/?day={day:%Y-%m-%d}&span=week").content.decode()
    assert "Amal Haddad" in week
    booking = Booking.objects.get(learner=learner)
    detail = client.get(f"/appointments/agenda/bookings/{booking.pk}/").content.decode()
    assert "Arabic" in detail


def test_staff_record_a_no_show_and_a_note_after_the_talk(
    learner: LearnerProfile,
    case_manager: User,
    agenda: Agenda,
    signed_in_en: Callable[[User], Client],
    free: Free,
) -> None:
    learner_client = signed_in_en(learner.user)
    command, slots = form_of(learner_client, "/appointments/book/?purpose=intake")
    learner_client.post(
        "/appointments/book/", {"purpose": "intake", "slot": slots[0], "command": command}
    )
    booking = Booking.objects.get(learner=learner)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    client = signed_in_en(case_manager)
    url = f"/appointments/agenda/bookings/{booking.pk}/"
    client.post(url, {"action": "outcome", "status": "no_show"})
    client.post(url, {"action": "note", "text": "Childcare problem; try afternoons."})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert booking.note.text == "Childcare problem; try afternoons."
    # The visit is in the learner's list of staff accesses to their dossier.
    assert DossierAccess.objects.filter(
        learner=learner, staff=case_manager, what="appointments:staff_booking"
    ).exists()
    assert "Childcare" not in learner_client.get(f"/appointments/{booking.pk}/").content.decode()


def test_pages_stay_within_the_query_budget(
    learner: LearnerProfile,
    agenda: Agenda,
    signed_in_en: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    client = signed_in_en(learner.user)
    command, slots = form_of(client, "/appointments/book/?purpose=intake")
    client.post("/appointments/book/", {"purpose": "intake", "slot": slots[0], "command": command})
    for url in ("/appointments/", "/appointments/book/?purpose=intake"):
        with django_assert_max_num_queries(10):  # type: ignore[operator]
            assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_slot_socket_hears_of_bookings_without_names(
    learner: LearnerProfile, agenda: Agenda, free: Free, book: Book
) -> None:
    from portal.asgi import application

    offer = free(learner)[0]
    layer = get_channel_layer()

    # One event loop listens throughout, as a worker does: Redis's pub/sub layer subscribes per
    # loop, so a channel made in one async_to_sync call is unknown to the next.
    async def listen_while_booking() -> dict[str, Any]:
        channel = await layer.new_channel()
        await layer.group_add(agenda_group(agenda.pk), channel)
        await sync_to_async(book)(learner, offer)
        message: dict[str, Any] = await asyncio.wait_for(layer.receive(channel), timeout=5)
        return message

    message = async_to_sync(listen_while_booking)()
    assert message["data"] == {"kind": "slot", "slot": offer.key, "free": 0}
    # Anonymous sockets are refused.
    communicator = WebsocketCommunicator(
        application, "/ws/slots/", headers=[(b"origin", b"http://localhost")]
    )
    connected, code = async_to_sync(communicator.connect)()
    assert not connected
    assert code == 4401
