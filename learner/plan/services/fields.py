"""The fields of goals and actions either side may edit, as the history keeps them (strings).

``normalized`` checks what someone typed and gives its one canonical string, so equal values
compare equal in the merge; ``read`` and ``write`` move between that string and the model.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from learner.plan import rules
from learner.plan.models import (
    ACTION_LENGTH,
    EVALUATION_LENGTH,
    EVIDENCE_LENGTH,
    EVIDENCE_MAX,
    TITLE_LENGTH,
    Action,
    ActionStatus,
    Goal,
    GoalStatus,
    Owner,
)

GOAL_FIELDS = ("title", "status", "evaluation")
ACTION_FIELDS = ("text", "owner", "due_on", "status", "evidence")
# A goal's status is set by hand to these; "proposed" ends with the other side's confirmation.
GOAL_STATUSES_SET_BY_HAND = (GoalStatus.AGREED, GoalStatus.ACHIEVED, GoalStatus.DROPPED)
PORTFOLIO_REF = re.compile(r"^portfolio:[A-Za-z0-9-]{1,64}$")


def fields_of(kind: str) -> tuple[str, ...]:
    return ACTION_FIELDS if kind == "action" else GOAL_FIELDS


def _text(raw: str, length: int, *, required: bool, one_line: bool = True) -> str:
    value = " ".join(raw.split()) if one_line else raw.replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationError(_("Write something here."))
    if len(value) > length:
        raise ValidationError(_("This is too long."))
    return value


def _evidence(raw: str) -> str:
    items = rules.lines(raw)
    if len(items) > EVIDENCE_MAX:
        raise ValidationError(_("This is too many links."))
    check = URLValidator(schemes=["https", "http"])
    for item in items:
        if len(item) > EVIDENCE_LENGTH:
            raise ValidationError(_("This link is too long."))
        if PORTFOLIO_REF.match(item):
            continue
        try:
            check(item)
        except ValidationError as exc:
            raise ValidationError(
                _("Give a web address (https://…) or a portfolio item, one a line.")
            ) from exc
    return rules.joined(tuple(dict.fromkeys(items)))


def normalized(item: Goal | Action, field: str, raw: str) -> str:
    """The canonical value of ``raw`` for this field; ``ValidationError`` if it cannot be."""
    kind = "action" if isinstance(item, Action) else "goal"
    if field not in fields_of(kind):
        raise ValidationError(_("This cannot be changed here."))
    raw = str(raw)
    if isinstance(item, Goal):
        if field == "title":
            return _text(raw, TITLE_LENGTH, required=not item.framework_code)
        if field == "evaluation":
            return _text(raw, EVALUATION_LENGTH, required=False, one_line=False)
        if raw not in GOAL_STATUSES_SET_BY_HAND:
            raise ValidationError(_("Choose a status."))
        if raw == GoalStatus.AGREED and item.confirmed_at is None:
            raise ValidationError(_("A proposed goal is agreed when the other side confirms it."))
        return raw
    if field == "text":
        return _text(raw, ACTION_LENGTH, required=True)
    if field == "owner":
        if raw not in Owner.values:
            raise ValidationError(_("Choose who does it."))
        return raw
    if field == "status":
        if raw not in ActionStatus.values:
            raise ValidationError(_("Choose a status."))
        return raw
    if field == "due_on":
        return due_on(raw)
    return _evidence(raw)


def due_on(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        parsed = parse_date(raw.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("Give a date."))
    return parsed.isoformat()


def read(item: Goal | Action, field: str) -> str:
    value = getattr(item, field)
    if field == "evidence":
        return rules.joined([str(entry) for entry in value or []])
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def write(item: Goal | Action, field: str, value: str) -> None:
    if field == "evidence":
        item.evidence = list(rules.lines(value))  # type: ignore[union-attr]
    elif field == "due_on":
        item.due_on = parse_date(value) if value else None  # type: ignore[union-attr]
    else:
        setattr(item, field, value)
