"""Demo agendas for ``manage.py demo_data``: two case managers, the general desk, a booking."""

from __future__ import annotations

import uuid
from datetime import time

from learner.appointments import selectors
from learner.appointments.models import Agenda, Mode, Purpose
from learner.appointments.services import booking, hours
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User

OFFICE = "Diestsevest 40, Leuven"
BLOCKS = [
    # weekday, from, until, kind, minutes, where
    (0, time(9), time(12), Purpose.INTAKE, 60, Mode.OFFICE),
    (1, time(13), time(16), Purpose.PLAN_REVIEW, 45, Mode.OFFICE),
    (2, time(10), time(12), Purpose.JOINT_TALK, 60, Mode.OFFICE),
    (3, time(9), time(11), Purpose.QUESTION, 20, Mode.VIDEO),
    (4, time(9), time(12), Purpose.PLAN_REVIEW, 45, Mode.OFFICE),
]


def demo_appointments(*, learners: dict[str, LearnerProfile], staff: dict[str, User]) -> None:
    """Idempotent: nothing happens once the agency has an agenda."""
    case_managers = [staff["tb.an"], staff["tb.youssef"]]
    agency = case_managers[0].agency
    if agency is None or Agenda.objects.filter(agency=agency).exists():
        return
    for person, languages in zip(case_managers, (["nl", "en"], ["nl", "ar", "fr"]), strict=True):
        agenda = hours.agenda_of(user=person)
        hours.agenda_languages_set(user=person, agenda=agenda, languages=languages)
        for weekday, starts, ends, purpose, minutes, mode in BLOCKS:
            hours.hours_save(
                user=person,
                agenda=agenda,
                values={
                    "weekday": weekday,
                    "starts": starts,
                    "ends": ends,
                    "purpose": purpose,
                    "minutes": minutes,
                    "mode": mode,
                    "place": OFFICE if mode == Mode.OFFICE else "",
                    "capacity": 1,
                },
            )
    desk = hours.desk_of(agency=agency)
    hours.agenda_languages_set(user=case_managers[0], agenda=desk, languages=["nl", "en", "fr"])
    for weekday in range(5):
        hours.hours_save(
            user=case_managers[0],
            agenda=desk,
            values={
                "weekday": weekday,
                "starts": time(13),
                "ends": time(16),
                "purpose": Purpose.QUESTION,
                "minutes": 20,
                "mode": Mode.OFFICE,
                "place": OFFICE,
                "capacity": 2,
            },
        )
    # Amal reads Arabic; her case manager does not speak it: an interpreter is booked.
    amal = learners.get("INB-2026-0001")
    if amal is None:
        return
    free = selectors.offers(
        list(selectors.agendas_for_learner(amal).filter(owner__isnull=False)),
        purpose=Purpose.PLAN_REVIEW,
    )
    if free:
        booking.slot_book(
            learner=amal,
            actor=amal.user,
            agenda=free[0].agenda,
            purpose=Purpose.PLAN_REVIEW,
            starts_at=free[0].starts_at,
            interpreter=True,
            client_uuid=uuid.uuid4(),
        )
