"""Learners' progress and practice go through the offline write path: once, scoped, judged."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from learner.lessons.models import (
    Course,
    EnvironmentInterest,
    Lesson,
    LessonProgress,
    Module,
    PracticeAttempt,
)
from learner.lessons.services import authoring, study
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Agency, User
from portal.sync.services import commands_apply
from tests.learner.lessons.conftest import make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(
    teacher: User, course: Course, module: Module, lesson: Lesson, second_lesson: Lesson
) -> Course:
    make_lesson(teacher, module, "Liefde", ["sexual_diversity"])
    return authoring.course_publish(teacher=teacher, course=course)


def send(user: User, kind: str, payload: dict[str, Any], command: uuid.UUID | None = None) -> Any:
    [answer] = commands_apply(
        user=user,
        commands=[
            {
                "uuid": command or uuid.uuid4(),
                "type": kind,
                "payload": payload,
                "created_at": timezone.now(),
            }
        ],
    )
    return answer


def test_progress_counts_once_however_often_the_phone_sends_it(
    learner: LearnerProfile, published: Course, lesson: Lesson
) -> None:
    command = uuid.uuid4()
    payload = {"lesson": lesson.pk, "step": "completed", "language": "ar"}
    first = send(learner.user, "lessons.progress.record", payload, command)
    again = send(learner.user, "lessons.progress.record", payload, command)
    assert (first.status, again.status) == ("applied", "duplicate")
    assert again.result == first.result
    progress = LessonProgress.objects.get()
    assert (progress.step, progress.language, progress.client_uuid) == ("completed", "ar", command)


def test_a_draft_or_another_agencys_lesson_is_not_found(
    learner: LearnerProfile,
    lesson: Lesson,
    make_learner: Callable[..., LearnerProfile],
    other_agency: Agency,
    teacher: User,
    course: Course,
    module: Module,
    second_lesson: Lesson,
) -> None:
    payload = {"lesson": lesson.pk, "step": "opened", "language": "ar"}
    answer = send(learner.user, "lessons.progress.record", payload)
    assert (answer.status, answer.reason) == ("rejected", "not_found")
    make_lesson(teacher, module, "Liefde", ["sexual_diversity"])
    authoring.course_publish(teacher=teacher, course=course)
    stranger = make_learner("INB-9999", agency=other_agency)
    answer = send(stranger.user, "lessons.progress.record", payload)
    assert (answer.status, answer.reason) == ("rejected", "not_found")
    assert send(learner.user, "lessons.progress.record", payload).status == "applied"


def test_practice_is_judged_on_the_server(
    learner: LearnerProfile, published: Course, lesson: Lesson, second_lesson: Lesson
) -> None:
    questions = list(lesson.questions.prefetch_related("choices"))
    answers = [
        [questions[0].pk, questions[0].choices.get(correct=True).pk],
        [questions[1].pk, questions[1].choices.get(correct=False).pk],
    ]
    answer = send(
        learner.user, "lessons.practice.submit", {"lesson": lesson.pk, "answers": answers}
    )
    assert answer.status == "applied"
    assert (answer.result["correct"], answer.result["total"]) == (1, 2)
    attempt = PracticeAttempt.objects.get()
    assert [a["correct"] for a in attempt.answers] == [True, False]

    # A choice of another question, or garbage, is refused with a reason and stores nothing.
    wrong = [[questions[0].pk, questions[1].choices.first().pk]]
    refused = send(learner.user, "lessons.practice.submit", {"lesson": lesson.pk, "answers": wrong})
    assert (refused.status, refused.reason) == ("rejected", "invalid")
    garbage = send(learner.user, "lessons.practice.submit", {"lesson": lesson.pk, "answers": "x"})
    assert garbage.status == "rejected"
    assert PracticeAttempt.objects.count() == 1


def test_a_teacher_cannot_send_learner_commands(
    teacher: User, published: Course, lesson: Lesson
) -> None:
    answer = send(teacher, "lessons.progress.record", {"lesson": lesson.pk, "step": "opened"})
    assert (answer.status, answer.reason) == ("rejected", "unknown_command")


def test_the_interest_survey_keeps_the_latest_answer(learner: LearnerProfile) -> None:
    study.interests_save(learner=learner, environments=["work", "health"])
    study.interests_save(learner=learner, environments=["housing", "health"])
    assert EnvironmentInterest.objects.get(learner=learner).environments == ["housing", "health"]
