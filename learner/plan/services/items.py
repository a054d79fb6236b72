"""New goals and actions, proposed by either side, and the other side's confirmation."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.plan.framework import BY_CODE
from learner.plan.models import (
    ACTION_LENGTH,
    TITLE_LENGTH,
    Action,
    ChangeState,
    Domain,
    Goal,
    GoalStatus,
    Owner,
    PlanChange,
    PlanReview,
)
from learner.plan.services.common import authorize, locked, record
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User


def goal_propose(
    *,
    learner: LearnerProfile,
    actor: User,
    domain: str,
    framework_code: str = "",
    title: str = "",
    client_uuid: UUID | None = None,
    client_time: datetime | None = None,
) -> Goal:
    """Propose a goal, picked from the framework (``framework_code``) or written (``title``).

    It stays ``proposed`` until the other side confirms it. The same ``client_uuid`` twice
    returns the first goal. Raises ``PermissionDenied`` outside the actor's scope and
    ``ValidationError`` for an unknown domain or framework goal. Emits ``plan.goal.proposed``.
    """
    side = authorize(actor, learner)
    if client_uuid is not None:
        earlier = Goal.objects.filter(client_uuid=client_uuid, learner=learner).first()
        if earlier is not None:
            return earlier
    title = " ".join(title.split())
    if framework_code:
        picked = BY_CODE.get(framework_code)
        if picked is None:
            raise ValidationError({"framework_code": [_("Choose a goal from the list.")]})
        domain = picked.domain
    elif not title:
        raise ValidationError({"title": [_("Choose a goal from the list or write your own.")]})
    if domain not in Domain.values:
        raise ValidationError({"domain": [_("Choose what the goal is about.")]})
    if len(title) > TITLE_LENGTH:
        raise ValidationError({"title": [_("This is too long.")]})
    with transaction.atomic():
        goal = Goal.objects.create(
            learner=learner,
            domain=domain,
            framework_code=framework_code,
            title=title,
            proposed_by=actor,
            client_uuid=client_uuid,
        )
        PlanChange.objects.create(
            learner=learner,
            goal=goal,
            field="created",
            new_value=title,
            actor=actor,
            side=side,
            client_time=client_time,
            client_uuid=client_uuid,
            revision=goal.revision,
        )
        record(
            "plan.goal.proposed",
            actor=actor,
            learner=learner,
            side=side,
            goal=goal.pk,
            domain=domain,
            framework_code=framework_code,
        )
    return goal


def action_propose(
    *,
    goal: Goal,
    actor: User,
    text: str,
    owner: str = Owner.LEARNER,
    due_on: date | None = None,
    client_uuid: UUID | None = None,
    client_time: datetime | None = None,
) -> Action:
    """Propose an action under a goal; it waits for the other side's confirmation.

    Idempotent by ``client_uuid``. Not under a dropped goal. Emits ``plan.action.proposed``.
    """
    learner = goal.learner
    side = authorize(actor, learner)
    if client_uuid is not None:
        earlier = Action.objects.filter(client_uuid=client_uuid, goal__learner=learner).first()
        if earlier is not None:
            return earlier
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": [_("Write what is to be done.")]})
    if len(text) > ACTION_LENGTH:
        raise ValidationError({"text": [_("This is too long.")]})
    if owner not in Owner.values:
        raise ValidationError({"owner": [_("Choose who does it.")]})
    if goal.status == GoalStatus.DROPPED:
        raise ValidationError(_("This goal was dropped."))
    with transaction.atomic():
        action = Action.objects.create(
            goal=goal,
            text=text,
            owner=owner,
            due_on=due_on,
            proposed_by=actor,
            client_uuid=client_uuid,
        )
        PlanChange.objects.create(
            learner=learner,
            goal=goal,
            action=action,
            field="created",
            new_value=text,
            actor=actor,
            side=side,
            client_time=client_time,
            client_uuid=client_uuid,
            revision=action.revision,
        )
        record(
            "plan.action.proposed",
            actor=actor,
            learner=learner,
            side=side,
            action=action.pk,
            goal=goal.pk,
            owner=owner,
        )
    return action


def item_confirm(*, actor: User, goal: Goal, action: Action | None = None) -> list[PlanChange]:
    """Confirm what the other side proposed or changed on this goal (or action).

    A field still under review is left to the review. A proposed goal becomes ``agreed``.
    Confirming twice confirms nothing more. Emits ``plan.changes.confirmed`` when something was.
    """
    if action is not None and action.goal_id != goal.pk:
        raise PermissionDenied
    side = authorize(actor, goal.learner)
    with transaction.atomic():
        item = locked(goal, action)
        in_review = PlanReview.objects.filter(
            goal=goal, action=action, resolved_at__isnull=True
        ).values("field")
        waiting = list(
            PlanChange.objects.filter(goal=goal, action=action, state=ChangeState.PROPOSED)
            .exclude(side=side)
            .exclude(field__in=in_review)
        )
        if not waiting:
            return []
        now = timezone.now()
        PlanChange.objects.filter(pk__in=[change.pk for change in waiting]).update(
            state=ChangeState.CONFIRMED, confirmed_by=actor, confirmed_at=now
        )
        item.confirmed_by, item.confirmed_at = actor, now
        fields = ["confirmed_by", "confirmed_at"]
        created = any(change.field == "created" for change in waiting)
        if isinstance(item, Goal) and created and item.status == GoalStatus.PROPOSED:
            item.status = GoalStatus.AGREED
            fields.append("status")
        item.save(update_fields=fields)
        record(
            "plan.changes.confirmed",
            actor=actor,
            learner=goal.learner,
            side=side,
            goal=goal.pk,
            action=action.pk if action else None,
            changes=[change.pk for change in waiting],
        )
    return waiting
