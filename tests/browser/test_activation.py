"""By hand, in a real browser: a case manager prints a letter, the learner activates and logs in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from learner.profiles.models import LearnerProfile
from portal.accounts import services
from portal.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_activates_from_the_qr_link_and_logs_in_with_a_pin(
    live_server: object,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    profile = make_learner("INB-2026-0042", case_manager=case_manager)
    issued = services.activation_code_issue(issued_by=case_manager, user=profile.user)

    # The QR code on the letter opens this address; the code is in the fragment.
    page.goto(f"{live_server}/activate/#d=INB-2026-0042&c={issued.code}")
    expect(page.get_by_label("Dossiernummer")).to_have_value("INB-2026-0042")
    expect(page.get_by_label("Activeringscode")).to_have_value(issued.code)
    assert "#" not in page.url  # the code does not stay in the address bar or history
    page.get_by_role("button", name="Volgende").click()

    expect(page.get_by_role("heading", name="Kies je pincode")).to_be_visible()
    page.get_by_label("Je nieuwe pincode of wachtwoord").fill("123456")
    page.get_by_label("Typ nog eens").fill("123456")
    page.get_by_role("button", name="Opslaan en aanmelden").click()
    expect(page.get_by_role("alert").first).to_contain_text("te makkelijk")

    page.get_by_label("Je nieuwe pincode of wachtwoord").fill("482915")
    page.get_by_label("Typ nog eens").fill("482915")
    page.get_by_role("button", name="Opslaan en aanmelden").click()
    # Signed in, the portal speaks the learner's own language (Arabic, right to left).
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amal")
    expect(page.get_by_text("INB-2026-0042")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.locator("form[data-logout] button").click()
    expect(page.locator("h1")).to_have_text("لقد خرجت من حسابك")
    page.goto(f"{live_server}/language/?next=/login/")
    page.get_by_role("button", name="Nederlands").click()
    page.get_by_label("Dossiernummer of gebruikersnaam").fill("INB-2026-0042")
    page.get_by_label("Pincode of wachtwoord").fill("482915")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_text("INB-2026-0042")).to_be_visible()


def test_case_manager_enrols_totp_and_prints_an_activation_letter(
    live_server: object,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    make_learner("INB-2026-0043", case_manager=case_manager)
    page.goto(f"{live_server}/login/")
    page.get_by_label("Dossiernummer of gebruikersnaam").fill("tb.an")
    page.get_by_label("Pincode of wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", name="Tweede stap")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=case_manager, confirmed=False)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("6-cijferige code uit je authenticator-app").fill(token)
    page.get_by_role("button", name="Bevestigen").click()

    page.get_by_role("link", name="Inburgeraars").click()
    page.get_by_role("link", name="INB-2026-0043").click()
    page.get_by_role("button", name="Druk een activeringsbrief af").click()
    code = page.locator(".letter dd.code").first.inner_text()
    assert len(code) == 11
    assert code[5] == "-"
    # The letter is in the learner's language (Arabic, right-to-left) beside Dutch.
    expect(page.locator('.letter section[lang="ar"]')).to_have_attribute("dir", "rtl")
    expect(page.locator('.letter section[lang="nl"]')).to_be_visible()
