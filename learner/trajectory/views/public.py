"""The one public page: does a proof-of-contract code belong to a contract valid today?"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learner.trajectory import selectors


@never_cache
@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Valid today: yes or no, and the day it was checked. Nothing about the person.

    An unknown or replaced code gets the same "not valid" page, with status 404.
    """
    valid = selectors.proof_valid_today(token=token)
    return render(
        request,
        "trajectory/verify.html",
        {"valid": valid, "today": timezone.localdate()},
        status=200 if valid is not None else 404,
    )
