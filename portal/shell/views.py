"""The shell: the home screen every role lands on, and a health probe."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from learner.profiles import selectors as profile_selectors
from portal.accounts.models import Role, User


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user: User = request.user
    if user.role == Role.LEARNER:
        profile = profile_selectors.own_profile(user=user)
        return render(
            request,
            "shell/home_learner.html",
            {
                "profile": profile,
                "case_manager": profile_selectors.case_manager_of(profile) if profile else None,
            },
        )
    return render(
        request,
        "shell/home_staff.html",
        {
            "sees_learners": user.role in {Role.CASE_MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR},
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
