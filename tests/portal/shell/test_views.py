"""The shell over HTTP: first screen, language, right-to-left, manifest, worker, CSP, logout."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from learner.profiles.models import LearnerProfile
from portal.events.models import Event
from portal.shell import release

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def with_language(lang: str) -> Client:
    client = Client()
    client.cookies[COOKIE] = lang
    return client


def test_first_screen_on_a_new_device_is_the_language_picker() -> None:
    response = Client().get("/")
    assert response["Location"] == "/language/?next=/login/"
    picker = Client().get(response["Location"])
    html = picker.content.decode()
    for code, native in settings.LANGUAGE_NATIVE_NAMES.items():
        assert f'lang="{code}"' in html
        assert native in html
    assert 'lang="ar" dir="rtl"' in html
    assert 'lang="ti" dir="ltr"' in html
    # Once a language is chosen, the device goes straight to the login page.
    assert with_language("nl").get("/")["Location"] == "/login/"


def test_choosing_a_language_sets_the_device_cookie_and_goes_on() -> None:
    client = Client()
    response = client.post(reverse("shell:language"), {"language": "ti", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response.cookies[COOKIE].value == "ti"
    page = client.get("/login/")
    assert '<html lang="ti" dir="ltr">' in page.content.decode()


def test_unknown_language_or_foreign_next_is_refused() -> None:
    assert Client().post(reverse("shell:language"), {"language": "xx"}).status_code == 400
    response = Client().post(
        reverse("shell:language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("shell:home")


def test_a_signed_in_persons_choice_is_kept_on_their_account(
    learner: LearnerProfile, signed_in: Callable
) -> None:
    client = signed_in(learner.user)
    client.post(reverse("shell:language"), {"language": "so"})
    learner.user.refresh_from_db()
    assert learner.user.preferred_language == "so"
    event = Event.objects.get(code="accounts.user.language_changed")
    assert event.payload == {"from": "ar", "to": "so"}


def test_signing_in_brings_back_the_persons_own_language(learner: LearnerProfile) -> None:
    phone = with_language("uk")  # the last person on this shared phone read Ukrainian
    response = phone.post(reverse("accounts:login"), {"username": "INB-0001", "password": "482915"})
    assert response.cookies[COOKIE].value == "ar"


@pytest.mark.parametrize(
    ("lang", "direction"),
    [
        ("nl", "ltr"),
        ("en", "ltr"),
        ("fr", "ltr"),
        ("ar", "rtl"),
        ("uk", "ltr"),
        ("ru", "ltr"),
        ("tr", "ltr"),
        ("fa", "rtl"),
        ("ps", "rtl"),
        ("ti", "ltr"),
        ("so", "ltr"),
    ],
)
def test_every_language_renders_with_its_direction(lang: str, direction: str) -> None:
    html = with_language(lang).get("/login/").content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_manifest_is_localized(settings: Any) -> None:
    manifest = json.loads(with_language("ar").get("/manifest.json").content)
    assert manifest["lang"] == "ar"
    assert manifest["dir"] == "rtl"
    assert manifest["name"] != "Inburgering portal"  # translated
    assert manifest["start_url"] == "/"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))


def test_service_worker_is_served_at_root_with_its_release(settings: Any) -> None:
    settings.RELEASE = "2026.11-test"
    response = Client().get("/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'const RELEASE = "2026.11-test";' in body
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))  # type: ignore[union-attr]
    assert precache == release.precache_urls()
    assert "/offline/" in precache
    settings.RELEASE = "2026.12-test"
    assert 'const RELEASE = "2026.12-test";' in Client().get("/sw.js").content.decode()


def test_default_release_follows_the_shell_files(settings: Any) -> None:
    settings.RELEASE = ""
    assert re.fullmatch(r"[\w.]+-[0-9a-f]{12}", release.release())


def test_the_precached_shell_stays_within_250_kib() -> None:
    total = len(Client().get("/offline/").content)
    for name in release.SHELL_STATIC_FILES:
        with open(finders.find(name), "rb") as handle:  # type: ignore[arg-type]
            total += len(handle.read())
    assert total <= 250 * 1024


def test_offline_page_is_localized() -> None:
    html = with_language("fa").get("/offline/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "You are offline" not in html


def test_pages_carry_a_strict_csp_with_a_nonce_on_each_script() -> None:
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)


def test_logout_clears_caches_and_storage(learner: LearnerProfile, signed_in: Callable) -> None:
    response = signed_in(learner.user).post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_pages_with_secrets_are_never_cached(case_manager: Any) -> None:
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": "tb.an", "password": "correct-horse-battery"}
    )
    response = client.get(reverse("accounts:second_factor"))
    assert "no-store" in response["Cache-Control"]
