"""The app shell by hand in Chromium: languages, offline, updates, live messages, accessibility."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from learner.profiles.models import LearnerProfile
from learner.profiles.services import caseload_assign
from portal.accounts.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "bench" / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page: Page, server: str, dossier: str, pin: str = "482915") -> None:
    page.goto(f"{server}/login/")
    page.locator("#id_username").fill(dossier)
    page.locator("#id_password").fill(pin)
    page.locator("form button.primary").click()
    expect(page.get_by_text(dossier)).to_be_visible()


def wait_until(page: Page, expression: str, timeout_s: float = 10) -> None:
    """Poll a JavaScript expression (promises awaited) until it is truthy.

    Through page.evaluate (the DevTools protocol): Playwright's wait_for_function compiles string
    predicates with eval inside the page, which the page's CSP rightly forbids.
    """
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def wait_for_worker(page: Page) -> None:
    """Wait until a service worker controls the page.

    A page whose navigation started while the first worker was still activating can miss that
    worker's clients.claim() (it was not a client yet) and stays uncontrolled until its next
    navigation, as browsers specify: then one reload, as a person's next tap would, is enough.
    """
    try:
        wait_until(page, "navigator.serviceWorker.controller !== null")
        return
    except AssertionError:
        state = page.evaluate(
            "navigator.serviceWorker.getRegistration().then(r => r && "
            "[r.installing?.state, r.waiting?.state, r.active?.state])"
        )
    if state and state[2] == "activated":
        page.reload()
        wait_until(page, "navigator.serviceWorker.controller !== null")
        return
    raise AssertionError(f"no controlling worker; registration: {state}")


def cache_names(page: Page) -> list[str]:
    return sorted(page.evaluate("caches.keys()"))


def test_first_screen_picks_arabic_right_to_left_then_tigrinya(
    asgi_server: str, page: Page
) -> None:
    page.goto(f"{asgi_server}/")
    expect(page).to_have_url(f"{asgi_server}/language/?next=/login/")
    page.get_by_role("button", name="العربية").click()
    expect(page).to_have_url(f"{asgi_server}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("الدخول")

    page.goto(f"{asgi_server}/language/?next=/login/")
    page.get_by_role("button", name="ትግርኛ").click()
    expect(page.locator("html")).to_have_attribute("lang", "ti")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    # The device remembers: the next visit to / skips the picker.
    page.goto(f"{asgi_server}/")
    expect(page).to_have_url(f"{asgi_server}/login/")


def test_offline_home_comes_from_the_cache_with_its_age_and_other_pages_say_offline(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    make_learner("INB-3001", case_manager=case_manager, pin="482915", language="en")
    sign_in(page, asgi_server, "INB-3001")
    wait_for_worker(page)
    page.reload()  # now under the worker: the home page is kept for offline use
    expect(page.get_by_text("INB-3001")).to_be_visible()
    # The offline page was cached in Dutch at install; the worker refetches it in English.
    wait_until(
        page,
        "caches.match('/offline/').then(r => !!r && r.headers.get('Content-Language') === 'en')",
    )

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_text("INB-3001")).to_be_visible()
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You are offline. This page was saved")

    page.goto(f"{asgi_server}/notifications/")  # never opened: not cached
    expect(page.locator("h1")).to_have_text("You are offline")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.context.set_offline(False)


def test_worker_update_replaces_every_cache_without_a_mixed_state(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    settings: Any,
) -> None:
    make_learner("INB-3002", case_manager=case_manager, pin="482915", language="en")
    settings.RELEASE = "test-v1"
    sign_in(page, asgi_server, "INB-3002")
    wait_for_worker(page)
    page.reload()
    assert cache_names(page) == ["pages-test-v1", "shell-test-v1"]

    settings.RELEASE = "test-v2"
    page.reload()  # the browser fetches /sw.js again (no-cache) and installs the new worker
    update = page.locator("[data-update-banner]")
    expect(update).to_be_visible()
    # Until the person agrees, the old worker and its caches keep serving this page.
    assert "shell-test-v1" in cache_names(page)
    with page.expect_navigation():
        page.locator("[data-update-button]").click()
    wait_until(page, "caches.keys().then(k => !k.some(n => n.endsWith('test-v1')))")
    assert set(cache_names(page)) <= {"pages-test-v2", "shell-test-v2"}
    assert "shell-test-v2" in cache_names(page)
    expect(update).to_be_hidden()


def test_a_notification_made_on_the_server_appears_live(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    make_staff: Callable[..., User],
) -> None:
    profile = make_learner("INB-3003", case_manager=case_manager, pin="482915", language="en")
    sign_in(page, asgi_server, "INB-3003")
    page.wait_for_timeout(500)  # let the socket connect
    caseload_assign(
        learner=profile, case_manager=make_staff(Role.CASE_MANAGER, "tb.new"), actor=None
    )
    toast = page.locator("[data-live-region]")
    expect(toast).to_have_text("Tb.New Test is now your case manager.")
    expect(page.locator("[data-unread-badge]")).to_have_text("1")


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_login_and_home_have_no_axe_violations(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    lang: str,
) -> None:
    assert AXE.exists(), "run the README's test command: it installs axe-core"
    make_learner("INB-3004", case_manager=case_manager, pin="482915", language=lang)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": asgi_server}])
    page.goto(f"{asgi_server}/login/")
    assert_no_violations(page)
    sign_in(page, asgi_server, "INB-3004")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_no_violations(page)


def assert_no_violations(page: Page) -> None:
    # Evaluated through the DevTools protocol: the page's strict CSP would refuse an injected tag.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']})"
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []


def test_logout_on_a_shared_phone_leaves_no_cached_pages_or_storage(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    make_learner("INB-3005", case_manager=case_manager, pin="482915", language="en")
    sign_in(page, asgi_server, "INB-3005")
    wait_for_worker(page)
    page.reload()
    page.evaluate("localStorage.setItem('draft', 'something personal')")
    assert any(name.startswith("pages-") for name in cache_names(page))

    page.locator("form[data-logout] button").click()
    expect(page.locator("h1")).to_have_text("You are logged out")
    # The person's pages are gone. The logged-out page registers the worker again, which caches
    # the shell anew (static files and the anonymous offline page): nothing of the person.
    wait_until(page, "caches.keys().then(k => !k.some(n => n.startsWith('pages-')))")
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
    assert not any("INB-3005" in body for body in cached_bodies)
    assert page.evaluate("localStorage.length") == 0
