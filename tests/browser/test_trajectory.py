"""The contract timeline by hand in Chromium, in Dutch and in Arabic (right to left)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from learner.profiles.models import LearnerProfile
from learner.trajectory import services
from learner.trajectory.models import Contract, MoCourse
from learner.trajectory.models.facts import MoCourseKind
from portal.accounts.models import User
from tests.browser.test_shell import assert_no_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeded_rules(db: None) -> None:
    """The data migration's rule set and declaration, again after earlier tests' flushes.

    (serialized_rollback cannot help: Playwright runs the tests in a greenlet whose context holds
    another connection object than the one Django serialized the database with.)
    """
    migration = importlib.import_module(
        "learner.trajectory.migrations.0002_first_rule_set_and_declaration"
    )
    migration.seed(django_apps, None)


@pytest.mark.parametrize(("lang", "direction"), [("nl", "ltr"), ("ar", "rtl")])
def test_the_timeline_declaration_and_proof_in_the_learners_language(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    sign_contract: Callable[..., Contract],
    lang: str,
    direction: str,
) -> None:
    profile = make_learner("INB-4001", case_manager=case_manager, pin="482915", language=lang)
    today = timezone.localdate()
    signed = today - timedelta(days=20)
    sign_contract(profile, signed_on=signed, richttermijn=signed + timedelta(days=365))
    services.fact_record(
        learner=profile,
        fact=MoCourse(kind=MoCourseKind.COURSE, started_on=signed),
        actor=case_manager,
    )
    with translation.override(lang):
        in_progress = gettext("In progress")
        not_started = gettext("Not started")
        mo_title = gettext("Civic orientation (MO)")
        valid_text = gettext("Valid: this person has an integration contract that is valid today.")
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": asgi_server}])
    sign_in(page, asgi_server, "INB-4001")

    page.goto(f"{asgi_server}/trajectory/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)
    pillars = page.locator("ol.timeline > li")
    expect(pillars).to_have_count(4)
    mo = page.locator('[data-pillar="mo"]')
    expect(mo.locator("h2")).to_have_text(mo_title)
    expect(mo.locator(".status")).to_contain_text(in_progress)
    expect(page.locator('[data-pillar="nt2"] .status')).to_contain_text(not_started)
    assert_no_violations(page)

    # The declaration: the learner's language beside Dutch (Dutch stays left to right).
    page.goto(f"{asgi_server}/trajectory/declaration/")
    dutch = page.locator('section[lang="nl"]')
    expect(dutch).to_have_attribute("dir", "ltr")
    expect(dutch).to_contain_text("Verklaring van de essentiële rechten en plichten")
    if lang == "ar":
        expect(page.locator("#own-h")).to_have_text("إعلان الحقوق والواجبات الأساسية")
    assert_no_violations(page)

    # The proof: a QR code whose public page says "valid" and nothing about the person.
    page.goto(f"{asgi_server}/trajectory/proof/")
    expect(page.locator(".qr svg")).to_be_visible()
    assert_no_violations(page)
    verify_url = page.locator(".qr figcaption a").get_attribute("href")
    assert verify_url is not None
    public = page.context.browser.new_context(locale="nl-BE")  # type: ignore[union-attr]
    try:
        other = public.new_page()
        other.context.add_cookies([{"name": "django_language", "value": lang, "url": asgi_server}])
        other.goto(verify_url)
        expect(other.locator("[data-valid]")).to_have_text(valid_text)
        assert "INB-4001" not in other.content()
    finally:
        public.close()


def test_reading_and_signing_the_declaration_by_hand_in_arabic(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    from learner.trajectory.models import DeclarationAcknowledgement

    make_learner("INB-4002", case_manager=case_manager, pin="482915", language="ar")
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": asgi_server}])
    sign_in(page, asgi_server, "INB-4002")
    page.goto(f"{asgi_server}/trajectory/declaration/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator('input[name="read"]').check()
    page.locator("#signed_name").fill("أمل حداد")
    page.locator("form.stack button.primary").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator('input[name="read"]')).to_have_count(0)  # nothing left to sign
    assert_no_violations(page)
    acknowledgement = DeclarationAcknowledgement.objects.get(learner__dossier_number="INB-4002")
    assert acknowledgement.language == "ar"
    assert acknowledgement.signed_name == "أمل حداد"
