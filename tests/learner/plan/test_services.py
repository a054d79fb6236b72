"""Writing the plan together: proposals and confirmations, field-level merges, reviews, scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from learner.plan.models import (
    Action,
    ActionStatus,
    ChangeState,
    Domain,
    Goal,
    GoalStatus,
    PlanChange,
    PlanReview,
)
from learner.plan.rules import Outcome
from learner.plan.services import edits, items
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.events.models import Event
from portal.notifications.messages import notification_text
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db


def codes(learner: LearnerProfile) -> list[str]:
    return list(
        Event.objects.filter(learner=learner.user, code__startswith="plan.").values_list(
            "code", flat=True
        )
    )


def test_a_proposed_goal_is_agreed_when_the_other_side_confirms_it(
    learner: LearnerProfile, case_manager: User, goal: Goal
) -> None:
    assert goal.status == GoalStatus.PROPOSED
    assert goal.label == "Register with VDAB (Actiris in Brussels)"
    heard = Notification.objects.get(recipient=case_manager, code="plan.goal.proposed")
    assert heard.url == "/plan/learners/INB-0001/"
    assert notification_text(heard.code, heard.params) == (
        "Amal Haddad proposed a goal for the action plan. Look and confirm."
    )
    # The side that proposed has nothing to confirm.
    assert items.item_confirm(actor=learner.user, goal=goal) == []
    confirmed = items.item_confirm(actor=case_manager, goal=goal)
    assert [change.field for change in confirmed] == ["created"]
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED
    assert goal.confirmed_by == case_manager
    change = PlanChange.objects.get(goal=goal, field="created")
    assert change.state == ChangeState.CONFIRMED
    assert change.actor == learner.user
    assert change.confirmed_by == case_manager
    assert codes(learner) == ["plan.goal.proposed", "plan.changes.confirmed"]
    assert Notification.objects.filter(
        recipient=learner.user, code="plan.changes.confirmed"
    ).exists()
    # Confirming again confirms nothing more and records nothing.
    assert items.item_confirm(actor=case_manager, goal=goal) == []
    assert codes(learner).count("plan.changes.confirmed") == 1


def test_a_goal_is_picked_from_the_framework_or_written(
    learner: LearnerProfile, case_manager: User
) -> None:
    free = items.goal_propose(
        learner=learner, actor=case_manager, domain=Domain.SOCIAL_ROLES, title="  Learn to  swim "
    )
    assert (free.title, free.label, free.framework_code) == ("Learn to swim", "Learn to swim", "")
    # A framework goal takes its domain from the framework.
    picked = items.goal_propose(
        learner=learner, actor=learner.user, domain=Domain.MO, framework_code="nt2_a2"
    )
    assert picked.domain == Domain.NT2
    with pytest.raises(ValidationError):
        items.goal_propose(learner=learner, actor=learner.user, domain=Domain.MO)
    with pytest.raises(ValidationError):
        items.goal_propose(
            learner=learner, actor=learner.user, domain=Domain.MO, framework_code="nope"
        )
    with pytest.raises(ValidationError):
        items.goal_propose(learner=learner, actor=learner.user, domain="sports", title="Run")


def test_proposals_are_idempotent_by_client_uuid(
    learner: LearnerProfile, case_manager: User
) -> None:
    import uuid

    key = uuid.uuid4()
    first = items.goal_propose(
        learner=learner, actor=learner.user, domain=Domain.WORK, title="Work", client_uuid=key
    )
    again = items.goal_propose(
        learner=learner, actor=learner.user, domain=Domain.WORK, title="Work", client_uuid=key
    )
    assert first.pk == again.pk
    action_key = uuid.uuid4()
    one = items.action_propose(goal=first, actor=case_manager, text="Call", client_uuid=action_key)
    two = items.action_propose(goal=first, actor=case_manager, text="Call", client_uuid=action_key)
    assert one.pk == two.pk
    assert PlanChange.objects.filter(goal=first).count() == 2


def test_edits_of_different_fields_on_both_sides_merge_cleanly(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    seen = action.revision
    mine = edits.field_edit(
        actor=learner.user,
        goal=action.goal,
        action=action,
        field="text",
        value="Make an account on vdab.be with my e-ID",
        base_revision=seen,
    )
    theirs = edits.field_edit(
        actor=case_manager,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-03-15",
        base_revision=seen,
    )
    assert (mine.outcome, theirs.outcome) == (Outcome.APPLY, Outcome.APPLY)
    action.refresh_from_db()
    assert action.text == "Make an account on vdab.be with my e-ID"
    assert action.due_on.isoformat() == "2026-03-15"
    assert action.revision == seen + 2
    assert not PlanReview.objects.exists()


def test_the_same_field_on_both_sides_ends_in_a_review_that_keeps_both_values(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    seen = action.revision
    first = edits.field_edit(
        actor=learner.user,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-03-08",
        base_revision=seen,
    )
    second = edits.field_edit(
        actor=case_manager,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-04-01",
        base_revision=seen,
    )
    assert (first.outcome, second.outcome) == (Outcome.APPLY, Outcome.REVIEW)
    action.refresh_from_db()
    assert action.due_on.isoformat() == "2026-03-08"  # the first applied stays until decided
    review = second.review
    assert review is not None
    assert review.base_value == "2026-03-01"
    assert review.kept == first.change
    held = review.held.get()
    assert (held.new_value, held.actor, held.state) == ("2026-04-01", case_manager, "in_review")
    assert held.revision is None
    assert held.base_revision == seen
    assert "plan.review.opened" in codes(learner)
    assert Notification.objects.filter(recipient=learner.user, code="plan.review.opened").exists()
    # Sent again (a resend), the same version is not held twice.
    again = edits.field_edit(
        actor=case_manager,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-04-01",
        base_revision=seen,
    )
    assert again.outcome == Outcome.NOOP
    # A third version joins the open review, whoever sends it.
    joined = edits.field_edit(
        actor=learner.user,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-03-20",
        base_revision=action.revision,
    )
    assert joined.outcome == Outcome.REVIEW
    assert joined.review == review
    assert review.held.count() == 2


def test_a_review_is_decided_by_keeping_one_version_or_writing_another(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    seen = action.revision
    for actor, value in ((learner.user, "2026-03-08"), (case_manager, "2026-04-01")):
        result = edits.field_edit(
            actor=actor,
            goal=action.goal,
            action=action,
            field="due_on",
            value=value,
            base_revision=seen,
        )
    review = result.review
    assert review is not None
    # While the review is open, confirming leaves that field to the review.
    assert [c.field for c in items.item_confirm(actor=case_manager, goal=action.goal)] == [
        "created"
    ]
    assert items.item_confirm(actor=case_manager, goal=action.goal, action=action) == []
    decided = edits.review_resolve(actor=learner.user, review=review, value="2026-04-01")
    assert decided.outcome == Outcome.APPLY
    action.refresh_from_db()
    assert action.due_on.isoformat() == "2026-04-01"
    review.refresh_from_db()
    assert review.resolved_by == learner.user
    assert review.resolution == "2026-04-01"
    assert set(review.held.values_list("state", flat=True)) == {"resolved"}
    with pytest.raises(ValidationError):
        edits.review_resolve(actor=case_manager, review=review, value="2026-05-01")
    # The choice waits for the other side like any change; then the field edits normally again.
    confirmed = items.item_confirm(actor=case_manager, goal=action.goal, action=action)
    assert {c.field for c in confirmed} == {"due_on"}
    after = edits.field_edit(
        actor=case_manager,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-04-02",
        base_revision=action.revision,
    )
    assert after.outcome == Outcome.APPLY


def test_a_tick_is_a_status_edit_and_twice_is_once(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    done = edits.action_tick(
        actor=learner.user, action=action, done=True, base_revision=action.revision
    )
    assert done.outcome == Outcome.APPLY
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE
    again = edits.action_tick(
        actor=learner.user, action=action, done=True, base_revision=action.revision
    )
    assert again.outcome == Outcome.NOOP
    event = Event.objects.get(code="plan.action.ticked")
    assert event.payload == {
        "goal": action.goal_id,
        "action": action.pk,
        "done": True,
        "revision": action.revision + 1,
        "side": "learner",
    }
    assert Notification.objects.filter(recipient=case_manager, code="plan.action.ticked").exists()


def test_evidence_added_on_both_sides_at_once_is_merged_not_reviewed(
    learner: LearnerProfile, case_manager: User, action: Action
) -> None:
    seen = action.revision
    for actor, value in (
        (learner.user, "https://example.org/certificate.pdf"),
        (case_manager, "portfolio:12\nhttps://vdab.be/account"),
    ):
        result = edits.field_edit(
            actor=actor,
            goal=action.goal,
            action=action,
            field="evidence",
            value=value,
            base_revision=seen,
        )
        assert result.outcome == Outcome.APPLY
    action.refresh_from_db()
    assert action.evidence == [
        "https://example.org/certificate.pdf",
        "portfolio:12",
        "https://vdab.be/account",
    ]
    with pytest.raises(ValidationError):
        edits.field_edit(
            actor=learner.user,
            goal=action.goal,
            action=action,
            field="evidence",
            value="javascript:alert(1)",
            base_revision=action.revision,
        )


def test_values_are_checked_and_a_proposed_goal_cannot_be_agreed_by_hand(
    learner: LearnerProfile, goal: Goal, action: Action
) -> None:
    for field, value in (
        ("status", "agreed"),
        ("status", "nonsense"),
        ("domain", "mo"),
        ("title", "x" * 201),
    ):
        with pytest.raises(ValidationError):
            edits.field_edit(
                actor=learner.user, goal=goal, field=field, value=value, base_revision=1
            )
    with pytest.raises(ValidationError):
        edits.field_edit(
            actor=learner.user,
            goal=goal,
            action=action,
            field="due_on",
            value="next week",
            base_revision=1,
        )


def test_the_history_keeps_who_when_and_the_previous_value(
    learner: LearnerProfile, case_manager: User, goal: Goal
) -> None:
    edits.field_edit(
        actor=case_manager,
        goal=goal,
        field="title",
        value="Register with VDAB before June",
        base_revision=goal.revision,
    )
    edits.field_edit(
        actor=learner.user,
        goal=goal,
        field="evaluation",
        value="Done at the office, together.",
        base_revision=goal.revision + 1,
    )
    history = list(PlanChange.objects.filter(goal=goal).order_by("id"))
    assert [(c.field, c.old_value, c.new_value, c.actor) for c in history] == [
        ("created", "", "", learner.user),
        ("title", "", "Register with VDAB before June", case_manager),
        ("evaluation", "", "Done at the office, together.", learner.user),
    ]
    assert all(change.at is not None for change in history)
    # The event log has the field's name, never its words.
    payloads = Event.objects.filter(code="plan.field.changed").values_list("payload", flat=True)
    assert all("Register" not in str(payload) for payload in payloads)


def test_only_the_learner_and_their_case_manager_side_write_the_plan(
    learner: LearnerProfile,
    goal: Goal,
    action: Action,
    make_staff: Callable[..., User],
    make_learner: Callable[..., LearnerProfile],
) -> None:
    other_case_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    other_learner = make_learner("INB-0002", case_manager=other_case_manager)
    teacher = make_staff(Role.TEACHER, "mo.teacher")
    coordinator = make_staff(Role.COORDINATOR, "coord")
    admin = make_staff(Role.AGENCY_ADMIN, "admin.own")
    for outsider in (other_case_manager, other_learner.user, teacher, coordinator):
        with pytest.raises(PermissionDenied):
            items.goal_propose(learner=learner, actor=outsider, domain="mo", title="X")
        with pytest.raises(PermissionDenied):
            items.item_confirm(actor=outsider, goal=goal)
        with pytest.raises(PermissionDenied):
            edits.action_tick(actor=outsider, action=action, done=True, base_revision=1)
    # An agency admin stands in on the case manager's side.
    assert [c.field for c in items.item_confirm(actor=admin, goal=goal)] == ["created"]
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.AGREED
