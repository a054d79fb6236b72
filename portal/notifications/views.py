"""The person's own messages: list, and mark as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.accounts.models import User
from portal.notifications import selectors, services
from portal.notifications.messages import notification_text

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
