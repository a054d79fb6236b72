"""Pure rules of the action plan: what an edit does to a plan that may have moved on meanwhile.

The learner's phone and the case manager's page each send an edit with the revision of the goal
or action they saw. Others may have changed that item since. The merge is per field:

- a field nobody else touched since that revision takes the edit (edits of different fields of
  the same item never collide);
- an edit that asks for the value the field already has changes nothing;
- a field someone else changed since then, to another value, is not overwritten: the edit goes
  to a review that keeps every version (the base, theirs, mine) until the two sides choose;
- lists of evidence links merge as sets: what one side added or removed is added or removed,
  whatever the other side did meanwhile, so they never need a review.

Values are plain strings here (dates in ISO form, lists one entry a line), as the history keeps
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    APPLY = "apply"
    NOOP = "noop"
    REVIEW = "review"


@dataclass(frozen=True)
class Later:
    """A change to the same field, applied after the revision the sender saw."""

    actor: int
    old: str
    new: str


def base_value(current: str, later: Sequence[Later]) -> str:
    """The field's value at the sender's revision: before the first later change, else now's."""
    return later[0].old if later else current


def edit_outcome(
    *, current: str, incoming: str, sender: int, later: Sequence[Later], in_review: bool = False
) -> Outcome:
    """Apply, no-op or review, for one field.

    ``later`` are the changes to this field after the sender's revision, oldest first;
    ``in_review`` says a review of this field is still open (then every edit joins it, so no
    version decided by one side alone slips past the other).
    """
    if in_review:
        return Outcome.REVIEW
    if incoming == current:
        return Outcome.NOOP
    if current == base_value(current, later):
        return Outcome.APPLY  # untouched since, or changed and changed back
    if all(change.actor == sender for change in later):
        return Outcome.APPLY  # the sender's own earlier edits (e.g. queued on the same phone)
    return Outcome.REVIEW


def set_merge(
    *, base: Sequence[str], current: Sequence[str], incoming: Sequence[str]
) -> tuple[str, ...]:
    """Three-way merge of a list kept as a set, in the current order, additions at the end.

    What ``incoming`` added to ``base`` is in the result, what it removed from ``base`` is not,
    and what others added meanwhile stays.
    """
    removed = set(base) - set(incoming)
    result = [item for item in dict.fromkeys(current) if item not in removed]
    for item in incoming:
        if item not in base and item not in result:
            result.append(item)
    return tuple(result)


def lines(value: str) -> tuple[str, ...]:
    """A list kept in the history as one entry a line."""
    return tuple(line for line in (part.strip() for part in value.splitlines()) if line)


def joined(items: Sequence[str]) -> str:
    return "\n".join(items)
