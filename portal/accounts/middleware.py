"""Staff must pass their second factor before they see anything."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode


class SecondFactorRequiredMiddleware:
    """Fail closed: a signed-in staff member who has not passed TOTP is sent to that step.

    Only the second-factor step itself, logging out, language choice and static files stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_role
            and not user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            and not _is_open_path(request.path)
        ):
            target = reverse("accounts:second_factor")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


@cache
def _open_paths() -> tuple[str, ...]:
    # Reversed once per process, not on every staff request: the URLconf does not change.
    return (
        reverse("accounts:second_factor"),
        reverse("accounts:logout"),
        reverse("set_language"),
        reverse("shell:language"),
        reverse("shell:offline"),
        reverse("shell:service_worker"),
        reverse("shell:manifest"),
        reverse("shell:healthz"),
        settings.STATIC_URL,
    )


def _is_open_path(path: str) -> bool:
    return path.startswith(_open_paths())
