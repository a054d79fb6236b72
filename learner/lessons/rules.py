"""Lesson rules as pure functions over plain data: no ORM, no clock, no randomness of their own."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

# How many questions one practice round asks (fewer if the bank is smaller).
PRACTICE_ROUND = 5


def values_missing(lesson_values: Iterable[Iterable[str]], required: Sequence[str]) -> list[str]:
    """The required shared values no lesson covers, in the order of ``required``."""
    covered = {value for values in lesson_values for value in values}
    return [value for value in required if value not in covered]


class TranslationState(StrEnum):
    MISSING = "missing"
    OUTDATED = "outdated"
    CURRENT = "current"


def translation_state(*, source_revision: int, translated_revision: int | None) -> TranslationState:
    """Missing until someone translated it; outdated once the Dutch source changed after."""
    if translated_revision is None:
        return TranslationState.MISSING
    if translated_revision < source_revision:
        return TranslationState.OUTDATED
    return TranslationState.CURRENT


def practice_draw(
    bank: Sequence[int], *, rng: random.Random, count: int = PRACTICE_ROUND
) -> list[int]:
    """A round drawn at random from the bank, as the real MO test draws from its own bank."""
    return rng.sample(list(bank), min(count, len(bank)))


@dataclass(frozen=True)
class Judged:
    question: int
    choice: int
    correct: bool


def practice_judge(
    answers: Sequence[tuple[int, int]], choices: dict[int, tuple[int, bool]]
) -> list[Judged]:
    """Judge ``(question, choice)`` pairs against ``choices`` (choice → (question, correct)).

    Raises ``ValueError`` for an answer whose choice is not one of that question's, or a
    question answered twice: the phone sent something the lesson never offered.
    """
    seen: set[int] = set()
    judged = []
    for question, choice in answers:
        owner = choices.get(choice)
        if owner is None or owner[0] != question or question in seen:
            raise ValueError(f"answer {question}/{choice}")
        seen.add(question)
        judged.append(Judged(question, choice, owner[1]))
    return judged


def behind(*, completed: int, group_median: int, absences: int, sessions_marked: int) -> bool:
    """Whether a group member needs the teacher's attention: fewer lessons studied than the
    group's median, or more than one in five marked sessions missed without a reason."""
    return completed < group_median or absences * 5 > sessions_marked
