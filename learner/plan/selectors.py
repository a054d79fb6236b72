"""Reads of the action plan, scoped to who asks (fail closed): the learner their own plan, the
case manager the plans of their caseload, an agency admin those of their agency."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from learner.appointments.models import Booking, Purpose
from learner.appointments.selectors import agendas_for_staff
from learner.plan.models import (
    Action,
    ChangeState,
    Domain,
    Goal,
    PlanChange,
    PlanReview,
    Side,
)
from learner.plan.services.common import STAFF_SIDE
from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learners_visible_to
from portal.accounts.models import Role, User


def plan_owner_for(*, user: User, dossier_number: str | None = None) -> LearnerProfile | None:
    """Whose plan this person may open: a learner their own (no dossier number), staff on the
    plan's other side a learner in their scope. None when there is none to open."""
    if user.role == Role.LEARNER and dossier_number is None:
        return learners_visible_to(user=user).select_related("user", "agency").first()
    if user.role not in STAFF_SIDE or dossier_number is None:
        return None
    return (
        learners_visible_to(user=user)
        .filter(dossier_number=dossier_number)
        .select_related("user", "agency")
        .first()
    )


def goals_of(learner: LearnerProfile) -> QuerySet[Goal]:
    return learner.plan_goals.select_related("proposed_by").prefetch_related(
        Prefetch("actions", queryset=Action.objects.order_by("due_on", "proposed_at", "id"))
    )


def goal_of(learner: LearnerProfile, goal_id: int) -> Goal | None:
    return Goal.objects.filter(learner=learner, pk=goal_id).select_related("learner").first()


def action_of(learner: LearnerProfile, action_id: int) -> Action | None:
    return (
        Action.objects.filter(goal__learner=learner, pk=action_id)
        .select_related("goal__learner")
        .first()
    )


def review_of(learner: LearnerProfile, review_id: int) -> PlanReview | None:
    return (
        PlanReview.objects.filter(learner=learner, pk=review_id)
        .select_related("goal", "action", "learner")
        .first()
    )


@dataclass
class Item:
    """What waits on one goal or action: for whom, and the reviews still open."""

    for_me: list[PlanChange] = field(default_factory=list)
    for_them: list[PlanChange] = field(default_factory=list)
    reviews: list[PlanReview] = field(default_factory=list)


@dataclass
class Plan:
    learner: LearnerProfile
    side: Side
    goals: list[Goal]
    items: dict[tuple[int, int | None], Item]
    reviews: list[PlanReview]
    # The versions each open review holds, by review id.
    held: dict[int, list[PlanChange]]
    bookings: list[Booking]

    def item(self, goal: Goal, action: Action | None = None) -> Item:
        return self.items.get((goal.pk, action.pk if action else None), Item())

    @property
    def waiting_for_me(self) -> int:
        return sum(len(item.for_me) for item in self.items.values())

    def by_domain(self) -> list[tuple[str, str, list[Goal]]]:
        return [
            (value, str(label), [goal for goal in self.goals if goal.domain == value])
            for value, label in Domain.choices
        ]


def plan_for(*, learner: LearnerProfile, side: Side, viewer: User) -> Plan:
    """The whole plan as one side sees it: five queries whatever its size."""
    goals = list(goals_of(learner))
    items: dict[tuple[int, int | None], Item] = {}
    held: dict[int, list[PlanChange]] = {}
    open_changes = (
        PlanChange.objects.filter(
            learner=learner, state__in=[ChangeState.PROPOSED, ChangeState.IN_REVIEW]
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    for change in open_changes:
        if change.state == ChangeState.IN_REVIEW and change.review_id is not None:
            held.setdefault(change.review_id, []).append(change)
            continue
        item = items.setdefault((change.goal_id, change.action_id), Item())
        (item.for_them if change.side == side else item.for_me).append(change)
    reviews = list(
        PlanReview.objects.filter(learner=learner, resolved_at__isnull=True).select_related(
            "kept__actor", "goal", "action"
        )
    )
    for review in reviews:
        item = items.setdefault((review.goal_id, review.action_id), Item())
        item.reviews.append(review)
        # A field under review is decided there, not confirmed change by change.
        item.for_me = [c for c in item.for_me if c.field != review.field]
        item.for_them = [c for c in item.for_them if c.field != review.field]
    return Plan(
        learner=learner,
        side=side,
        goals=goals,
        items=items,
        reviews=reviews,
        held=held,
        bookings=review_bookings(learner=learner, viewer=viewer),
    )


def review_bookings(*, learner: LearnerProfile, viewer: User) -> list[Booking]:
    """The learner's plan-review appointments that this person may open."""
    bookings = Booking.objects.filter(learner=learner, slot__purpose=Purpose.PLAN_REVIEW)
    if viewer.role != Role.LEARNER:
        bookings = bookings.filter(slot__agenda__in=agendas_for_staff(viewer))
    return list(bookings.select_related("slot").order_by("slot__starts_at", "id"))


def history_of(goal: Goal) -> QuerySet[PlanChange]:
    """Every change to a goal and its actions, oldest first (the goal was fetched in scope)."""
    return (
        PlanChange.objects.filter(goal=goal)
        .select_related("actor", "confirmed_by", "action")
        .order_by("at", "id")
    )
