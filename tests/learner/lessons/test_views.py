"""The lesson screens: the learner's list and player within the query budget, in their language
with the Dutch beside it; the pack lists what offline study needs; teachers' screens; uploads
that go wrong give a clear message, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from learner.lessons.models import (
    Course,
    Lesson,
    LessonProgress,
    Module,
    PracticeAttempt,
    SharedValue,
)
from learner.lessons.services import authoring
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from tests.learner.lessons.conftest import make_lesson, picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(
    teacher: User, course: Course, module: Module, lesson: Lesson, second_lesson: Lesson
) -> Course:
    make_lesson(teacher, module, "Liefde", ["sexual_diversity"])
    authoring.lesson_translate(
        teacher=teacher,
        lesson=lesson,
        language="ar",
        texts={f"lesson.{lesson.pk}.title": "القانون", f"lesson.{lesson.pk}.summary": "ملخص قصير"},
    )
    return authoring.course_publish(teacher=teacher, course=course)


@pytest.fixture
def learner_client(learner: LearnerProfile, signed_in: Callable[[User], Client]) -> Client:
    client = signed_in(learner.user)
    client.cookies["django_language"] = "ar"
    return client


def test_the_lesson_list_and_a_lesson_stay_within_ten_queries(
    learner_client: Client,
    published: Course,
    lesson: Lesson,
    django_assert_max_num_queries: Callable,
) -> None:
    learner_client.get(reverse("lessons:home"))  # warm the session
    with django_assert_max_num_queries(10):
        listing = learner_client.get(reverse("lessons:home"))
    assert listing.status_code == 200
    assert "القانون" in listing.content.decode()
    with django_assert_max_num_queries(10):
        page = learner_client.get(reverse("lessons:lesson", args=[lesson.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'lang="ar" dir="rtl">القانون' in html
    assert 'class="dutch" lang="nl" dir="ltr">De wet' in html
    # Untranslated text falls back to the Dutch, without a doubled Dutch line beside it.
    assert "Iedereen is gelijk." in html
    assert html.count("Iedereen is gelijk.") == 1
    assert "<picture>" in html
    assert 'type="image/webp"' in html
    assert 'id="practice-bank"' in html


def test_the_pack_lists_pages_pictures_and_size(
    learner_client: Client, published: Course, module: Module, lesson: Lesson
) -> None:
    answer = learner_client.get(reverse("lessons:pack", args=[module.pk]))
    assert answer.status_code == 200
    plan = answer.json()
    assert plan["cache"] == f"lessons-{module.pk}"
    assert reverse("lessons:lesson", args=[lesson.pk]) in plan["urls"]
    pictures = [url for url in plan["urls"] if url.startswith("/media/images/")]
    assert pictures
    assert all(url.endswith(".webp") for url in pictures)
    assert plan["bytes"] > 0
    for url in pictures:
        picture_response = learner_client.get(url)
        assert picture_response.status_code == 200
        assert b"".join(picture_response.streaming_content)  # read to the end, which closes it


def test_a_learner_never_sees_a_draft_or_foreign_lesson(
    learner_client: Client, lesson: Lesson, module: Module
) -> None:
    assert learner_client.get(reverse("lessons:lesson", args=[lesson.pk])).status_code == 404
    assert learner_client.get(reverse("lessons:pack", args=[module.pk])).status_code == 404


def test_without_javascript_practice_and_studied_go_through_the_write_path(
    learner_client: Client, published: Course, lesson: Lesson
) -> None:
    question = lesson.questions.first()
    assert question is not None
    right = question.choices.get(correct=True)
    command = str(uuid.uuid4())
    data = {
        "command": command,
        "asked": [f"question-{question.pk}"],
        f"question-{question.pk}": right.pk,
    }
    result = learner_client.post(reverse("lessons:practice", args=[lesson.pk]), data)
    assert result.status_code == 200
    assert "Juist." in result.content.decode()
    again = learner_client.post(reverse("lessons:practice", args=[lesson.pk]), data)
    assert again.status_code == 200
    assert PracticeAttempt.objects.count() == 1
    done = learner_client.post(
        reverse("lessons:studied", args=[lesson.pk]), {"command": str(uuid.uuid4())}
    )
    assert done.status_code == 302
    assert LessonProgress.objects.get().step == "completed"


def test_teacher_screens_render_and_preview_in_any_language(
    teacher: User,
    signed_in: Callable[[User], Client],
    course: Course,
    lesson: Lesson,
    django_assert_max_num_queries: Callable,
) -> None:
    client = signed_in(teacher)
    assert client.get(reverse("lessons:teach")).status_code == 200
    assert client.get(reverse("lessons:course", args=[course.pk])).status_code == 200
    assert client.get(reverse("lessons:edit", args=[lesson.pk])).status_code == 200
    translate = client.get(reverse("lessons:translate", args=[lesson.pk, "ti"]))
    assert translate.status_code == 200
    assert "Iedereen is gelijk." in translate.content.decode()
    preview = client.get(reverse("lessons:preview", args=[lesson.pk, "ar"]))
    assert preview.status_code == 200
    assert "data-preview" in preview.content.decode()
    assert client.get(reverse("lessons:library")).status_code == 200
    assert client.get(reverse("lessons:translate", args=[lesson.pk, "xx"])).status_code == 404


def test_publishing_from_the_course_page_names_the_missing_value(
    teacher: User, signed_in: Callable[[User], Client], course: Course, lesson: Lesson
) -> None:
    client = signed_in(teacher)
    answer = client.post(reverse("lessons:course", args=[course.pk]), {"action": "publish"})
    assert answer.status_code == 200
    with translation.override(teacher.preferred_language):
        missing = str(SharedValue.SEXUAL_DIVERSITY.label)
    assert missing in answer.content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.jpg", b"\xff\xd8\xff garbage", "image/jpeg"), "picture"),
        (
            SimpleUploadedFile("x.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml"),
            "picture",
        ),
        (SimpleUploadedFile("x.png", b"", "image/png"), ""),
    ],
)
def test_a_broken_picture_gives_a_clear_message_and_keeps_what_was_typed(
    teacher: User,
    signed_in: Callable[[User], Client],
    lesson: Lesson,
    upload: SimpleUploadedFile,
    message: str,
) -> None:
    client = signed_in(teacher)
    answer = client.post(
        reverse("lessons:edit", args=[lesson.pk]),
        {
            "action": "block",
            "block-kind": "image",
            "block-alt": "Mijn beschrijving",
            "block-image": upload,
        },
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'class="error"' in html
    assert message in html
    assert "Mijn beschrijving" in html
    assert lesson.blocks.count() == 3


def test_a_good_picture_and_a_recording_are_added(
    teacher: User, signed_in: Callable[[User], Client], lesson: Lesson
) -> None:
    client = signed_in(teacher)
    answer = client.post(
        reverse("lessons:edit", args=[lesson.pk]),
        {
            "action": "block",
            "block-kind": "image",
            "block-alt": "Een foto",
            "block-image": picture(),
        },
    )
    assert answer.status_code == 302
    assert lesson.blocks.filter(kind="image").count() == 2


def test_another_teachers_lesson_is_not_found(
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
    lesson: Lesson,
    course: Course,
) -> None:
    client = signed_in(make_staff(Role.TEACHER, "mo.other"))
    assert client.get(reverse("lessons:edit", args=[lesson.pk])).status_code == 404
    assert client.get(reverse("lessons:course", args=[course.pk])).status_code == 404
    assert client.get(reverse("lessons:preview", args=[lesson.pk, "nl"])).status_code == 404


def test_a_block_is_changed_in_place_and_an_empty_text_is_refused(
    teacher: User, signed_in: Callable[[User], Client], lesson: Lesson
) -> None:
    client = signed_in(teacher)
    block = lesson.blocks.get(kind="text")
    url = reverse("lessons:edit", args=[lesson.pk])
    changed = client.post(url, {"action": "edit-block", "block": block.pk, "text": "Nieuw."})
    assert changed.status_code == 302
    block.refresh_from_db()
    assert block.text_nl == "Nieuw."
    refused = client.post(
        url, {"action": "edit-block", "block": block.pk, "text": " "}, follow=True
    )
    assert refused.status_code == 200
    assert 'class="message error"' in refused.content.decode()
    block.refresh_from_db()
    assert block.text_nl == "Nieuw."


def test_an_oversize_picture_is_refused_with_the_limit_named(
    teacher: User, signed_in: Callable[[User], Client], lesson: Lesson, settings: Any
) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = 2048
    client = signed_in(teacher)
    answer = client.post(
        reverse("lessons:edit", args=[lesson.pk]),
        {
            "action": "block",
            "block-kind": "image",
            "block-alt": "Groot",
            "block-image": picture(size=(1600, 1200)),
        },
    )
    assert answer.status_code == 200
    assert 'class="error"' in answer.content.decode()
    assert lesson.blocks.filter(kind="image").count() == 1


def test_the_interest_survey_saves_the_learners_choice(
    learner_client: Client, learner: LearnerProfile
) -> None:
    from learner.lessons.models import EnvironmentInterest

    assert learner_client.get(reverse("lessons:interests")).status_code == 200
    answer = learner_client.post(reverse("lessons:interests"), {"environments": ["health", "work"]})
    assert answer.status_code == 302
    assert EnvironmentInterest.objects.get(learner=learner).environments == ["work", "health"]
    refused = learner_client.post(reverse("lessons:interests"), {"environments": ["nonsense"]})
    assert refused.status_code == 200
    assert EnvironmentInterest.objects.get(learner=learner).environments == ["work", "health"]


def test_a_library_lesson_is_copied_from_the_screen(
    teacher: User,
    signed_in: Callable[[User], Client],
    published: Course,
    lesson: Lesson,
    make_staff: Callable[..., User],
) -> None:
    colleague = make_staff(Role.TEACHER, "mo.colleague")
    course = authoring.course_create(teacher=colleague, title="Mijn cursus")
    module = authoring.module_create(teacher=colleague, course=course, title="Deel")
    client = signed_in(colleague)
    assert lesson.title_nl in client.get(reverse("lessons:library")).content.decode()
    answer = client.post(reverse("lessons:library"), {"lesson": lesson.pk, "module": module.pk})
    assert answer.status_code == 302
    assert module.lessons.get().copied_from == lesson
