"""The in-browser recorder (static/js/recorder.js) in a real Chromium: what MediaRecorder makes
is a whole recording, passes the server's check to its end, and is stored as it came.

Chromium's fake microphone (a beep) stands in for a person; the recording is Chromium's own
WebM/Opus, not a file the test wrote.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from learner.lessons.models import Lesson, Recording
from learner.lessons.services import authoring
from portal.accounts.models import Role, User
from portal.media import audio
from tests.browser.conftest import CHROMIUM_FLAGS
from tests.browser.test_lessons import staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_MICROPHONE = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def recording_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page of a Chromium that has a (fake) microphone, with leave to use it."""
    # Through the shared browser's Playwright: a second sync Playwright in this thread would not
    # start. The fake device is a launch flag, hence a browser of its own.
    chromium = browser.browser_type.launch(
        executable_path=shutil.which("chromium"), args=[*CHROMIUM_FLAGS, *FAKE_MICROPHONE]
    )
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, locale="en", permissions=["microphone"]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    chromium.close()


def test_a_recording_made_in_chromium_is_accepted_whole_and_stored_as_it_came(
    asgi_server: str,
    recording_page: Page,
    make_staff: Callable[..., User],
) -> None:
    teacher = make_staff(Role.TEACHER, "mo.recorder")
    course = authoring.course_create(teacher=teacher, title="Samen leven", summary="MO")
    module = authoring.module_create(teacher=teacher, course=course, title="Basis")
    lesson: Lesson = authoring.lesson_create(teacher=teacher, module=module, title="De wet")
    page = staff_page(recording_page, asgi_server, teacher)
    page.goto(f"{asgi_server}/lessons/teach/lessons/{lesson.pk}/")

    page.locator("#id_block-kind").select_option("audio")
    page.locator("#id_block-text").fill("Luister.")
    record = page.locator("[data-record]")
    record.click()
    expect(record).to_have_text("Stop")
    page.wait_for_timeout(1500)
    record.click()
    expect(page.locator("[data-record-status]")).to_have_text(
        "Recorded. It is sent when you add the block."
    )
    page.get_by_role("button", name="Add the block").click()

    expect(page.locator(".block-edit audio")).to_have_count(1)
    recording = Recording.objects.get(lesson=lesson, block__kind="audio").audio
    with recording.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert recording.mime == "audio/webm"
    assert audio.check(stored) == "audio/webm"
    # More than a header: 1.5 s of Opus at Chromium's default rate is several kilobytes.
    assert len(stored) > 4000
    # And the same recording cut short is refused: the check read it to its end.
    with pytest.raises(audio.AudioRefused):
        audio.check(stored[: len(stored) - 7])
