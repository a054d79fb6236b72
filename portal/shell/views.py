"""The shell: first screen, language picker, home, offline page, service worker, health probe."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from portal.accounts import services as account_services
from portal.accounts.models import Role, User
from portal.shell import release
from portal.shell.home import dossier_block
from portal.shell.language import remember_language


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # The very first screen on a new device is the language picker.
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            return redirect(f"{reverse('shell:language')}?next={reverse('accounts:login')}")
        return redirect("accounts:login")
    user: User = request.user
    if user.role == Role.LEARNER:
        return render(
            request, "shell/home_learner.html", {"dossier_block": dossier_block(user=user)}
        )
    return render(
        request,
        "shell/home_staff.html",
        {
            "sees_learners": user.role in {Role.CASE_MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR},
            "edits_rule_sets": user.role == Role.AGENCY_ADMIN,
            "coordinates": user.role == Role.COORDINATOR,
            "keeps_agenda": user.role in {Role.CASE_MANAGER, Role.AGENCY_ADMIN},
            "confirms_hours": user.role == Role.BUDDY,
            "teaches": user.role == Role.TEACHER,
        },
    )


def language(request: HttpRequest) -> HttpResponse:
    """Pick a language: each in its own name and script. Remembered on the device and account."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("shell:home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("shell:home")
    choices = [(code, settings.LANGUAGE_NATIVE_NAMES[code]) for code, _name in settings.LANGUAGES]
    chosen = request.POST.get("language", "")
    if request.method == "POST" and chosen in settings.LANGUAGE_NATIVE_NAMES:
        if request.user.is_authenticated:
            account_services.user_language_set(user=request.user, language=chosen)
        return remember_language(redirect(next_url), chosen)
    return render(
        request,
        "shell/language.html",
        {"choices": choices, "next": next_url, "bidi": set(settings.LANGUAGES_BIDI)},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@cache_control(no_cache=True)
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page is neither reachable nor cached."""
    return render(request, "shell/offline.html")


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Our own worker at root scope, with the release in its cache names and the shell's URLs.

    ``no-cache`` makes browsers check for a new worker on every visit.
    """
    source = release.SERVICE_WORKER_SOURCE.read_text(encoding="utf-8")
    body = source.replace('"__RELEASE__"', json.dumps(release.release())).replace(
        '"__PRECACHE__"', json.dumps(release.precache_urls())
    )
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
