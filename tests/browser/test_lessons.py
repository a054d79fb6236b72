"""MO lessons in Chromium: a teacher authors, translates and publishes (refused while a shared
value is missing); a learner downloads a module, studies it offline in Arabic with its
recording, practises, and the progress reaches the server exactly once when back online."""

from __future__ import annotations

import importlib
import io
import math
import struct
import time
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from PIL.ExifTags import GPS, IFD
from playwright.sync_api import Page, expect

from learner.lessons.models import (
    Course,
    CourseStatus,
    Lesson,
    LessonProgress,
    LessonTranslation,
    PracticeAttempt,
    Recording,
)
from learner.lessons.services import authoring
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from tests.browser.test_shell import assert_no_violations, sign_in, wait_for_worker, wait_until
from tests.conftest import verify_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIX_VALUES = [
    "separation_of_powers",
    "government_neutrality",
    "gender_equality",
    "church_state_separation",
    "non_discrimination",
    "freedom_of_expression",
]


@pytest.fixture(autouse=True)
def _seeded_rules(db: None) -> None:
    # See test_trajectory.py: the data migration's rows, again after other tests' flushes.
    migration = importlib.import_module(
        "learner.trajectory.migrations.0002_first_rule_set_and_declaration"
    )
    migration.seed(django_apps, None)


