"""What every plan write needs: which side acts, whether they may, the row lock, the event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from learner.plan.models import Action, Goal, Side
from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learners_visible_to
from portal.accounts.models import Role, User
from portal.events.services import event_record

# Who writes the plan: the learner, and on the other side their case manager (or an agency
# admin standing in). Coordinators, teachers and buddies do not see coaching data.
STAFF_SIDE = frozenset({Role.CASE_MANAGER, Role.AGENCY_ADMIN})


def side_of(user: User) -> Side:
    """The side this person writes on; anyone else may not write the plan."""
    if user.role == Role.LEARNER:
        return Side.LEARNER
    if user.role in STAFF_SIDE:
        return Side.CASE_MANAGER
    raise PermissionDenied


def authorize(actor: User, learner: LearnerProfile) -> Side:
    """The actor's side, if this learner's plan is theirs to write (fail closed)."""
    side = side_of(actor)
    if not learners_visible_to(user=actor).filter(pk=learner.pk).exists():
        raise PermissionDenied
    return side


def locked(goal: Goal, action: Action | None) -> Goal | Action:
    """The item, read afresh under a row lock: concurrent edits of it take turns."""
    if action is not None:
        return (
            Action.objects.select_for_update(of=("self",)).select_related("goal").get(pk=action.pk)
        )
    return Goal.objects.select_for_update().get(pk=goal.pk)


def record(code: str, *, actor: User, learner: LearnerProfile, side: Side, **payload: Any) -> None:
    """The event, with ids and field names only: the plan's words never leave the portal."""
    event_record(
        code=code,
        actor=actor,
        learner=learner.user,
        agency=learner.agency,
        payload={**payload, "side": str(side)},
    )
