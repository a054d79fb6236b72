"""Booking requests per learner are limited, from the form and from the offline outbox alike."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from learner.appointments.models import Agenda, Booking
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portal.shell.throttling import BookingThrottle
from portal.sync.services import commands_apply
from tests.learner.appointments.test_views import form_of

pytestmark = pytest.mark.django_db

Free = Callable[..., list]


@pytest.fixture(autouse=True)
def _two_per_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once at import; the class attribute is what a test can turn down.
    monkeypatch.setattr(BookingThrottle, "rate", "2/hour", raising=False)


def test_past_the_limit_the_booking_form_answers_429_with_the_reason(
    learner: LearnerProfile, agenda: Agenda, signed_in_en: Callable[[User], Client]
) -> None:
    client = signed_in_en(learner.user)
    for attempt in range(2):
        command, slots = form_of(client, "/appointments/book/?purpose=intake")
        response = client.post(
            "/appointments/book/",
            {"purpose": "intake", "slot": slots[attempt], "command": command},
        )
        assert response.status_code in {200, 302}
    command, slots = form_of(client, "/appointments/book/?purpose=intake")
    booked = Booking.objects.filter(learner=learner).count()
    refused = client.post(
        "/appointments/book/", {"purpose": "intake", "slot": slots[-1], "command": command}
    )
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many attempts" in page
    assert "Wait 60 minutes and try again." in page
    assert Booking.objects.filter(learner=learner).count() == booked


def test_the_outbox_counts_in_the_same_limit_and_other_learners_are_not_held(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    agenda: Agenda,
    free: Free,
) -> None:
    offers = free(learner)

    def request(user: User, key: str) -> tuple[str, str]:
        [answer] = commands_apply(
            user=user,
            commands=[
                {
                    "uuid": uuid.uuid4(),
                    "type": "appointments.booking.request",
                    "payload": {"slot": key},
                    "created_at": timezone.now(),
                }
            ],
        )
        return answer.status, answer.reason

    assert request(learner.user, offers[0].key)[0] == "applied"
    assert request(learner.user, offers[1].key)[0] in {"applied", "rejected"}
    status, reason = request(learner.user, offers[2].key)
    assert (status, reason) == ("rejected", "too_many")
    # A classmate books on their own count.
    classmate = make_learner("INB-0002", case_manager=case_manager)
    assert request(classmate.user, offers[3].key) == ("applied", "")
