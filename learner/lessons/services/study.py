"""What learners write while studying: progress, practice answers, the interest survey.

Each arrives through the offline outbox (``learner.lessons.commands``), keyed by the command's
UUID: the sync layer answers a replay ``duplicate``, and the unique ``client_uuid`` makes sure
that even a race of two replays stores one row.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from learner.lessons import rules
from learner.lessons.models import (
    Choice,
    EnvironmentInterest,
    LearningEnvironment,
    Lesson,
    LessonProgress,
    PracticeAttempt,
    ProgressStep,
)
from learner.profiles.models import LearnerProfile


@transaction.atomic
def progress_record(
    *,
    learner: LearnerProfile,
    lesson: Lesson,
    step: str,
    language: str,
    client_uuid: UUID,
    client_time: datetime,
) -> LessonProgress:
    """Mark a lesson opened or studied. ``lesson`` must come from ``lesson_for_learner``."""
    if step not in ProgressStep.values:
        raise ValidationError(_("Something in this entry is missing or wrong."))
    progress, _created = LessonProgress.objects.get_or_create(
        client_uuid=client_uuid,
        defaults={
            "learner": learner,
            "lesson": lesson,
            "step": step,
            "language": language[:8],
            "client_time": client_time,
        },
    )
    return progress


@transaction.atomic
def practice_submit(
    *,
    learner: LearnerProfile,
    lesson: Lesson,
    answers: list[tuple[int, int]],
    client_uuid: UUID,
    client_time: datetime,
) -> PracticeAttempt:
    """Keep one practice round, judged here (the phone's own judgement is only feedback).

    Refuses answers to questions of another lesson or choices the question never had.
    """
    if not answers:
        raise ValidationError(_("Answer at least one question."))
    choices = {
        pk: (question, correct)
        for pk, question, correct in Choice.objects.filter(question__lesson=lesson).values_list(
            "pk", "question_id", "correct"
        )
    }
    try:
        judged = rules.practice_judge(answers, choices)
    except ValueError as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    attempt, _created = PracticeAttempt.objects.get_or_create(
        client_uuid=client_uuid,
        defaults={
            "learner": learner,
            "lesson": lesson,
            "answers": [
                {"question": j.question, "choice": j.choice, "correct": j.correct} for j in judged
            ],
            "correct": sum(j.correct for j in judged),
            "total": len(judged),
            "client_time": client_time,
        },
    )
    return attempt


@transaction.atomic
def interests_save(*, learner: LearnerProfile, environments: list[str]) -> EnvironmentInterest:
    """The learner's choice of learning environments (the latest answer counts)."""
    known = set(LearningEnvironment.values)
    if any(value not in known for value in environments):
        raise ValidationError(_("Something in this entry is missing or wrong."))
    chosen = [value for value in LearningEnvironment.values if value in set(environments)]
    interest, _created = EnvironmentInterest.objects.update_or_create(
        learner=learner, defaults={"environments": chosen}
    )
    return interest
