"""How the plan's stored values read on a page, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learner.plan import rules
from learner.plan.framework import framework_label
from learner.plan.models import ActionStatus, Goal, GoalStatus, Owner, PlanChange, PlanReview

FIELD_LABELS = {
    "created": gettext_lazy("New"),
    "title": gettext_lazy("Goal"),
    "status": gettext_lazy("Status"),
    "evaluation": gettext_lazy("Evaluation"),
    "text": gettext_lazy("Action"),
    "owner": gettext_lazy("Who does it"),
    "due_on": gettext_lazy("Due date"),
    "evidence": gettext_lazy("Evidence"),
}
STATUS_LABELS = {**dict(GoalStatus.choices), **dict(ActionStatus.choices)}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def value_shown(name: str, value: str, goal: Goal | None = None) -> str:
    """A stored value as words: labels for choices, dates in the reader's format."""
    if name in {"title", "created"} and not value and goal is not None:
        return framework_label(goal.framework_code) or "—"
    if not value:
        return "—"
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name == "owner":
        return str(dict(Owner.choices).get(value, value))
    if name == "due_on":
        day = parse_date(value)
        return formats.date_format(day, "DATE_FORMAT") if day else value
    if name == "evidence":
        return ", ".join(rules.lines(value))
    return value


def evidence_links(values: list[str]) -> list[tuple[str, str]]:
    """(address, words) for each evidence entry; a portfolio reference has no address yet."""
    shown = []
    for entry in values:
        if entry.startswith("portfolio:"):
            shown.append(("", _("Portfolio item %(id)s") % {"id": entry.split(":", 1)[1]}))
        else:
            shown.append((entry, entry))
    return shown


@dataclass
class Version:
    """One value in a review, with who wants it."""

    value: str
    shown: str
    people: list[str] = field(default_factory=list)
    in_plan: bool = False


def versions(review: PlanReview, held: list[PlanChange]) -> list[Version]:
    """The value in the plan now (the one applied first), then each other version held."""
    found: dict[str, Version] = {}
    goal = review.goal
    changes: list[PlanChange] = [*([review.kept] if review.kept else []), *held]
    for change in changes:
        version = found.setdefault(
            change.new_value,
            Version(change.new_value, value_shown(review.field, change.new_value, goal)),
        )
        version.in_plan = version.in_plan or change is review.kept
        name = change.actor.display_name
        if name not in version.people:
            version.people.append(name)
    return list(found.values())
