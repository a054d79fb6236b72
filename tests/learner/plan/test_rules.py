"""The merge rules of the shared plan: every case by name, and their invariants (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner.plan.rules import (
    Later,
    Outcome,
    base_value,
    edit_outcome,
    joined,
    lines,
    set_merge,
)

ME, THEM = 1, 2


def test_an_untouched_field_takes_the_edit() -> None:
    assert edit_outcome(current="a", incoming="b", sender=ME, later=[]) == Outcome.APPLY


def test_asking_for_the_value_it_has_changes_nothing() -> None:
    assert edit_outcome(current="a", incoming="a", sender=ME, later=[]) == Outcome.NOOP
    # Also when the other side set it to the same value meanwhile: nothing to review.
    later = [Later(actor=THEM, old="a", new="b")]
    assert edit_outcome(current="b", incoming="b", sender=ME, later=later) == Outcome.NOOP


def test_a_field_the_other_side_changed_meanwhile_goes_to_review() -> None:
    later = [Later(actor=THEM, old="a", new="b")]
    assert edit_outcome(current="b", incoming="c", sender=ME, later=later) == Outcome.REVIEW


def test_my_own_earlier_edits_queued_on_the_phone_apply_in_turn() -> None:
    later = [Later(actor=ME, old="a", new="b")]
    assert edit_outcome(current="b", incoming="c", sender=ME, later=later) == Outcome.APPLY


def test_changed_and_changed_back_by_the_other_side_is_no_collision() -> None:
    later = [Later(actor=THEM, old="a", new="b"), Later(actor=THEM, old="b", new="a")]
    assert edit_outcome(current="a", incoming="c", sender=ME, later=later) == Outcome.APPLY


def test_mixed_later_edits_with_another_persons_value_go_to_review() -> None:
    later = [Later(actor=THEM, old="a", new="b"), Later(actor=ME, old="b", new="c")]
    assert edit_outcome(current="c", incoming="d", sender=ME, later=later) == Outcome.REVIEW


@pytest.mark.parametrize("incoming", ["a", "b", "c"])
def test_while_a_review_is_open_every_edit_joins_it(incoming: str) -> None:
    assert (
        edit_outcome(current="b", incoming=incoming, sender=ME, later=[], in_review=True)
        == Outcome.REVIEW
    )


def test_the_base_value_is_the_one_before_the_first_later_change() -> None:
    assert base_value("now", []) == "now"
    assert base_value("c", [Later(THEM, "a", "b"), Later(ME, "b", "c")]) == "a"


values = st.sampled_from(["", "a", "b", "c", "2026-03-01"])
actors = st.sampled_from([ME, THEM, 3])


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[Later]]:
    """A base value and a consistent chain of later changes (each starts where the last ended)."""
    value = draw(values)
    base = value
    later = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        new = draw(values)
        later.append(Later(actor=draw(actors), old=value, new=new))
        value = new
    return base, later


@given(histories(), values, st.booleans())
def test_an_edit_never_overwrites_another_persons_different_value(
    history: tuple[str, list[Later]], incoming: str, in_review: bool
) -> None:
    base, later = history
    current = later[-1].new if later else base
    outcome = edit_outcome(
        current=current, incoming=incoming, sender=ME, later=later, in_review=in_review
    )
    others_changed = any(change.actor != ME for change in later)
    if outcome == Outcome.APPLY:
        # Applying is safe: the value now is the base, or only I changed it since.
        assert not in_review
        assert current == base or not others_changed
        assert incoming != current
    if outcome == Outcome.NOOP:
        assert incoming == current
        assert not in_review
    if outcome == Outcome.REVIEW:
        # Held back only when someone else's different value would otherwise be lost.
        assert in_review or (others_changed and current != base and incoming != current)


@given(histories(), values)
def test_with_no_later_changes_an_edit_applies_or_changes_nothing(
    history: tuple[str, list[Later]], incoming: str
) -> None:
    base, _later = history
    outcome = edit_outcome(current=base, incoming=incoming, sender=ME, later=[])
    assert outcome == (Outcome.NOOP if incoming == base else Outcome.APPLY)


links = st.lists(st.sampled_from(["https://a.be", "https://b.be", "portfolio:7", "x"]))


@given(links, links, links)
def test_evidence_merges_as_sets_and_keeps_both_sides_additions(
    base: list[str], current: list[str], incoming: list[str]
) -> None:
    merged = set_merge(base=base, current=current, incoming=incoming)
    assert len(merged) == len(set(merged))
    for item in set(incoming) - set(base):
        assert item in merged  # what I added
    for item in set(base) - set(incoming):
        assert item not in merged  # what I removed
    for item in set(current) - set(base):
        if item not in set(base) - set(incoming):
            assert item in merged  # what the other side added meanwhile
    assert set(merged) <= set(current) | set(incoming)


@given(links, links)
def test_evidence_merge_with_nothing_changed_elsewhere_is_the_incoming_set(
    base: list[str], incoming: list[str]
) -> None:
    merged = set_merge(base=base, current=base, incoming=incoming)
    assert set(merged) == set(incoming)


def test_evidence_keeps_the_current_order_and_adds_at_the_end() -> None:
    merged = set_merge(
        base=["https://a.be"],
        current=["https://b.be", "https://a.be"],
        incoming=["https://a.be", "https://c.be"],
    )
    assert merged == ("https://b.be", "https://a.be", "https://c.be")


@given(st.lists(st.text(alphabet="ab:/.", min_size=1).map(str.strip).filter(bool)))
def test_lists_survive_the_history_as_lines(items: list[str]) -> None:
    assert lines(joined(items)) == tuple(items)
