"""Rate limits beyond sign-in (django-axes guards that): DRF's throttles, one message for all.

The APIs use DRF's throttle classes (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`` and the
views' own). A write that also arrives from plain forms and the offline outbox (booking) counts in
a ``PersonRateThrottle``, the same cache-backed sliding window, keyed by the person instead of by
the request. Whoever is refused reads the sign-in lockout's words, in their language.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext, ngettext
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView, exception_handler

from portal.accounts.models import User


def too_many_message(wait_seconds: float | None) -> str:
    """ "Too many attempts. Wait N minutes and try again." (the lockout page's msgids)."""
    minutes = max(1, math.ceil((wait_seconds or 60) / 60))
    wait = ngettext(
        "Wait %(minutes)s minute and try again.",
        "Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    return f"{gettext('Too many attempts')}. {wait}"


class PersonRateThrottle(SimpleRateThrottle):
    """Requests of one person in ``scope`` (a rate in ``DEFAULT_THROTTLE_RATES``), wherever
    they come from: ``PersonRateThrottle(user).allow()``."""

    def __init__(self, user: User) -> None:
        self.user = user
        super().__init__()

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.user.pk}

    def allow(self) -> bool:
        """Count one request of the person; False past the rate (``wait()`` says how long)."""
        # The key depends on the person only, so no request or view is needed.
        return self.allow_request(None, None)  # type: ignore[arg-type]


class BookingThrottle(PersonRateThrottle):
    """Booking requests and moves of one learner (``PORTAL_BOOKING_RATE``): enough to change
    one's mind, not enough to hold a counsellor's week by a script."""

    scope = "booking"


class PushThrottle(PersonRateThrottle):
    """Web Push subscribes and unsubscribes of one person (``PORTAL_PUSH_RATE``): a phone does
    it once per sign-in; a loop would fill the subscription table and the push services."""

    scope = "push"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with the throttle refusal (429) in the person's language."""
    if isinstance(exc, Throttled):
        exc.detail = too_many_message(getattr(exc, "wait", None))  # type: ignore[assignment]
    return exception_handler(exc, context)
