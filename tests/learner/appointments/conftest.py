"""An agenda with weekly hours on every day, for the appointment tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import time

import pytest
from django.test import Client
from django.utils import translation

from learner.appointments import selectors
from learner.appointments.models import Agenda, Booking, Purpose
from learner.appointments.services import hours
from learner.appointments.services.booking import slot_book
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages read in English here, whatever the catalogs' default (Dutch)."""
    with translation.override("en"):
        yield


@pytest.fixture
def signed_in_en(signed_in: Callable[[User], Client]) -> Callable[[User], Client]:
    """A signed-in client whose pages are in English (the language cookie, as the picker sets)."""

    def make(user: User) -> Client:
        client = signed_in(user)
        client.cookies["django_language"] = "en"
        return client

    return make


@pytest.fixture
def agenda(case_manager: User) -> Agenda:
    """tb.an speaks Dutch and English; every day 9:00-12:00 intakes of an hour, one place."""
    agenda = hours.agenda_of(user=case_manager)
    hours.agenda_languages_set(user=case_manager, agenda=agenda, languages=["nl", "en"])
    for weekday in range(7):
        hours.hours_save(
            user=case_manager,
            agenda=agenda,
            values={
                "weekday": weekday,
                "starts": time(9),
                "ends": time(12),
                "purpose": Purpose.INTAKE,
                "minutes": 60,
                "place": "Diestsevest 40, Leuven",
                "capacity": 1,
            },
        )
    return agenda


@pytest.fixture
def free() -> Callable[..., list[selectors.Offer]]:
    """The free intake slots a learner sees, earliest first."""

    def find(learner: LearnerProfile, purpose: str = Purpose.INTAKE) -> list[selectors.Offer]:
        return selectors.offers(list(selectors.agendas_for_learner(learner)), purpose=purpose)

    return find


@pytest.fixture
def book(agenda: Agenda) -> Callable[[LearnerProfile, selectors.Offer], Booking]:
    """The learner books an offer of the agenda for themselves, as the booking page does."""

    def make(learner: LearnerProfile, offer: selectors.Offer) -> Booking:
        return slot_book(
            learner=learner,
            actor=learner.user,
            agenda=agenda,
            purpose=offer.purpose,
            starts_at=offer.starts_at,
            interpreter=False,
            client_uuid=uuid.uuid4(),
        )

    return make
