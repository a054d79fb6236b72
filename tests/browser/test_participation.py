"""Logging hours offline in Chromium: the outbox keeps them across a reload and a closed tab,
sends them once online, and the buddy's confirmation updates the learner's page live."""

from __future__ import annotations

import base64
import importlib
import re
import time
from collections.abc import Callable

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect

from learner.participation import services
from learner.participation.models import ActivityKind, Confirmation, HourEntry
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Contract, TrajectoryState
from portal.accounts.models import Municipality, Role, User
from tests.browser.test_shell import assert_no_violations, sign_in, wait_for_worker, wait_until
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeded_rules(db: None) -> None:
    # See test_trajectory.py: the data migration's rows, again after other tests' flushes.
    migration = importlib.import_module(
        "learner.trajectory.migrations.0002_first_rule_set_and_declaration"
    )
    migration.seed(django_apps, None)


def log_hours(page: Page, hours: str) -> None:
    form = page.locator("[data-hours-form]")
    form.locator("[name=activity]").select_option(index=1)
    form.locator("[name=hours]").select_option(hours)
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-outbox-status]")).not_to_be_empty()


def test_hours_logged_offline_reach_the_server_once_and_the_confirmation_shows_live(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    case_manager: User,
    leuven: Municipality,
    sign_contract: Callable[..., Contract],
) -> None:
    profile = make_learner("INB-6001", case_manager=case_manager, pin="482915", language="nl")
    sign_contract(profile)
    coordinator = make_staff(Role.COORDINATOR, "coord.t", municipality=leuven)
    buddy = make_staff(Role.BUDDY, "buddy.t")
    activity = services.activity_publish(
        actor=coordinator, kind=ActivityKind.BUDDY, title="Buddy project"
    )
    services.contact_link(actor=coordinator, learner=profile, contact=buddy, activity=activity)

    sign_in(page, asgi_server, "INB-6001")
    page.goto(f"{asgi_server}/participation/")
    wait_for_worker(page)
    page.reload()  # now served through the worker, so it is cached for offline use
    assert_no_violations(page)

    page.context.set_offline(True)
    log_hours(page, "10")
    page.reload()  # offline: the cached page, and the outbox still holds the entry
    expect(page.locator("[data-outbox-list] li")).to_have_count(1)
    log_hours(page, "10")
    page.close()  # a closed tab loses nothing
    page = page.context.new_page()
    page.goto(f"{asgi_server}/participation/")
    log_hours(page, "10")
    expect(page.locator("[data-outbox-list] li")).to_have_count(3)
    assert HourEntry.objects.count() == 0

    page.context.set_offline(False)
    started = time.monotonic()
    wait_until(page, "document.querySelectorAll('[data-outbox-list] li').length === 0")
    deadline = time.monotonic() + 10
    while HourEntry.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert HourEntry.objects.count() == 3
    assert time.monotonic() - started < 10
    expect(page.locator("[data-refresh=entries] tbody tr")).to_have_count(3)

    # The buddy confirms (in the app); the learner's open page shows it without a reload.
    ids = list(HourEntry.objects.values_list("pk", flat=True))
    services.hours_decide(contact=buddy, entry_ids=ids, confirm=True)
    expect(page.locator("[data-refresh=progress]")).to_contain_text("30")
    state = TrajectoryState.objects.get(learner=profile)
    assert state.pillars["participation"]["status"] == "in-progress"


