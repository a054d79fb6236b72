"""Load the demo MO course (``course.nl.json`` and its translations) through the same services
teachers use, with the pictures drawn by ``images.py``, and a demo group. Safe to run again:
a course the teacher already has is left as it is."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from learner.lessons.demo import images
from learner.lessons.models import Course, Group, Presence
from learner.lessons.services import authoring, groups
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User

HERE = Path(__file__).parent


def _picture(key: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{key}.png", images.draw(key), content_type="image/png")


def _translations() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(HERE.glob("course.*.json")):
        language = path.name.split(".")[1]
        if language != "nl":
            found[language] = json.loads(path.read_text(encoding="utf-8"))
    return found


@transaction.atomic
def demo_lessons(*, teacher: User, learners: list[LearnerProfile]) -> Course:
    source = json.loads((HERE / "course.nl.json").read_text(encoding="utf-8"))
    existing = Course.objects.filter(owner=teacher, title_nl=source["course"]["title"]).first()
    if existing is not None:
        return existing
    course = authoring.course_create(
        teacher=teacher, title=source["course"]["title"], summary=source["course"]["summary"]
    )
    translations = _translations()
    course_keys: dict[str, str] = {}
    for m_index, module_data in enumerate(source["modules"]):
        module = authoring.module_create(
            teacher=teacher,
            course=course,
            title=module_data["title"],
            summary=module_data["summary"],
        )
        course_keys[f"module.{module.pk}"] = f"modules.{m_index}"
        for l_index, lesson_data in enumerate(module_data["lessons"]):
            path = (m_index, l_index)
            _lesson(teacher, module, lesson_data, translations, path)
    for language, data in translations.items():
        texts = {
            f"course.{course.pk}.title": data["course"]["title"],
            f"course.{course.pk}.summary": data["course"]["summary"],
        }
        for key, where in course_keys.items():
            translated = data["modules"][int(where.split(".")[1])]
            texts[f"{key}.title"] = translated["title"]
            texts[f"{key}.summary"] = translated["summary"]
        authoring.course_translate(teacher=teacher, course=course, language=language, texts=texts)
    course = authoring.course_publish(teacher=teacher, course=course)
    _demo_group(teacher, course, learners)
    return course


def _lesson(
    teacher: User,
    module: Any,
    data: dict[str, Any],
    translations: dict[str, dict[str, Any]],
    path: tuple[int, int],
) -> None:
    lesson = authoring.lesson_create(teacher=teacher, module=module, title=data["title"])
    lesson = authoring.lesson_update(
        teacher=teacher,
        lesson=lesson,
        title=data["title"],
        summary=data["summary"],
        goals=data["goals"],
        values=data["values"],
        environments=data["environments"],
        target_groups=data["target_groups"],
    )
    cover_key = data.get("image")
    keys: dict[str, str] = {}  # our key → the JSON path of its text in a translation
    for b_index, block_data in enumerate(data["blocks"]):
        words = [
            authoring.Word(word=item["word"], meaning=item["meaning"])
            for item in block_data.get("items", [])
        ]
        block = authoring.block_add(
            teacher=teacher,
            lesson=lesson,
            kind=block_data["kind"],
            text=block_data.get("text", ""),
            alt=block_data.get("alt", ""),
            video_url=block_data.get("url", ""),
            image=_picture(block_data["image"]) if block_data["kind"] == "image" else None,
            words=words or None,
        )
        if block.image is not None and block_data.get("image") == cover_key:
            lesson = authoring.lesson_cover_set(teacher=teacher, lesson=lesson, image=block.image)
        keys[f"block.{block.pk}.text"] = f"blocks.{b_index}.text"
        keys[f"block.{block.pk}.alt"] = f"blocks.{b_index}.alt"
        for w_index, entry in enumerate(block.entries.order_by("position")):
            keys[f"entry.{entry.pk}.meaning"] = f"blocks.{b_index}.items.{w_index}.meaning"
    for q_index, question_data in enumerate(data["questions"]):
        question = authoring.question_add(
            teacher=teacher,
            lesson=lesson,
            text=question_data["text"],
            answers=[
                authoring.Answer(text=c["text"], correct=c["correct"], feedback=c["feedback"])
                for c in question_data["choices"]
            ],
            image=_picture(question_data["image"]) if question_data.get("image") else None,
        )
        keys[f"question.{question.pk}.text"] = f"questions.{q_index}.text"
        for c_index, choice in enumerate(question.choices.order_by("position")):
            keys[f"choice.{choice.pk}.text"] = f"questions.{q_index}.choices.{c_index}.text"
            keys[f"choice.{choice.pk}.feedback"] = f"questions.{q_index}.choices.{c_index}.feedback"
    for language, translation in translations.items():
        m_index, l_index = path
        translated = translation["modules"][m_index]["lessons"][l_index]
        texts = {
            f"lesson.{lesson.pk}.title": translated["title"],
            f"lesson.{lesson.pk}.summary": translated["summary"],
            f"lesson.{lesson.pk}.goals": translated["goals"],
        }
        for key, where in keys.items():
            value = _at(translated, where)
            if value:
                texts[key] = value
        authoring.lesson_translate(teacher=teacher, lesson=lesson, language=language, texts=texts)


def _at(data: Any, path: str) -> str:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)] if int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        if data is None:
            return ""
    return str(data)


def _demo_group(teacher: User, course: Course, learners: list[LearnerProfile]) -> Group:
    group = groups.group_create(teacher=teacher, course=course, name="Leuven, maandagavond")
    for learner in learners:
        groups.group_add_member(teacher=teacher, group=group, dossier_number=learner.dossier_number)
    now = timezone.localtime().replace(hour=18, minute=30, second=0, microsecond=0)
    past = groups.session_plan(
        teacher=teacher,
        group=group,
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=3),
        place="Huis van het Nederlands, Leuven",
        interpreter_languages=["ar", "ti"],
    )
    groups.session_plan(
        teacher=teacher,
        group=group,
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7) + timedelta(hours=3),
        place="Huis van het Nederlands, Leuven",
        interpreter_languages=["ar", "ti"],
    )
    groups.attendance_record(
        teacher=teacher,
        session=past,
        marks={learner.pk: Presence.PRESENT for learner in learners},
        recorded_at=past.ends_at,
    )
    return group
