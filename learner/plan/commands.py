"""Plan commands of the offline outbox (see ``portal.sync.registry``), and of the plan's forms.

The learner ticks an action or edits a field on the phone, online or not; the command carries
the item's revision the phone showed, so the server merges it field by field when it arrives.
An edit that meets a simultaneous one on the other side is *applied* as a command (it is kept,
in a review), and its result says ``review``: the page shows both versions. The case manager's
forms use the same commands (payloads name the learner's dossier), so a form sent twice is
applied once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from learner.plan import selectors
from learner.plan.models import Action, Goal
from learner.plan.services import edits, items
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role
from portal.sync.registry import Conflict, Context, Rejected, command

PLAN_ROLES: set[str] = {Role.LEARNER, Role.CASE_MANAGER, Role.AGENCY_ADMIN}


def _invalid() -> ValidationError:
    return ValidationError(_("Something in this entry is missing or wrong."))


def _number(payload: dict[str, Any], key: str) -> int:
    try:
        return int(payload[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise _invalid() from exc


def _learner(context: Context, payload: dict[str, Any]) -> LearnerProfile:
    dossier = None if context.user.role == Role.LEARNER else str(payload.get("learner", ""))
    learner = selectors.plan_owner_for(user=context.user, dossier_number=dossier)
    if learner is None:
        raise Rejected("not_found", _("This plan is not open to you."))
    return learner


def _goal(learner: LearnerProfile, goal_id: int) -> Goal:
    goal = selectors.goal_of(learner, goal_id)
    if goal is None:
        raise Rejected("not_found", _("This goal is not in the plan any more."))
    return goal


def _item(learner: LearnerProfile, payload: dict[str, Any]) -> tuple[Goal, Action | None]:
    if payload.get("kind") == "action":
        action = selectors.action_of(learner, _number(payload, "id"))
        if action is None:
            raise Rejected("not_found", _("This action is not in the plan any more."))
        return action.goal, action
    return _goal(learner, _number(payload, "id")), None


def _edited(result: edits.EditResult) -> dict[str, Any]:
    return {
        "outcome": str(result.outcome),
        "revision": result.item.revision,
        "review": result.review.pk if result.review else None,
    }


@command("plan.goal.propose", roles=PLAN_ROLES)
def goal_propose(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{domain, framework_code | title}`` → ``{goal}``."""
    learner = _learner(context, payload)
    goal = items.goal_propose(
        learner=learner,
        actor=context.user,
        domain=str(payload.get("domain", "")),
        framework_code=str(payload.get("framework_code") or ""),
        title=str(payload.get("title") or ""),
        client_uuid=context.uuid,
        client_time=context.client_time,
    )
    return {"goal": goal.pk}


@command("plan.action.propose", roles=PLAN_ROLES)
def action_propose(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{goal, text, owner, due_on}`` → ``{action}``."""
    learner = _learner(context, payload)
    goal = _goal(learner, _number(payload, "goal"))
    raw_due = str(payload.get("due_on") or "")
    due_on = parse_date(raw_due) if raw_due else None
    if raw_due and due_on is None:
        raise ValidationError(_("Give a date."))
    action = items.action_propose(
        goal=goal,
        actor=context.user,
        text=str(payload.get("text") or ""),
        owner=str(payload.get("owner") or "learner"),
        due_on=due_on,
        client_uuid=context.uuid,
        client_time=context.client_time,
    )
    return {"action": action.pk}


@command("plan.action.tick", roles=PLAN_ROLES)
def action_tick(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{action, done, base_revision}`` → ``{outcome, revision, review}``."""
    learner = _learner(context, payload)
    action = selectors.action_of(learner, _number(payload, "action"))
    if action is None:
        raise Rejected("not_found", _("This action is not in the plan any more."))
    return _edited(
        edits.action_tick(
            actor=context.user,
            action=action,
            done=payload.get("done") is True or payload.get("done") in {"1", "true", "on"},
            base_revision=_number(payload, "base_revision"),
            client_uuid=context.uuid,
            client_time=context.client_time,
        )
    )


@command("plan.field.edit", roles=PLAN_ROLES)
def field_edit(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{kind: goal|action, id, field, value, base_revision}`` → ``{outcome, revision,
    review}``."""
    learner = _learner(context, payload)
    goal, action = _item(learner, payload)
    return _edited(
        edits.field_edit(
            actor=context.user,
            goal=goal,
            action=action,
            field=str(payload.get("field", "")),
            value=str(payload.get("value") or ""),
            base_revision=_number(payload, "base_revision"),
            client_uuid=context.uuid,
            client_time=context.client_time,
        )
    )


@command("plan.item.confirm", roles=PLAN_ROLES)
def item_confirm(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{kind, id}`` → ``{confirmed: [change ids]}``."""
    learner = _learner(context, payload)
    goal, action = _item(learner, payload)
    confirmed = items.item_confirm(actor=context.user, goal=goal, action=action)
    return {"confirmed": [change.pk for change in confirmed]}


@command("plan.review.resolve", roles=PLAN_ROLES)
def review_resolve(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{review, value}`` → ``{outcome, revision}``; a review decided meanwhile is a conflict."""
    learner = _learner(context, payload)
    review = selectors.review_of(learner, _number(payload, "review"))
    if review is None:
        raise Rejected("not_found", _("This review is not there any more."))
    if review.resolved_at is not None:
        raise Conflict("decided", _("This was decided already. Look at the plan again."))
    return _edited(
        edits.review_resolve(
            actor=context.user,
            review=review,
            value=str(payload.get("value") or ""),
            client_uuid=context.uuid,
            client_time=context.client_time,
        )
    )
