"""Both sides saving the same field at the same moment, on a database with concurrent writers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from learner.plan.models import Action, PlanReview
from learner.plan.rules import Outcome
from learner.plan.services import edits
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User


@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_of_one_field_apply_one_and_review_the_other(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (CI runs this on it).")
    seen = action.revision
    start = threading.Barrier(2)
    outcomes: dict[str, Outcome] = {}

    def save(actor: User, value: str) -> None:
        try:
            start.wait()
            result = edits.field_edit(
                actor=actor,
                goal=action.goal,
                action=action,
                field="due_on",
                value=value,
                base_revision=seen,
            )
            outcomes[value] = result.outcome
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(learner.user, "2026-03-08")),
        threading.Thread(target=save, args=(case_manager, "2026-04-01")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == [Outcome.APPLY, Outcome.REVIEW]
    action.refresh_from_db()
    applied = next(value for value, outcome in outcomes.items() if outcome == Outcome.APPLY)
    held = next(value for value, outcome in outcomes.items() if outcome == Outcome.REVIEW)
    assert action.due_on.isoformat() == applied
    assert action.revision == seen + 1
    review = PlanReview.objects.get(action=action)
    assert review.base_value == "2026-03-01"
    assert [change.new_value for change in review.held.all()] == [held]
