"""The plan's outbox commands: applied once by UUID, merged by revision, scoped to who sends."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from learner.plan.models import Action, ActionStatus, Goal, PlanChange, PlanReview
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.sync.services import Answer, commands_apply

pytestmark = pytest.mark.django_db


def send(
    user: User, kind: str, payload: dict[str, Any], command: uuid.UUID | None = None
) -> Answer:
    [answer] = commands_apply(
        user=user,
        commands=[
            {
                "uuid": command or uuid.uuid4(),
                "type": kind,
                "payload": payload,
                "created_at": timezone.now() - timedelta(hours=2),
            }
        ],
    )
    return answer


def test_a_tick_made_offline_applies_once_however_often_it_is_sent(
    learner: LearnerProfile, action: Action
) -> None:
    command = uuid.uuid4()
    payload = {"action": action.pk, "done": True, "base_revision": action.revision}
    first = send(learner.user, "plan.action.tick", payload, command)
    again = send(learner.user, "plan.action.tick", payload, command)
    assert (first.status, again.status) == ("applied", "duplicate")
    assert first.result == {"outcome": "apply", "revision": action.revision + 1, "review": None}
    assert again.result == first.result
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    change = PlanChange.objects.get(action=action, field="status")
    # The phone's time is kept apart from when the server applied it.
    assert change.client_uuid == command
    assert change.client_time is not None
    assert change.client_time < change.at - timedelta(hours=1)


def test_the_outbox_endpoint_takes_plan_commands_from_the_phone(
    learner: LearnerProfile, action: Action, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    body = {
        "commands": [
            {
                "uuid": str(uuid.uuid4()),
                "type": "plan.action.tick",
                "payload": {"action": action.pk, "done": True, "base_revision": 1},
                "created_at": timezone.now().isoformat(),
            }
        ]
    }
    response = client.post("/api/sync/commands", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "applied"
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE


def test_an_edit_meeting_the_other_sides_edit_is_applied_into_a_review(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    seen = action.revision
    theirs = send(
        case_manager,
        "plan.field.edit",
        {
            "learner": learner.dossier_number,
            "kind": "action",
            "id": action.pk,
            "field": "text",
            "value": "Register at the VDAB office",
            "base_revision": seen,
        },
    )
    mine = send(
        learner.user,
        "plan.field.edit",
        {
            "kind": "action",
            "id": action.pk,
            "field": "text",
            "value": "Register on vdab.be",
            "base_revision": seen,
        },
    )
    assert theirs.result["outcome"] == "apply"
    # Kept, not refused: the phone's edit is in the review, so the outbox may forget it.
    assert mine.status == "applied"
    assert mine.result["outcome"] == "review"
    review = PlanReview.objects.get(pk=mine.result["review"])
    assert review.held.get().new_value == "Register on vdab.be"
    assert Action.objects.get(pk=action.pk).text == "Register at the VDAB office"
    decided = send(
        case_manager,
        "plan.review.resolve",
        {"learner": learner.dossier_number, "review": review.pk, "value": "Register on vdab.be"},
    )
    assert decided.status == "applied"
    late = send(learner.user, "plan.review.resolve", {"review": review.pk, "value": "Other"})
    assert (late.status, late.reason) == ("conflict", "decided")


def test_proposals_and_confirmations_go_through_the_same_commands(
    learner: LearnerProfile, case_manager: User
) -> None:
    proposed = send(
        learner.user,
        "plan.goal.propose",
        {"domain": "social_roles", "framework_code": "soc_bank", "title": ""},
    )
    goal = Goal.objects.get(pk=proposed.result["goal"])
    action = send(
        case_manager,
        "plan.action.propose",
        {
            "learner": learner.dossier_number,
            "goal": goal.pk,
            "text": "Bring your ID to the bank",
            "owner": "learner",
            "due_on": "2026-05-04",
        },
    )
    assert Action.objects.get(pk=action.result["action"]).due_on.isoformat() == "2026-05-04"
    confirmed = send(
        case_manager,
        "plan.item.confirm",
        {"learner": learner.dossier_number, "kind": "goal", "id": goal.pk},
    )
    assert len(confirmed.result["confirmed"]) == 1
    bad_date = send(
        learner.user,
        "plan.action.propose",
        {"goal": goal.pk, "text": "x", "due_on": "soon"},
    )
    assert (bad_date.status, bad_date.reason) == ("rejected", "invalid")


def test_another_learners_or_case_managers_commands_find_nothing(
    learner: LearnerProfile,
    action: Action,
    make_staff: Callable[..., User],
    make_learner: Callable[..., LearnerProfile],
) -> None:
    other_case_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    other = make_learner("INB-0002", case_manager=other_case_manager)
    tick = {"action": action.pk, "done": True, "base_revision": 1}
    answer = send(other.user, "plan.action.tick", tick)
    assert (answer.status, answer.reason) == ("rejected", "not_found")
    # A case manager naming someone else's learner, or their own learner's dossier with a
    # foreign item, finds nothing either.
    answer = send(other_case_manager, "plan.action.tick", {**tick, "learner": "INB-0001"})
    assert (answer.status, answer.reason) == ("rejected", "not_found")
    answer = send(other_case_manager, "plan.action.tick", {**tick, "learner": "INB-0002"})
    assert (answer.status, answer.reason) == ("rejected", "not_found")
    teacher = make_staff(Role.TEACHER, "mo.teacher")
    assert send(teacher, "plan.action.tick", tick).reason == "unknown_command"
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_a_uuid_is_one_command_even_across_plan_command_kinds(
    learner: LearnerProfile, action: Action
) -> None:
    command = uuid.uuid4()
    send(learner.user, "plan.action.tick", {"action": action.pk, "done": True, "base_revision": 1})
    first = send(
        learner.user,
        "plan.goal.propose",
        {"domain": "work", "title": "Find a job"},
        command,
    )
    again = send(
        learner.user,
        "plan.goal.propose",
        {"domain": "work", "title": "Find a job"},
        command,
    )
    assert again.status == "duplicate"
    assert again.result == first.result
    assert Goal.objects.filter(title="Find a job").count() == 1
