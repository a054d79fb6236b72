"""Sharing by hand in Chromium: the learner shares two items with an employer, sees the opening,
stops the link; and downloads the PDF whose QR address an employer opens to check it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from learner.profiles.models import LearnerProfile
from learner.trajectory.models import ExamSession
from learner.trajectory.models.facts import ExamKind, ExamOutcome
from portal.accounts.models import User
from portfolio.models import Item, Kind
from portfolio.sharing import verification
from tests.browser.test_shell import assert_no_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def employer_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_a_learner_shares_items_with_an_employer_sees_the_opening_and_stops_the_link(
    asgi_server: str,
    page: Page,
    browser: Browser,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    amal = make_learner("INB-9101", case_manager=case_manager, pin="482915", language="ar")
    welder = Item.objects.create(learner=amal, kind=Kind.WORK_EXPERIENCE, title="Lasser, Aleppo")
    diploma = Item.objects.create(learner=amal, kind=Kind.DIPLOMA, title="مهندس كهرباء")
    Item.objects.create(learner=amal, kind=Kind.COMPETENCE, title="Niet voor de werkgever")

    sign_in(page, asgi_server, "INB-9101")
    page.goto(f"{asgi_server}/portfolio/shares/new/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_violations(page)
    page.locator(f"input[name=items][value='{welder.pk}']").check()
    page.locator(f"input[name=items][value='{diploma.pk}']").check()
    page.locator("input[name=recipient_kind][value=employer]").check()
    page.locator("#id_recipient_name").fill("Metaal NV")
    page.locator("input[name=days][value='7']").check()
    page.locator("form button.primary").click()

    card = page.locator("[data-share=open]")
    expect(card).to_have_count(1)
    expect(card.locator("[data-openings]")).to_have_class("empty")
    assert_no_violations(page)
    link = card.locator("input[readonly]").input_value()
    assert "/shared/" in link

    employer = employer_page(browser)
    employer.goto(link)
    expect(employer.get_by_text("Lasser, Aleppo")).to_be_visible()
    expect(employer.get_by_text("مهندس كهرباء")).to_be_visible()
    expect(employer.get_by_text("Niet voor de werkgever")).to_have_count(0)
    assert_no_violations(employer)

    page.reload()
    expect(card.locator("[data-openings] li")).to_have_count(1)
    expect(card.locator("[data-openings] li")).to_contain_text("Chrome")

    card.locator("button.danger").click()
    expect(page.locator("[data-share=revoked]")).to_have_count(1)
    response = employer.goto(link)
    assert response is not None
    assert response.status == 404
    expect(employer.locator("[data-shared=gone]")).to_be_visible()
    employer.context.close()


def test_the_learner_downloads_the_pdf_and_an_employer_checks_its_address(
    asgi_server: str,
    page: Page,
    browser: Browser,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    tmp_path: Path,
) -> None:
    amal = make_learner("INB-9102", case_manager=case_manager, pin="482915", language="ti")
    ExamSession.objects.create(
        learner=amal,
        kind=ExamKind.NT2,
        session_on=date(2026, 3, 12),
        outcome=ExamOutcome.PASSED,
        level="A2",
    )
    Item.objects.create(learner=amal, kind=Kind.COMPETENCE, title="ኤሌክትሪሻን")

    sign_in(page, asgi_server, "INB-9102")
    page.goto(f"{asgi_server}/portfolio/export/")
    assert_no_violations(page)
    page.locator("input[name=items]").check()
    with page.expect_download() as download:
        page.locator("form button.primary").click()
    saved = tmp_path / "dossier.pdf"
    download.value.save_as(saved)
    pdf = saved.read_bytes()

    verdict = verification.verify_pdf(pdf)
    assert verdict.verified
    assert verdict.export is not None
    employer = employer_page(browser)
    employer.goto(f"{asgi_server}/verify/portfolio/{verification.code_for(verdict.export)}/")
    expect(employer.locator("[data-verified=yes]")).to_be_visible()
    expect(employer.locator("[data-ref='exam/nt2/A2/2026-03-12']")).to_be_visible()
    assert_no_violations(employer)
    employer.context.close()
