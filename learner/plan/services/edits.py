"""Edits of one field of a goal or action, ticks, and the reviews that same-field edits open.

Each edit names the item's revision its sender saw. Under the item's row lock, the pure rule
(``rules.edit_outcome``) decides from the history of that field since then: apply, no-op, or
review. Nothing typed is lost: a held edit is a ``PlanChange`` in a ``PlanReview``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.plan import rules
from learner.plan.models import (
    Action,
    ActionStatus,
    ChangeState,
    Goal,
    PlanChange,
    PlanReview,
    Side,
)
from learner.plan.rules import Outcome
from learner.plan.services import fields
from learner.plan.services.common import authorize, locked, record
from portal.accounts.models import User


@dataclass(frozen=True)
class EditResult:
    outcome: Outcome
    item: Goal | Action
    change: PlanChange | None = None
    review: PlanReview | None = None


@dataclass(frozen=True)
class _Edit:
    """Who sends what for which field, and what they saw."""

    actor: User
    side: Side
    goal: Goal
    action: Action | None
    field: str
    base_revision: int
    client_uuid: UUID | None
    client_time: datetime | None


def field_edit(
    *,
    actor: User,
    goal: Goal,
    action: Action | None = None,
    field: str,
    value: str,
    base_revision: int,
    client_uuid: UUID | None = None,
    client_time: datetime | None = None,
) -> EditResult:
    """Set one field of a goal (``action`` None) or of one of its actions.

    ``base_revision`` is the item's revision the sender saw. The result says whether the edit
    was applied (it then waits for the other side's confirmation), changed nothing, or went to
    a review because the other side changed the same field meanwhile. Evidence links merge as
    sets and never need a review. Raises ``PermissionDenied`` outside the actor's scope and
    ``ValidationError`` for a value the field cannot take. Emits ``plan.field.changed`` (or
    ``plan.action.ticked`` for an action's status), ``plan.review.opened`` or
    ``plan.review.joined``.
    """
    if action is not None and action.goal_id != goal.pk:
        raise PermissionDenied
    side = authorize(actor, goal.learner)
    with transaction.atomic():
        item = locked(goal, action)
        canonical = fields.normalized(item, field, value)
        edit = _Edit(
            actor,
            side,
            goal,
            action,
            field,
            max(0, min(base_revision, item.revision)),
            client_uuid,
            client_time,
        )
        current = fields.read(item, field)
        later_changes = list(
            PlanChange.objects.filter(
                goal=goal, action=action, field=field, revision__gt=edit.base_revision
            ).order_by("revision")
        )
        later = [
            rules.Later(actor=change.actor_id, old=change.old_value, new=change.new_value)
            for change in later_changes
        ]
        review = PlanReview.objects.filter(
            goal=goal, action=action, field=field, resolved_at__isnull=True
        ).first()
        if field == "evidence":
            canonical = rules.joined(
                rules.set_merge(
                    base=rules.lines(rules.base_value(current, later)),
                    current=rules.lines(current),
                    incoming=rules.lines(canonical),
                )
            )
            outcome = Outcome.NOOP if canonical == current else Outcome.APPLY
        else:
            outcome = rules.edit_outcome(
                current=current,
                incoming=canonical,
                sender=actor.pk,
                later=later,
                in_review=review is not None,
            )
        if outcome == Outcome.APPLY:
            return EditResult(outcome, item, _apply(edit, item, current, canonical))
        if outcome == Outcome.REVIEW:
            base = rules.base_value(current, later)
            kept = later_changes[-1] if later_changes else None
            return _hold(edit, item, review, base, kept, current, canonical)
    return EditResult(outcome, item)


def action_tick(
    *,
    actor: User,
    action: Action,
    done: bool,
    base_revision: int,
    client_uuid: UUID | None = None,
    client_time: datetime | None = None,
) -> EditResult:
    """Tick an action done (or not done after all): ``field_edit`` of its status."""
    return field_edit(
        actor=actor,
        goal=action.goal,
        action=action,
        field="status",
        value=ActionStatus.DONE if done else ActionStatus.OPEN,
        base_revision=base_revision,
        client_uuid=client_uuid,
        client_time=client_time,
    )


def _change_record(edit: _Edit, old: str, new: str, **extra: Any) -> PlanChange:
    """The history row of one edit: who, when (phone and server), the value before and after."""
    return PlanChange.objects.create(
        learner=edit.goal.learner,
        goal=edit.goal,
        action=edit.action,
        field=edit.field,
        old_value=old,
        new_value=new,
        actor=edit.actor,
        side=edit.side,
        client_time=edit.client_time,
        client_uuid=edit.client_uuid,
        base_revision=edit.base_revision,
        **extra,
    )


def _apply(edit: _Edit, item: Goal | Action, old: str, new: str) -> PlanChange:
    fields.write(item, edit.field, new)
    item.revision += 1
    item.save(update_fields=[edit.field, "revision"])
    change = _change_record(edit, old, new, revision=item.revision, state=ChangeState.PROPOSED)
    ids = {"goal": edit.goal.pk, "action": edit.action.pk if edit.action else None}
    if edit.action is not None and edit.field == "status":
        record(
            "plan.action.ticked",
            actor=edit.actor,
            learner=edit.goal.learner,
            side=edit.side,
            **ids,
            done=new == ActionStatus.DONE,
            revision=item.revision,
        )
    else:
        record(
            "plan.field.changed",
            actor=edit.actor,
            learner=edit.goal.learner,
            side=edit.side,
            **ids,
            field=edit.field,
            revision=item.revision,
        )
    return change


def _hold(
    edit: _Edit,
    item: Goal | Action,
    review: PlanReview | None,
    base: str,
    kept: PlanChange | None,
    current: str,
    new: str,
) -> EditResult:
    opened = review is None
    if review is None:
        review = PlanReview.objects.create(
            learner=edit.goal.learner,
            goal=edit.goal,
            action=edit.action,
            field=edit.field,
            base_value=base,
            kept=kept,
        )
    elif review.held.filter(actor=edit.actor, new_value=new, state=ChangeState.IN_REVIEW).exists():
        return EditResult(Outcome.NOOP, item, review=review)  # the same version, sent again
    change = _change_record(edit, current, new, state=ChangeState.IN_REVIEW, review=review)
    record(
        "plan.review.opened" if opened else "plan.review.joined",
        actor=edit.actor,
        learner=edit.goal.learner,
        side=edit.side,
        review=review.pk,
        goal=edit.goal.pk,
        action=edit.action.pk if edit.action else None,
        field=edit.field,
    )
    return EditResult(Outcome.REVIEW, item, change, review)


def review_resolve(
    *,
    actor: User,
    review: PlanReview,
    value: str,
    client_uuid: UUID | None = None,
    client_time: datetime | None = None,
) -> EditResult:
    """Decide a review: keep one of its versions or write another one.

    The chosen value is applied as a new change, which the other side confirms as usual (the
    value already in the plan is kept as it is). Every held version is marked resolved and
    stays in the history. Raises ``ValidationError`` when the review was decided meanwhile.
    Emits ``plan.review.resolved`` (and ``plan.field.changed`` when the value changes).
    """
    side = authorize(actor, review.learner)
    with transaction.atomic():
        item = locked(review.goal, review.action)
        review = PlanReview.objects.select_for_update().get(pk=review.pk)
        if review.resolved_at is not None:
            raise ValidationError(_("This was decided already. Look at the plan again."))
        canonical = fields.normalized(item, review.field, value)
        current = fields.read(item, review.field)
        edit = _Edit(
            actor,
            side,
            review.goal,
            review.action,
            review.field,
            item.revision,
            client_uuid,
            client_time,
        )
        change = _apply(edit, item, current, canonical) if canonical != current else None
        review.resolved_at, review.resolved_by, review.resolution = (
            timezone.now(),
            actor,
            canonical,
        )
        review.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        review.held.filter(state=ChangeState.IN_REVIEW).update(state=ChangeState.RESOLVED)
        record(
            "plan.review.resolved",
            actor=actor,
            learner=review.learner,
            side=side,
            review=review.pk,
            goal=review.goal_id,
            action=review.action_id,
            field=review.field,
        )
    return EditResult(Outcome.APPLY if change else Outcome.NOOP, item, change, review)
