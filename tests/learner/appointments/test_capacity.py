"""Capacity under pressure: random sequences never overbook or lose a booking, and on
PostgreSQL twenty phones racing for a slot of C places get exactly C bookings."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from learner.appointments import selectors
from learner.appointments.models import HOLDING, Agenda, Booking, BookingStatus, Slot
from learner.appointments.services import booking as services
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User


def test_random_book_cancel_move_never_exceeds_capacity_nor_loses_a_booking(
    agenda: Agenda,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    learners = [make_learner(f"INB-P{i}", case_manager=case_manager) for i in range(4)]
    offers = selectors.offers([agenda], first=None, days=2)[:3]
    Slot.objects.all().delete()
    capacities = [1, 2, 1]

    class Agendas(RuleBasedStateMachine):
        """The model: which (learner, slot) pairs hold a place. The database must agree."""

        def __init__(self) -> None:
            super().__init__()
            Booking.objects.update(moved_to=None)  # a move points at its successor
            Booking.objects.all().delete()
            Slot.objects.all().delete()
            for offer, capacity in zip(offers, capacities, strict=True):
                Slot.objects.create(
                    agenda=agenda,
                    starts_at=offer.starts_at,
                    ends_at=offer.ends_at,
                    purpose=offer.purpose,
                    capacity=capacity,
                )
            self.holding: dict[tuple[int, int], int] = {}  # (learner, slot index) → booking id

        def _count(self, index: int) -> int:
            return sum(1 for (_l, s) in self.holding if s == index)

        @rule(who=st.integers(0, 3), where=st.integers(0, 2))
        def book(self, who: int, where: int) -> None:
            offer = offers[where]
            try:
                booking = services.slot_book(
                    learner=learners[who],
                    actor=learners[who].user,
                    agenda=agenda,
                    purpose=offer.purpose,
                    starts_at=offer.starts_at,
                    interpreter=False,
                    client_uuid=uuid.uuid4(),
                )
            except services.SlotTaken:
                assert self._count(where) == capacities[where]
                return
            except ValidationError:
                assert (who, where) in self.holding
                return
            assert (who, where) not in self.holding
            self.holding[(who, where)] = booking.pk

        @precondition(lambda self: bool(self.holding))
        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(sorted(self.holding)))
            booking = Booking.objects.get(pk=self.holding.pop(key))
            services.booking_cancel(booking=booking, actor=learners[key[0]].user)

        @precondition(lambda self: bool(self.holding))
        @rule(data=st.data(), where=st.integers(0, 2))
        def move(self, data: st.DataObject, where: int) -> None:
            key = data.draw(st.sampled_from(sorted(self.holding)))
            booking = Booking.objects.get(pk=self.holding[key])
            try:
                new = services.booking_move(
                    booking=booking,
                    actor=learners[key[0]].user,
                    starts_at=offers[where].starts_at,
                    client_uuid=uuid.uuid4(),
                )
            except services.SlotTaken:
                assert self._count(where) == capacities[where]
                return
            except ValidationError:
                assert (key[0], where) in self.holding
                return
            del self.holding[key]
            self.holding[(key[0], where)] = new.pk

        @invariant()
        def database_agrees(self) -> None:
            for index, offer in enumerate(offers):
                slot = Slot.objects.get(agenda=agenda, starts_at=offer.starts_at)
                holding = Booking.objects.filter(slot=slot, status__in=HOLDING).count()
                assert slot.booked == holding == self._count(index) <= slot.capacity
            held = set(
                Booking.objects.filter(status=BookingStatus.BOOKED).values_list("pk", flat=True)
            )
            assert held == set(self.holding.values())

    Agendas.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    Agendas.TestCase().runTest()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("capacity", [1, 3])
def test_twenty_phones_racing_for_a_slot_get_exactly_its_places(
    agenda: Agenda,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    capacity: int,
    book: Callable[..., Booking],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (CI runs this on it).")
    agenda.weekly_hours.update(capacity=capacity)
    learners = [make_learner(f"INB-R{i:02}", case_manager=case_manager) for i in range(20)]
    offer = selectors.offers([agenda])[0]
    start = threading.Barrier(len(learners))
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(learner: LearnerProfile) -> None:
        try:
            start.wait()
            try:
                book(learner, offer)
                result = "booked"
            except services.SlotTaken as taken:
                result = "taken" if taken.alternatives else "taken without alternatives"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # min(K, C) accepted; every refusal carries the next free times for the phone.
    assert sorted(outcomes) == ["booked"] * capacity + ["taken"] * (20 - capacity)
    assert Booking.objects.count() == capacity
    assert Slot.objects.get(starts_at=offer.starts_at).booked == capacity
