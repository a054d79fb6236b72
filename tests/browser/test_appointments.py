"""Booking in Chromium: in Arabic, a slot taken on one phone vanishes live on another, a request
made offline is confirmed on reconnect, and "I can't come" reaches the waitlisted learner."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import time as clock

import pytest
from playwright.sync_api import Browser, Page, expect

from learner.appointments.models import Agenda, Booking, BookingStatus, Purpose
from learner.appointments.services import hours
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portal.notifications.models import Notification
from tests.browser.test_shell import assert_no_violations, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agenda(case_manager: User) -> Agenda:
    agenda = hours.agenda_of(user=case_manager)
    hours.agenda_languages_set(user=case_manager, agenda=agenda, languages=["nl", "en"])
    for weekday in range(7):
        hours.hours_save(
            user=case_manager,
            agenda=agenda,
            values={
                "weekday": weekday,
                "starts": clock(9),
                "ends": clock(12),
                "purpose": Purpose.INTAKE,
                "minutes": 60,
                "place": "Diestsevest 40, Leuven",
                "capacity": 1,
            },
        )
    return agenda


def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def open_slots(page: Page, server: str) -> None:
    page.goto(f"{server}/appointments/book/?purpose=intake")
    expect(page.locator("[data-slots][data-live=open]")).to_have_count(1)


def wait_for_db(check: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the server never got it")
        time.sleep(0.1)


def test_a_learner_books_in_arabic_and_the_time_vanishes_live_on_another_phone(
    asgi_server: str,
    page: Page,
    browser: Browser,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    agenda: Agenda,
) -> None:
    amal = make_learner("INB-8001", case_manager=case_manager, pin="482915", language="ar")
    make_learner("INB-8002", case_manager=case_manager, pin="482915", language="en")
    other = phone(browser)
    sign_in(other, asgi_server, "INB-8002")
    open_slots(other, asgi_server)
    first = other.locator("[data-slot]").first.get_attribute("data-slot")

    sign_in(page, asgi_server, "INB-8001")
    open_slots(page, asgi_server)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("input[name=interpreter]")).to_be_checked()  # no Arabic at the agency
    assert_no_violations(page)
    page.locator(f"[data-slot='{first}'] button").click()
    expect(page).to_have_url(f"{asgi_server}/appointments/")
    booking = Booking.objects.get(learner=amal)
    assert (booking.interpreter_language, booking.status) == ("ar", BookingStatus.BOOKED)
    expect(page.locator("[data-bookings] li")).to_have_count(1)
    assert_no_violations(page)

    # The other phone never reloaded: the time is gone from its list.
    expect(other.locator(f"[data-slot='{first}']")).to_have_count(0)
    other.context.close()


def test_a_request_made_offline_is_confirmed_on_reconnect(
    asgi_server: str,
    page: Page,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    agenda: Agenda,
) -> None:
    amal = make_learner("INB-8003", case_manager=case_manager, pin="482915", language="ar")
    sign_in(page, asgi_server, "INB-8003")
    open_slots(page, asgi_server)
    page.context.set_offline(True)
    page.locator("[data-slot] button").first.click()
    expect(page.locator("[data-book-status]")).not_to_be_empty()
    wait_until(
        page,
        "import('/static/js/outbox.js').then(o => o.pending())"
        ".then(c => c.length === 1 && c[0].type === 'appointments.booking.request')",
    )
    assert not Booking.objects.filter(learner=amal).exists()

    page.context.set_offline(False)
    wait_for_db(lambda: Booking.objects.filter(learner=amal).exists())
    expect(page).to_have_url(f"{asgi_server}/appointments/")
    expect(page.locator("[data-bookings] li")).to_have_count(1)
    assert Booking.objects.filter(learner=amal).count() == 1


def test_i_cant_come_offers_the_time_to_the_waitlisted_learner(
    asgi_server: str,
    page: Page,
    browser: Browser,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    agenda: Agenda,
) -> None:
    make_learner("INB-8004", case_manager=case_manager, pin="482915", language="ar")
    waiting = make_learner("INB-8005", case_manager=case_manager, pin="482915", language="en")
    sign_in(page, asgi_server, "INB-8004")
    open_slots(page, asgi_server)
    page.locator("[data-slot] button").first.click()
    expect(page).to_have_url(f"{asgi_server}/appointments/")

    other = phone(browser)
    sign_in(other, asgi_server, "INB-8005")
    open_slots(other, asgi_server)
    other.get_by_role("button", name="Tell me when a time frees up").click()
    expect(other.get_by_text("You are on the waitlist.").first).to_be_visible()
    other.goto(f"{asgi_server}/appointments/")

    page.locator("[data-bookings] li a").first.click()
    page.locator("[data-cancel-form] button").click()
    expect(page).to_have_url(f"{asgi_server}/appointments/")
    expect(page.locator("[data-bookings] li")).to_have_count(0)

    # The waiting learner's open page hears of it live, in English, and can book the time.
    expect(other.locator("[data-live-region]")).to_contain_text("A time is free")
    assert Notification.objects.filter(
        recipient=waiting.user, code="appointments.slot.offered"
    ).exists()
    other.goto(f"{asgi_server}/appointments/book/?purpose=intake")
    other.locator("[data-slot] button").first.click()
    expect(other).to_have_url(f"{asgi_server}/appointments/")
    wait_for_db(lambda: Booking.objects.filter(learner=waiting).exists())
    other.context.close()
