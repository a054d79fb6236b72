"""The back office publishes counsellor slots: versions, capacity, withdrawal, agencies, replays."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learner.appointments import selectors
from learner.appointments.models import Agenda, Booking, BookingStatus, Purpose, Slot
from learner.appointments.services import backoffice as slots_service
from learner.appointments.services import hours
from learner.appointments.services.booking import slot_book
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Agency, Role, User
from portal.backoffice import services as backoffice
from portal.events.models import Event

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(days: int, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)


def item(
    external_id: str = "S-1",
    version: int = 1,
    *,
    case_manager: str | None = "tb.an",
    starts_at: datetime | None = None,
    minutes: int = 60,
    **changes: Any,
) -> dict[str, Any]:
    starts_at = starts_at or at(3)
    return {
        "external_id": external_id,
        "version": version,
        "agenda": {"case_manager": case_manager},
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
        "purpose": Purpose.PLAN_REVIEW,
        "mode": "office",
        "place": "Diestsevest 40, Leuven",
        "capacity": 2,
        "withdrawn": False,
        **changes,
    }


class Api:
    def __init__(self, secret: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def post(self, body: Any, key: str | None = None, name: str = "slots") -> Any:
        return self.client.post(
            reverse(f"backoffice:{name}"),
            data=json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": key or str(uuid.uuid4())},
        )

    def push(self, *items: dict[str, Any], key: str | None = None) -> list[dict[str, Any]]:
        response = self.post({"items": list(items)}, key=key)
        assert response.status_code in {200, 207}, response.content
        return response.json()["results"]


@pytest.fixture
def api(agency: Agency) -> Api:
    _token, secret = backoffice.token_create(agency=agency, name="KBI", actor=None)
    return Api(secret)


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """What open pages are told (after commit in production)."""
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(slots_service, "slot_changed", lambda slot: sent.append(("slot", slot.pk)))
    monkeypatch.setattr(
        slots_service, "agenda_changed", lambda agenda: sent.append(("agenda", agenda.pk))
    )
    return sent


def offered(learner: LearnerProfile) -> list[selectors.Offer]:
    return selectors.offers(list(selectors.agendas_for_learner(learner)))


def book(learner: LearnerProfile, slot: Slot) -> Booking:
    return slot_book(
        learner=learner,
        actor=learner.user,
        agenda=slot.agenda,
        purpose=slot.purpose,
        starts_at=slot.starts_at,
        interpreter=False,
        client_uuid=uuid.uuid4(),
    )


def test_a_pushed_slot_is_offered_to_the_case_managers_learners(
    api: Api, learner: LearnerProfile, case_manager: User, live: list[tuple[str, int]]
) -> None:
    response = api.post({"items": [item()]})
    assert response.status_code == 200
    (result,) = response.json()["results"]
    slot = Slot.objects.get()
    assert result == {
        "index": 0,
        "external_id": "S-1",
        "status": "applied",
        "code": 201,
        "version": 1,
        "current_version": None,
        "slot": slot.pk,
        "detail": None,
    }
    assert (slot.source, slot.external_id, slot.version) == ("backoffice", "S-1", 1)
    assert slot.agenda.owner == case_manager
    assert slot.starts_at == at(3)
    (offer,) = offered(learner)
    assert (offer.starts_at, offer.purpose, offer.capacity, offer.free) == (
        at(3),
        "plan_review",
        2,
        2,
    )
    assert offer.place == "Diestsevest 40, Leuven"
    event = Event.objects.get(code="appointments.slot.published")
    assert event.agency_id == case_manager.agency_id
    assert event.learner is None
    assert event.payload["external_id"] == "S-1"
    assert "tb.an" not in json.dumps(event.payload)  # no names, no usernames
    assert live == [("slot", slot.pk), ("agenda", slot.agenda_id)]


def test_versions_decide_newer_applies_the_same_is_unchanged_older_is_a_conflict(
    api: Api, learner: LearnerProfile, live: list[tuple[str, int]]
) -> None:
    api.push(item(version=3))
    (changed,) = api.push(item(version=4, capacity=5, place="Online desk, Leuven"))
    assert (changed["status"], changed["code"]) == ("applied", 201)
    slot = Slot.objects.get()
    assert (slot.version, slot.capacity, slot.place) == (4, 5, "Online desk, Leuven")
    events = Event.objects.filter(code="appointments.slot.published").count()
    (same,) = api.push(item(version=4, capacity=9))
    assert (same["status"], same["code"]) == ("unchanged", 200)
    response = api.post({"items": [item(version=2, capacity=1)]})
    assert response.status_code == 207
    (older,) = response.json()["results"]
    assert (older["status"], older["code"], older["current_version"]) == ("conflict", 409, 4)
    slot.refresh_from_db()
    assert (slot.version, slot.capacity) == (4, 5)
    assert Event.objects.filter(code="appointments.slot.published").count() == events
    assert offered(learner)[0].free == 5


def test_withdrawing_stops_the_offer_and_keeps_the_bookings(
    api: Api, learner: LearnerProfile, live: list[tuple[str, int]]
) -> None:
    api.push(item())
    booking = book(learner, Slot.objects.get())
    live.clear()
    (result,) = api.push(item(version=2, withdrawn=True))
    assert result["status"] == "applied"
    slot = Slot.objects.get()
    assert slot.withdrawn_at is not None
    assert offered(learner) == []
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert slot.booked == 1
    assert live == [("slot", slot.pk), ("agenda", slot.agenda_id)]
    # Published again later: offered again, with the booked place counted.
    api.push(item(version=3))
    assert Slot.objects.get().withdrawn_at is None
    assert offered(learner)[0].free == 1


def test_capacity_never_goes_below_the_places_booked(
    api: Api,
    learner: LearnerProfile,
    case_manager: User,
    make_learner: Callable[..., LearnerProfile],
) -> None:
    api.push(item(capacity=2))
    slot = Slot.objects.get()
    book(learner, slot)
    book(make_learner("INB-0002", case_manager=case_manager), slot)
    response = api.post({"items": [item(version=2, capacity=1)]})
    assert response.status_code == 207
    (refused,) = response.json()["results"]
    assert (refused["status"], refused["code"]) == ("invalid", 422)
    assert "2 place(s) are booked already" in refused["detail"]["capacity"][0]
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked, slot.version) == (2, 2, 1)
    # Moving a booked slot to another time would move the learners' appointments silently.
    (moved,) = api.push(item(version=2, starts_at=at(4)))
    assert moved["status"] == "invalid"
    assert "starts_at" in moved["detail"]


def test_a_case_manager_of_another_agency_or_no_case_manager_is_refused(
    api: Api, other_agency: Agency, make_staff: Callable[..., User], case_manager: User
) -> None:
    make_staff(Role.CASE_MANAGER, "tb.far", agency=other_agency)
    make_staff(Role.TEACHER, "mo.teacher")
    results = api.push(
        item("A", case_manager="tb.far"),
        item("B", case_manager="mo.teacher"),
        item("C", case_manager="nobody"),
        item("D"),
    )
    assert [(r["status"], r["code"]) for r in results] == [("invalid", 422)] * 3 + [
        ("applied", 201)
    ]
    assert results[0]["detail"] == {"agenda": ["No active case manager tb.far at this agency."]}
    assert list(Slot.objects.values_list("external_id", flat=True)) == ["D"]
    assert not Agenda.objects.filter(agency=other_agency).exists()


def test_the_general_desk_is_made_once_named_after_the_agency(
    api: Api, agency: Agency, learner: LearnerProfile
) -> None:
    api.push(item("D-1", case_manager=None), item("D-2", case_manager=None, starts_at=at(5)))
    desk = Agenda.objects.get(owner__isnull=True)
    assert (desk.agency, desk.name) == (agency, agency.name)
    assert Slot.objects.filter(agenda=desk).count() == 2
    assert {offer.agenda for offer in offered(learner)} == {desk}


def test_a_slot_a_learner_booked_from_the_weekly_hours_is_adopted(
    api: Api, learner: LearnerProfile, case_manager: User
) -> None:
    agenda = hours.agenda_of(user=case_manager)
    hours.hours_save(
        user=case_manager,
        agenda=agenda,
        values={
            "weekday": at(3).weekday(),
            "starts": time(9),
            "ends": time(12),
            "purpose": Purpose.PLAN_REVIEW,
            "minutes": 60,
            "capacity": 1,
        },
    )
    booking = slot_book(
        learner=learner,
        actor=learner.user,
        agenda=agenda,
        purpose=Purpose.PLAN_REVIEW,
        starts_at=at(3),
        interpreter=False,
        client_uuid=uuid.uuid4(),
    )
    weekly = Slot.objects.get()
    assert (weekly.source, weekly.external_id) == ("weekly", "")
    (result,) = api.push(item("BO-7", version=2, capacity=3))
    assert (result["status"], result["slot"]) == ("applied", weekly.pk)
    adopted = Slot.objects.get()
    assert (adopted.pk, adopted.source, adopted.external_id, adopted.version) == (
        weekly.pk,
        "backoffice",
        "BO-7",
        2,
    )
    assert (adopted.capacity, adopted.booked) == (3, 1)
    assert Booking.objects.get().slot_id == booking.slot_id == weekly.pk


def test_a_replayed_key_answers_the_same_without_applying_twice(
    api: Api, case_manager: User
) -> None:
    body = {"items": [item(), item("S-2", starts_at=at(6))]}
    first = api.post(body, key="slots-1")
    events = Event.objects.count()
    replay = api.post(body, key="slots-1")
    assert replay.status_code == first.status_code == 200
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Event.objects.count() == events
    assert Slot.objects.count() == 2
    assert api.post({"items": [item()]}, key="slots-1").status_code == 422  # another request
    # A key is the agency's across endpoints: the same key and body at ingest is refused.
    assert api.post(body, key="slots-1", name="ingest").status_code == 422
    exam = {"kind": "exam", "learner": "NOBODY", "external_id": "T", "version": 1}
    ingest_body = {"items": [{**exam, "values": {"kind": "mo", "session_on": "2026-03-01"}}]}
    assert api.post(ingest_body, key="ingest-1", name="ingest").status_code == 207
    assert api.post(ingest_body, key="ingest-1").status_code == 422


def test_times_need_their_offset_and_an_end_after_the_start(api: Api, case_manager: User) -> None:
    naive = item(starts_at=at(3))
    naive["starts_at"] = at(3).replace(tzinfo=None).isoformat()
    response = api.post({"items": [naive]})
    assert response.status_code == 400
    assert "offset" in json.dumps(response.json())
    (backwards,) = api.push(item(minutes=-30))
    assert (backwards["status"], backwards["code"]) == ("invalid", 422)
    assert "ends_at" in backwards["detail"]
    assert not Slot.objects.exists()
    # A time sent in UTC is the same instant.
    api.push(item("UTC", starts_at=at(3).astimezone(ZoneInfo("UTC"))))
    assert Slot.objects.get().starts_at == at(3)


def test_a_batch_holds_at_most_a_thousand_slots(api: Api, case_manager: User) -> None:
    response = api.post({"items": [item(f"S-{n}") for n in range(1001)]})
    assert response.status_code == 400
    assert not Slot.objects.exists()
