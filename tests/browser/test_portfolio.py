"""The portfolio in Chromium on a phone: add a job with a photo, a refused PDF that keeps what
was typed, the diploma's recognition steps with their deadlines, and no axe violations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portfolio.models import Attachment, Item
from tests.browser.test_shell import assert_no_violations, sign_in, wait_until
from tests.portfolio import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_adds_a_job_with_a_photo_and_a_refused_pdf_loses_nothing_typed(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    make_learner("INB-9101", case_manager=case_manager, pin="482915", language="en")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": asgi_server}])
    sign_in(page, asgi_server, "INB-9101")
    page.goto(f"{asgi_server}/portfolio/")
    expect(page.get_by_role("heading", name="My portfolio", exact=True)).to_be_visible()
    assert_no_violations(page)

    page.locator("a[href$='?kind=work_experience']").click()
    page.get_by_label("Title").fill("Cook in a restaurant in Kabul")
    page.get_by_label("Description").fill("Five years, a kitchen of twelve.")
    page.get_by_label("From").fill("2015-04-01")
    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "menu.pdf",
                "mimeType": "application/pdf",
                "buffer": samples.pdf_with_javascript(),
            }
        ]
    )
    page.get_by_role("button", name="Add to my portfolio").click()
    expect(page.locator("[role=alert]").first).to_be_visible()
    expect(page.get_by_text("contains a script")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Cook in a restaurant in Kabul")
    expect(page.get_by_label("Description")).to_have_value("Five years, a kitchen of twelve.")
    assert not Item.objects.exists()

    page.locator("input[type=file]").set_input_files(
        files=[
            {"name": "kitchen.jpg", "mimeType": "image/jpeg", "buffer": samples.photo_with_gps()}
        ]
    )
    page.get_by_role("button", name="Add to my portfolio").click()
    expect(page.get_by_role("heading", name="Cook in a restaurant in Kabul")).to_be_visible()
    picture = page.locator("main picture img").first
    expect(picture).to_be_visible()
    # Visible at once (width and height are set); wait until the picture has arrived.
    wait_until(page, "document.querySelector('main picture img').complete")
    assert page.evaluate("document.querySelector('main picture img').naturalWidth") > 0
    assert Attachment.objects.get().kind == "image"
    assert_no_violations(page)


def test_a_diploma_shows_the_recognition_deadlines(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    make_learner("INB-9102", case_manager=case_manager, pin="482915", language="en")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": asgi_server}])
    sign_in(page, asgi_server, "INB-9102")
    page.goto(f"{asgi_server}/portfolio/new/?kind=diploma")
    page.get_by_label("Title").fill("Bachelor in nursing")
    page.get_by_role("button", name="Add to my portfolio").click()
    expect(page.get_by_role("heading", name="Recognition of this diploma")).to_be_visible()
    page.get_by_text("Update the steps").click()
    page.get_by_label("Application sent").check()
    page.get_by_label("I sent the application on").fill(
        (timezone.localdate() - timedelta(days=30)).isoformat()
    )
    page.get_by_label("A copy of the diploma").check()
    page.get_by_role("button", name="Save").last.click()
    expect(page.get_by_text("Confirmation due by")).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
    assert_no_violations(page)
