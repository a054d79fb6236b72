"""A teacher with a small course: two lessons covering six of the seven shared values."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from learner.lessons.models import Course, Lesson, Module
from learner.lessons.services import authoring
from portal.accounts.models import Role, User
from tests.portal.media import samples as media_samples


def picture(name: str = "photo.jpg", size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def recording(name: str = "voice.ogg") -> SimpleUploadedFile:
    # A whole Ogg Opus file: the content check reads a recording to its end.
    return SimpleUploadedFile(name, media_samples.ogg_opus(), content_type="audio/ogg")


@pytest.fixture
def teacher(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.TEACHER, "mo.teacher")


@pytest.fixture
def course(teacher: User) -> Course:
    return authoring.course_create(teacher=teacher, title="Samen leven", summary="MO")


@pytest.fixture
def module(teacher: User, course: Course) -> Module:
    return authoring.module_create(teacher=teacher, course=course, title="Basis")


def make_lesson(teacher: User, module: Module, title: str, values: list[str]) -> Lesson:
    lesson = authoring.lesson_create(teacher=teacher, module=module, title=title)
    return authoring.lesson_update(
        teacher=teacher,
        lesson=lesson,
        title=title,
        summary=f"{title}: kort",
        goals="Je kent de regels.",
        values=values,
        environments=["city_and_country"],
        target_groups=["low_literate"],
    )


@pytest.fixture
def lesson(teacher: User, module: Module) -> Lesson:
    lesson = make_lesson(
        teacher,
        module,
        "De wet",
        ["separation_of_powers", "government_neutrality", "gender_equality"],
    )
    authoring.block_add(teacher=teacher, lesson=lesson, kind="text", text="Iedereen is gelijk.")
    authoring.block_add(
        teacher=teacher, lesson=lesson, kind="image", image=picture(), alt="Een gemeentehuis"
    )
    authoring.block_add(
        teacher=teacher,
        lesson=lesson,
        kind="vocabulary",
        words=[authoring.Word("de wet", "regel voor iedereen")],
    )
    for number in range(1, 7):
        authoring.question_add(
            teacher=teacher,
            lesson=lesson,
            text=f"Vraag {number}?",
            answers=[
                authoring.Answer("Ja", True, "Juist."),
                authoring.Answer("Nee", False, "Niet juist."),
            ],
        )
    return lesson


@pytest.fixture
def second_lesson(teacher: User, module: Module) -> Lesson:
    return make_lesson(
        teacher,
        module,
        "Vrij zijn",
        ["church_state_separation", "non_discrimination", "freedom_of_expression"],
    )
