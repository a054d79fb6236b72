"""A learner with a case manager, and a small plan between them, for the plan tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from learner.plan.models import Action, Domain, Goal
from learner.plan.services import items
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages read in English here, whatever the catalogs' default (Dutch)."""
    with translation.override("en"):
        yield


@pytest.fixture
def signed_in_en(signed_in: Callable[[User], Client]) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = signed_in(user)
        client.cookies["django_language"] = "en"
        return client

    return make


@pytest.fixture
def goal(learner: LearnerProfile) -> Goal:
    """The learner proposed "Register with VDAB" from the framework."""
    return items.goal_propose(
        learner=learner, actor=learner.user, domain=Domain.WORK, framework_code="work_vdab"
    )


@pytest.fixture
def action(goal: Goal, case_manager: User) -> Action:
    """The case manager proposed the first step, due on 1 March."""
    return items.action_propose(
        goal=goal,
        actor=case_manager,
        text="Make an account on vdab.be",
        owner="learner",
        due_on=date(2026, 3, 1),
    )