def test_logout_with_unsent_hours_warns_first_and_leaves_no_storage_behind(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    case_manager: User,
    leuven: Municipality,
) -> None:
    # In Arabic: the hours page right to left, and still no accessibility violation.
    make_learner("INB-6002", case_manager=case_manager, pin="482915", language="ar")
    coordinator = make_staff(Role.COORDINATOR, "coord.u", municipality=leuven)
    services.activity_publish(
        actor=coordinator, kind=ActivityKind.VOLUNTEERING, title="Repair café"
    )
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": asgi_server}])
    sign_in(page, asgi_server, "INB-6002")
    page.goto(f"{asgi_server}/participation/")
    wait_for_worker(page)
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_no_violations(page)
    page.context.set_offline(True)
    log_hours(page, "2")
    # Back online, but the server is unreachable: the entry stays on the phone.
    page.route("**/api/sync/commands", lambda route: route.abort())
    page.context.set_offline(False)
    dialogs: list[str] = []

    def accept(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    page.on("dialog", accept)
    page.locator("form[data-logout] button").click()
    expect(page).to_have_url(re.compile(r"/logout/"))
    assert dialogs, "logout with unsent work asks first"
    wait_until(page, "caches.keys().then(k => !k.some(n => n.startsWith('pages-')))")
    assert page.evaluate("indexedDB.databases().then(d => d.length)") == 0
    cached_bodies = page.evaluate(
        """async () => {
            const bodies = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    bodies.push(await (await cache.match(request)).text());
                }
            }
            return bodies;
        }"""
    )
    assert not any("INB-6002" in body or "Repair café" in body for body in cached_bodies)
    assert HourEntry.objects.count() == 0


def test_phone_to_phone_both_offline_confirms_once_and_a_tampered_claim_is_refused(
    asgi_server: str,
    browser: Browser,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    case_manager: User,
    leuven: Municipality,
) -> None:
    profile = make_learner("INB-6003", case_manager=case_manager, pin="482915", language="nl")
    coordinator = make_staff(Role.COORDINATOR, "coord.v", municipality=leuven)
    buddy = make_staff(Role.BUDDY, "buddy.v")
    activity = services.activity_publish(
        actor=coordinator, kind=ActivityKind.BUDDY, title="Buddy walks"
    )
    services.contact_link(actor=coordinator, learner=profile, contact=buddy, activity=activity)

    # Both phones are set up online once: the learner's key registers itself; the buddy seals
    # theirs with their password.
    sign_in(page, asgi_server, "INB-6003")
    page.goto(f"{asgi_server}/participation/")
    wait_for_worker(page)
    page.reload()
    buddy_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-BE")
    phone = buddy_context.new_page()
    phone.goto(f"{asgi_server}/login/")
    phone.locator("#id_username").fill("buddy.v")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("form button.primary").click()
    phone.goto(f"{asgi_server}/participation/confirm/")
    wait_for_worker(phone)
    phone.reload()
    phone.locator("[data-setup-secret]").fill(PASSWORD)
    phone.locator("[data-seal]").click()
    expect(phone.locator("[data-scan]")).to_be_visible()
    assert_no_violations(phone)
    wait_until(page, "fetch('/participation/').then(() => true)")  # the learner's key is sent

    page.context.set_offline(True)
    buddy_context.set_offline(True)
    log_hours(page, "3")
    page.locator("[data-outbox-list] button").first.click()  # confirm with my buddy
    expect(page.locator("#claim-text")).not_to_have_value("")
    claim = page.locator("#claim-text").input_value()
    assert claim.startswith("PC1.")
    expect(page.locator("[data-qr-learner] svg")).to_be_visible()

    phone.locator("[data-claim-input]").fill(claim)
    phone.locator("[data-check]").click()
    expect(phone.locator("[data-claim-details] [data-minutes]")).to_have_text("180")
    phone.locator("[data-confirm-secret]").fill("wrong")
    phone.locator("[data-confirm]").click()
    expect(phone.locator("[data-claim-status]")).not_to_be_empty()
    phone.locator("[data-confirm-secret]").fill(PASSWORD)
    phone.locator("[data-confirm]").click()
    receipt = phone.locator("#receipt-text")
    expect(receipt).not_to_have_value("")
    page.locator("[data-receipt-input]").fill(receipt.input_value())
    page.locator("[data-add-receipt]").click()
    expect(page.locator("[data-qr-status]")).not_to_be_empty()

    # A tampered claim: the minutes changed on the way (the signature no longer matches).
    head, body, signature = claim.split(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    forged_body = base64.urlsafe_b64encode(raw.replace('"m":180', '"m":600').encode())
    forged = f"{head}.{forged_body.decode().rstrip('=')}.{signature}"
    phone.locator("[data-claim-input]").fill(forged)
    phone.locator("[data-check]").click()
    phone.locator("[data-confirm-secret]").fill(PASSWORD)
    phone.locator("[data-confirm]").click()
    expect(phone.locator("[data-outbox-list] li")).to_have_count(2)
    assert HourEntry.objects.count() == 0

    page.context.set_offline(False)
    buddy_context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("[data-outbox-list] li[data-state=attention]")).to_have_count(1)
    wait_until(page, "document.querySelectorAll('[data-outbox-list] li').length === 0")
    deadline = time.monotonic() + 10
    while not Confirmation.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    entry = HourEntry.objects.get()
    assert entry.minutes == 180
    confirmation = Confirmation.objects.get()
    assert (confirmation.via, confirmation.decided_by) == ("qr", buddy)
    buddy_context.close()
