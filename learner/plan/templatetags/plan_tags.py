"""Template helpers of the plan pages: stored values as words, what waits on an item."""

from __future__ import annotations

import uuid

from django import template

from learner.plan import presenters
from learner.plan.models import Action, Goal, PlanReview
from learner.plan.selectors import Item, Plan

register = template.Library()


@register.simple_tag
def plan_value(field: str, value: str, goal: Goal | None = None) -> str:
    return presenters.value_shown(field, value, goal)


@register.filter
def field_label(name: str) -> str:
    return presenters.field_label(name)


@register.simple_tag
def plan_item(plan: Plan, goal: Goal, action: Action | None = None) -> Item:
    return plan.item(goal, action)


@register.simple_tag
def review_versions(plan: Plan, review: PlanReview) -> list[presenters.Version]:
    return presenters.versions(review, plan.held.get(review.pk, []))


@register.filter
def evidence_links(values: list[str]) -> list[tuple[str, str]]:
    return presenters.evidence_links(values)


@register.filter
def lines(values: list[str]) -> str:
    return "\n".join(values)


@register.simple_tag
def new_command() -> str:
    """A fresh command id for one form: each form on the page is its own command."""
    return str(uuid.uuid4())
