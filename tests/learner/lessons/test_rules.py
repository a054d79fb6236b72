"""The lesson rules: values coverage, translation state, drawing and judging practice."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner.lessons import rules
from learner.lessons.models import SharedValue


def test_values_missing_names_what_no_lesson_covers_in_vocabulary_order() -> None:
    lessons = [["gender_equality"], ["separation_of_powers", "gender_equality"], []]
    missing = rules.values_missing(lessons, SharedValue.values)
    assert missing == [
        "government_neutrality",
        "church_state_separation",
        "non_discrimination",
        "freedom_of_expression",
        "sexual_diversity",
    ]
    assert rules.values_missing([SharedValue.values], SharedValue.values) == []


@pytest.mark.parametrize(
    ("source", "translated", "state"),
    [(3, None, "missing"), (3, 2, "outdated"), (3, 3, "current"), (1, 1, "current")],
)
def test_translation_state(source: int, translated: int | None, state: str) -> None:
    assert rules.translation_state(source_revision=source, translated_revision=translated) == state


@given(st.lists(st.integers(), unique=True, max_size=30), st.integers(0, 2**32))
def test_a_round_is_drawn_from_the_bank_without_repeats(bank: list[int], seed: int) -> None:
    drawn = rules.practice_draw(bank, rng=random.Random(seed))  # noqa: S311 - practice, not security
    assert len(drawn) == min(rules.PRACTICE_ROUND, len(bank))
    assert len(set(drawn)) == len(drawn)
    assert set(drawn) <= set(bank)


def test_rounds_differ_between_attempts() -> None:
    bank = list(range(20))
    rng = random.Random(7)  # noqa: S311
    rounds = {tuple(rules.practice_draw(bank, rng=rng)) for _ in range(10)}
    assert len(rounds) > 1


def test_judging_refuses_a_choice_of_another_question_and_double_answers() -> None:
    choices = {10: (1, True), 11: (1, False), 20: (2, False), 21: (2, True)}
    judged = rules.practice_judge([(1, 10), (2, 20)], choices)
    assert [j.correct for j in judged] == [True, False]
    with pytest.raises(ValueError, match="answer"):
        rules.practice_judge([(1, 20)], choices)
    with pytest.raises(ValueError, match="answer"):
        rules.practice_judge([(1, 10), (1, 11)], choices)
    with pytest.raises(ValueError, match="answer"):
        rules.practice_judge([(3, 99)], choices)


@pytest.mark.parametrize(
    ("completed", "median", "absences", "marked", "expected"),
    [(3, 3, 0, 0, False), (2, 3, 0, 0, True), (3, 3, 1, 5, False), (3, 3, 2, 5, True)],
)
def test_behind(completed: int, median: int, absences: int, marked: int, expected: bool) -> None:
    assert (
        rules.behind(
            completed=completed, group_median=median, absences=absences, sessions_marked=marked
        )
        is expected
    )
