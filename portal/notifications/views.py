"""The person's own messages: list, and mark as read; this phone's Web Push subscription."""

from __future__ import annotations

import json
import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.models import User
from portal.notifications import push, selectors, services
from portal.notifications.messages import notification_text
from portal.shell.throttling import PushThrottle, too_many_message

PAGE_SIZE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = Paginator(selectors.notifications_for(user=user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [(item, notification_text(item.code, item.params)) for item in page]
    return render(request, "notifications/list.html", {"page": page, "items": items})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    return redirect("notifications:list")


def _json_object(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _refused(messages: list[str]) -> JsonResponse:
    return JsonResponse({"errors": messages}, status=400)


def _too_many(request: HttpRequest) -> JsonResponse | None:
    """A 429 once the person changed their subscriptions too often, counting this request."""
    throttle = PushThrottle(request.user)  # type: ignore[arg-type]
    if throttle.allow():
        return None
    wait = throttle.wait()
    response = JsonResponse({"errors": [too_many_message(wait)]}, status=429)
    response["Retry-After"] = str(math.ceil(wait or 60))
    return response


@require_POST
@login_required
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """This browser's push subscription as the browser gives it: ``{endpoint, keys}``."""
    if refused := _too_many(request):
        return refused
    body = _json_object(request) or {}
    keys = body.get("keys")
    if not isinstance(keys, dict):
        keys = {}
    endpoint, p256dh, auth = body.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    if not (isinstance(endpoint, str) and isinstance(p256dh, str) and isinstance(auth, str)):
        return _refused([_("Send this browser's push subscription: its address and keys.")])
    try:
        push.push_subscribe(
            user=request.user,  # type: ignore[arg-type]
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
        )
    except ValidationError as error:
        return _refused(error.messages)
    return JsonResponse({"status": "subscribed"})


@require_POST
@login_required
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    """Forget this browser's subscription (``{endpoint}``); the same again changes nothing."""
    if refused := _too_many(request):
        return refused
    endpoint = (_json_object(request) or {}).get("endpoint")
    if not isinstance(endpoint, str) or not endpoint.strip():
        return _refused([_("Send this browser's push address.")])
    push.push_unsubscribe(user=request.user, endpoint=endpoint)  # type: ignore[arg-type]
    return JsonResponse({"status": "unsubscribed"})