def tone_wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """A real, playable recording: a short 440 Hz tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
            for n in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return buffer.getvalue()


def photo(path: Path) -> Path:
    image = Image.new("RGB", (1200, 800), (30, 110, 180))
    exif = Image.Exif()
    # Where the phone was: never stored (the media tests check every variant).
    exif.get_ifd(IFD.GPSInfo).update({GPS.GPSLatitudeRef: "N", GPS.GPSLatitude: (50.0, 52.0, 48.0)})
    image.save(path, "JPEG", exif=exif)
    return path


def staff_page(page: Page, server: str, user: User) -> Page:
    """The teacher signed in with their second factor passed (the login screens have their own
    tests), reading English so the test can name what it clicks."""
    client = Client()
    verify_second_factor(client, user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            },
            {"name": "django_language", "value": "en", "url": server},
        ]
    )
    return page


def test_a_teacher_authors_translates_and_publishes_once_every_value_is_covered(
    asgi_server: str, page: Page, make_staff: Callable[..., User], tmp_path: Path
) -> None:
    teacher = make_staff(Role.TEACHER, "mo.browser")
    staff_page(page, asgi_server, teacher)
    page.goto(f"{asgi_server}/lessons/teach/")
    page.locator("#id_title").fill("Samen leven in Leuven")
    page.get_by_role("button", name="Create the course").click()
    page.locator("#id_module-title").fill("Basis")
    page.get_by_role("button", name="Add the module").click()
    page.get_by_label("Title of the new lesson").fill("De wet is voor iedereen")
    page.get_by_role("button", name="Add a lesson").click()

    # The lesson in Dutch, labelled with six of the seven values.
    page.locator("#id_summary").fill("Iedereen is gelijk voor de wet.")
    for value in SIX_VALUES:
        page.locator(f"input[name=values][value={value}]").check()
    page.locator("input[name=environments][value=city_and_country]").check()
    page.locator("form:has(input[name=action][value=lesson]) button.primary").click()
    expect(page.locator(".messages")).to_be_visible()

    # A picture and a recording, uploaded through the block form.
    page.locator("#id_block-kind").select_option("image")
    page.locator("#id_block-alt").fill("Het gemeentehuis van Leuven")
    page.locator("#id_block-text").fill("Het gemeentehuis.")
    page.locator("#id_block-image").set_input_files(str(photo(tmp_path / "town.jpg")))
    page.get_by_role("button", name="Add the block").click()
    expect(page.locator(".block-edit picture")).to_have_count(1)
    (tmp_path / "uitleg.wav").write_bytes(tone_wav())
    page.locator("#id_block-kind").select_option("audio")
    page.locator("#id_block-text").fill("Luister naar de uitleg.")
    page.locator("#id_block-audio").set_input_files(str(tmp_path / "uitleg.wav"))
    page.get_by_role("button", name="Add the block").click()
    expect(page.locator(".block-edit audio")).to_have_count(1)
    assert_no_violations(page)

    # Translated into Arabic, with a recording of the lesson in Arabic.
    lesson = Lesson.objects.get()
    page.goto(f"{asgi_server}/lessons/teach/lessons/{lesson.pk}/translate/ar/")
    fields = page.locator(".translate-row input, .translate-row textarea")
    for index in range(fields.count()):
        fields.nth(index).fill(f"نص عربي {index}")
    page.get_by_role("button", name="Save the translation").click()
    expect(page.locator(".status-current")).to_have_count(1)
    (tmp_path / "ar.wav").write_bytes(tone_wav())
    recording = page.locator("form.recording").first
    recording.locator("input[type=file]").set_input_files(str(tmp_path / "ar.wav"))
    recording.get_by_role("button", name="Save the recording").click()
    expect(page.locator("form.recording").first.locator("audio")).to_have_count(1)
    assert (
        LessonTranslation.objects.get(lesson=lesson, language="ar").revision
        == Lesson.objects.get().revision
    )
    assert Recording.objects.filter(lesson=lesson, language="ar", block__isnull=True).count() == 1

    # The preview shows the Arabic right to left, with the Dutch beside it.
    page.goto(f"{asgi_server}/lessons/teach/lessons/{lesson.pk}/preview/ar/")
    expect(page.locator("h1.own")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1.dutch")).to_have_text("De wet is voor iedereen")

    # Publishing is refused while a value is missing, and the refusal names it.
    page.goto(f"{asgi_server}/lessons/teach/courses/{lesson.module.course_id}/")
    page.get_by_role("button", name="Publish the course").click()
    expect(page.get_by_role("alert")).to_contain_text("Respect for sexual diversity")
    assert Course.objects.get().status == CourseStatus.DRAFT
    page.goto(f"{asgi_server}/lessons/teach/lessons/{lesson.pk}/")
    page.locator("input[name=values][value=sexual_diversity]").check()
    page.locator("form:has(input[name=action][value=lesson]) button.primary").click()
    expect(page.locator(".messages")).to_be_visible()
    page.goto(f"{asgi_server}/lessons/teach/courses/{lesson.module.course_id}/")
    page.get_by_role("button", name="Publish the course").click()
    expect(page.locator(".messages")).to_contain_text("published")
    assert Course.objects.get().status == CourseStatus.PUBLISHED
    # Changing the Dutch afterwards makes the Arabic outdated, visibly.
    expect(page.locator(".status-outdated")).to_have_count(0)


@pytest.fixture
def arabic_lesson(make_staff: Callable[..., User]) -> Lesson:
    teacher = make_staff(Role.TEACHER, "mo.offline")
    course = authoring.course_create(teacher=teacher, title="Samen leven")
    module = authoring.module_create(teacher=teacher, course=course, title="Basis")
    lesson = authoring.lesson_create(teacher=teacher, module=module, title="De wet")
    authoring.lesson_update(
        teacher=teacher,
        lesson=lesson,
        title="De wet",
        summary="Iedereen is gelijk.",
        goals="",
        values=[*SIX_VALUES, "sexual_diversity"],
        environments=[],
        target_groups=[],
    )
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), (200, 120, 40)).save(buffer, "JPEG")
    block = authoring.block_add(
        teacher=teacher,
        lesson=lesson,
        kind="image",
        alt="Een plein",
        image=SimpleUploadedFile("p.jpg", buffer.getvalue(), "image/jpeg"),
    )
    for number in range(1, 7):
        authoring.question_add(
            teacher=teacher,
            lesson=lesson,
            text=f"Vraag {number}?",
            answers=[
                authoring.Answer("Ja", True, "Goed."),
                authoring.Answer("Nee", False, "Fout."),
            ],
        )
    texts = {f"lesson.{lesson.pk}.title": "القانون", f"block.{block.pk}.alt": "ساحة"}
    for question in lesson.questions.prefetch_related("choices"):
        texts[f"question.{question.pk}.text"] = f"سؤال {question.position}؟"
        for choice in question.choices.all():
            texts[f"choice.{choice.pk}.text"] = "نعم" if choice.correct else "لا"
            texts[f"choice.{choice.pk}.feedback"] = "صحيح." if choice.correct else "خطأ."
    authoring.lesson_translate(teacher=teacher, lesson=lesson, language="ar", texts=texts)
    authoring.recording_attach(
        teacher=teacher,
        lesson=lesson,
        language="ar",
        upload=SimpleUploadedFile("ar.wav", tone_wav(), "audio/wav"),
    )
    authoring.course_publish(teacher=teacher, course=course)
    return lesson


def test_a_learner_studies_a_downloaded_module_offline_in_arabic_and_it_syncs_once(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    arabic_lesson: Lesson,
) -> None:
    make_learner("INB-7001", case_manager=case_manager, pin="482915", language="ar")
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": asgi_server}])
    sign_in(page, asgi_server, "INB-7001")
    page.goto(f"{asgi_server}/lessons/")
    wait_for_worker(page)
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_violations(page)

    # The size first, then the download.
    module = page.locator("[data-module]").first
    module.locator("[data-pack-ask]").click()
    expect(module.locator("[data-pack-status]")).not_to_be_empty()
    expect(module.locator("[data-pack-start]")).to_be_visible()
    module.locator("[data-pack-start]").click()
    expect(module).to_have_attribute("data-pack-state", "stored")
    stored = page.evaluate(
        "caches.open('lessons-' + document.querySelector('[data-module]').dataset.module)"
        ".then(c => c.match('/__pack__.json')).then(r => r.json())"
    )
    assert stored["stored"] > 0

    # Offline: the lesson opens from the pack, in Arabic, with its recording and picture.
    page.context.set_offline(True)
    page.goto(f"{asgi_server}/lessons/{arabic_lesson.pk}/")
    expect(page.locator("h1.own")).to_have_text("القانون")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    played = page.evaluate(
        "(async () => { const a = document.querySelector('audio[data-recording]');"
        " a.muted = true; await a.play(); a.pause(); return a.duration; })()"
    )
    assert played > 0.5
    wait_until(
        page,
        "[...document.querySelectorAll('.block img')].every(i => i.complete && i.naturalWidth > 0)",
    )
    assert_no_violations(page)

    # Practice offline: a round from the bank, feedback in Arabic, then "studied".
    questions = page.locator("[data-questions] fieldset.question")
    expect(questions).to_have_count(5)
    for index in range(5):
        questions.nth(index).locator("input[type=radio]").first.check()
    page.locator("[data-practice-submit]").click()
    expect(page.locator(".feedback").first).to_be_visible()
    expect(page.locator("[data-practice-status]")).not_to_be_empty()
    page.locator("[data-studied-form] button").click()
    expect(page.locator("[data-studied-status]")).not_to_be_empty()
    page.reload()  # still offline: opening again queues nothing new
    expect(page.locator("h1.own")).to_have_text("القانون")
    assert (
        page.evaluate(
            "new Promise(r => { const q = indexedDB.open('portal-outbox'); q.onsuccess = () =>"
            " { const t = q.result.transaction('commands').objectStore('commands').count();"
            " t.onsuccess = () => r(t.result); }; })"
        )
        == 3
    )
    assert LessonProgress.objects.count() == 0

    # Online again: everything arrives, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + 10
    while (
        LessonProgress.objects.count() < 2 or not PracticeAttempt.objects.exists()
    ) and time.monotonic() < deadline:
        time.sleep(0.1)
    page.reload()
    page.wait_for_timeout(500)
    assert sorted(LessonProgress.objects.values_list("step", flat=True)) == ["completed", "opened"]
    attempt = PracticeAttempt.objects.get()
    assert attempt.total == 5
    assert attempt.lesson_id == arabic_lesson.pk


def test_a_teacher_marks_attendance_offline_and_it_arrives_once(
    asgi_server: str,
    page: Page,
    make_staff: Callable[..., User],
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    arabic_lesson: Lesson,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from learner.lessons.models import Attendance
    from learner.lessons.services import groups

    teacher = User.objects.get(username="mo.offline")
    learners = [make_learner(f"INB-72{n:02d}", case_manager=case_manager) for n in range(3)]
    group = groups.group_create(teacher=teacher, course=arabic_lesson.module.course, name="Ma")
    for learner in learners:
        groups.group_add_member(teacher=teacher, group=group, dossier_number=learner.dossier_number)
    start = timezone.now() - timedelta(hours=1)
    session = groups.session_plan(
        teacher=teacher,
        group=group,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="Leuven",
        interpreter_languages=["ar"],
    )
    staff_page(page, asgi_server, teacher)
    url = f"{asgi_server}/lessons/teach/sessions/{session.pk}/attendance/"
    page.goto(url)
    wait_for_worker(page)
    page.reload()
    assert_no_violations(page)

    page.context.set_offline(True)
    page.reload()  # the page as last seen, from the worker
    page.locator(f"#p-{learners[0].pk}-present").check()
    page.locator(f"#p-{learners[1].pk}-absent").check()
    page.locator(f"#p-{learners[2].pk}-excused").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("[data-attendance-status]")).not_to_be_empty()
    assert not Attendance.objects.exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + 10
    while Attendance.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    marks = dict(Attendance.objects.values_list("learner__dossier_number", "presence"))
    assert marks == {"INB-7200": "present", "INB-7201": "absent", "INB-7202": "excused"}
