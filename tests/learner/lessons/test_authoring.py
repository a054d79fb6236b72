"""Teachers author, translate, publish and copy lessons; the rules hold and scope is closed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from learner.lessons import rules
from learner.lessons.models import Block, Course, CourseStatus, Lesson, LessonTranslation, Module
from learner.lessons.services import authoring
from portal.accounts.models import Agency, Role, User
from portal.events.models import Event
from portal.media.images import ImageRefused
from tests.learner.lessons.conftest import make_lesson, picture, recording

pytestmark = pytest.mark.django_db


def state(lesson: Lesson, language: str) -> str:
    lesson.refresh_from_db()
    made = LessonTranslation.objects.filter(lesson=lesson, language=language).first()
    return rules.translation_state(
        source_revision=lesson.revision, translated_revision=made.revision if made else None
    ).value


def test_publishing_is_refused_until_all_seven_values_are_covered_and_names_the_missing(
    teacher: User, course: Course, module: Module, lesson: Lesson, second_lesson: Lesson
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        authoring.course_publish(teacher=teacher, course=course)
    assert "Respect for sexual diversity" in refused.value.messages[0]
    assert "Equality" not in refused.value.messages[0]
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT

    make_lesson(teacher, module, "Liefde", ["sexual_diversity"])
    authoring.course_publish(teacher=teacher, course=course)
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    assert Event.objects.filter(code="lessons.course.published").count() == 1


def test_an_empty_course_cannot_be_published(teacher: User, course: Course) -> None:
    with pytest.raises(ValidationError):
        authoring.course_publish(teacher=teacher, course=course)


def test_a_translation_is_outdated_once_the_dutch_changes(teacher: User, lesson: Lesson) -> None:
    assert state(lesson, "ar") == "missing"
    block = lesson.blocks.get(kind="text")
    authoring.lesson_translate(
        teacher=teacher,
        lesson=lesson,
        language="ar",
        texts={f"lesson.{lesson.pk}.title": "القانون", f"block.{block.pk}.text": "الجميع متساوون."},
    )
    assert state(lesson, "ar") == "current"
    lesson.refresh_from_db()
    assert lesson.title_ar == "القانون"
    assert lesson.title_nl == "De wet"

    # Saving the Dutch unchanged keeps the translation current; a real change outdates it.
    authoring.lesson_update(
        teacher=teacher,
        lesson=lesson,
        title="De wet",
        summary=lesson.summary_nl,
        goals=lesson.goals_nl,
        values=lesson.values,
        environments=lesson.environments,
        target_groups=lesson.target_groups,
    )
    assert state(lesson, "ar") == "current"
    authoring.block_update(teacher=teacher, block=block, text="Iedereen is gelijk voor de wet.")
    assert state(lesson, "ar") == "outdated"
    assert state(lesson, "nl") == "current"


def test_a_translation_cannot_write_into_another_lesson(
    teacher: User, lesson: Lesson, second_lesson: Lesson
) -> None:
    with pytest.raises(ValidationError):
        authoring.lesson_translate(
            teacher=teacher,
            lesson=second_lesson,
            language="en",
            texts={f"lesson.{lesson.pk}.title": "Hijacked"},
        )
    with pytest.raises(ValidationError):
        authoring.lesson_translate(
            teacher=teacher,
            lesson=lesson,
            language="en",
            texts={f"lesson.{lesson.pk}.revision": "9"},
        )
    with pytest.raises(ValidationError):  # a mangled key is refused too, not a server error
        authoring.lesson_translate(
            teacher=teacher, lesson=lesson, language="en", texts={"lesson.x.title": "Hijacked"}
        )
    lesson.refresh_from_db()
    assert lesson.title_en in {None, ""}


def test_only_the_owner_edits(
    make_staff: Callable[..., User], lesson: Lesson, course: Course
) -> None:
    colleague = make_staff(Role.TEACHER, "mo.other")
    case_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    for person in (colleague, case_manager):
        with pytest.raises(PermissionDenied):
            authoring.block_add(teacher=person, lesson=lesson, kind="text", text="x")
        with pytest.raises(PermissionDenied):
            authoring.course_publish(teacher=person, course=course)


def test_a_refused_picture_adds_nothing(teacher: User, lesson: Lesson) -> None:
    before = lesson.blocks.count()
    revision = Lesson.objects.get(pk=lesson.pk).revision
    broken = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    with pytest.raises(ImageRefused):
        authoring.block_add(teacher=teacher, lesson=lesson, kind="image", image=broken, alt="x")
    with pytest.raises(ValidationError):
        authoring.block_add(teacher=teacher, lesson=lesson, kind="image", image=picture(), alt=" ")
    assert lesson.blocks.count() == before
    assert Lesson.objects.get(pk=lesson.pk).revision == revision


def test_a_question_has_exactly_one_right_answer(teacher: User, lesson: Lesson) -> None:
    with pytest.raises(ValidationError):
        authoring.question_add(
            teacher=teacher,
            lesson=lesson,
            text="?",
            answers=[authoring.Answer("a", True), authoring.Answer("b", True)],
        )
    with pytest.raises(ValidationError):
        authoring.question_add(
            teacher=teacher, lesson=lesson, text="?", answers=[authoring.Answer("a", True)]
        )


def test_blocks_move_and_recordings_replace_per_language(teacher: User, lesson: Lesson) -> None:
    text, image, words = list(lesson.blocks.order_by("position"))
    authoring.block_move(teacher=teacher, block=words, offset=-1)
    assert list(lesson.blocks.order_by("position").values_list("pk", flat=True)) == [
        text.pk,
        words.pk,
        image.pk,
    ]
    authoring.block_move(teacher=teacher, block=text, offset=-1)  # already first: no change
    assert lesson.blocks.order_by("position").first() == text
    first = authoring.recording_attach(
        teacher=teacher, lesson=lesson, language="ar", upload=recording()
    )
    second = authoring.recording_attach(
        teacher=teacher, lesson=lesson, language="ar", upload=recording()
    )
    assert list(lesson.recordings.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


def test_teachers_of_any_agency_copy_published_lessons_with_their_translations(
    teacher: User,
    make_staff: Callable[..., User],
    other_agency: Agency,
    course: Course,
    module: Module,
    lesson: Lesson,
    second_lesson: Lesson,
) -> None:
    authoring.lesson_translate(
        teacher=teacher,
        lesson=lesson,
        language="ar",
        texts={f"lesson.{lesson.pk}.title": "القانون"},
    )
    elsewhere = make_staff(Role.TEACHER, "mo.brussel", agency=other_agency)
    their_course = authoring.course_create(teacher=elsewhere, title="MO Brussel")
    their_module = authoring.module_create(teacher=elsewhere, course=their_course, title="Deel 1")
    with pytest.raises(PermissionDenied):  # a draft of someone else is not in the library
        authoring.lesson_copy(teacher=elsewhere, lesson=lesson, module=their_module)
    make_lesson(teacher, module, "Liefde", ["sexual_diversity"])
    authoring.course_publish(teacher=teacher, course=course)

    copy = authoring.lesson_copy(teacher=elsewhere, lesson=lesson, module=their_module)
    assert copy.module == their_module
    assert copy.copied_from == lesson
    assert copy.title_ar == "القانون"
    assert copy.blocks.count() == 3
    assert copy.questions.count() == 6
    assert sum(q.choices.count() for q in copy.questions.all()) == 12
    assert Block.objects.get(lesson=copy, kind="vocabulary").entries.get().word == "de wet"
    assert state(copy, "ar") == "current"
    # The original is untouched.
    assert lesson.blocks.count() == 3
    with pytest.raises(PermissionDenied):  # and nobody copies into someone else's module
        authoring.lesson_copy(teacher=elsewhere, lesson=lesson, module=module)
