"""What every page of the shell needs: the unread count and the live-socket switch."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.notifications.selectors import unread_count_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "live_updates": False}
    # Unverified staff see only the second-factor step: no counts, no socket.
    verified = not user.is_staff_role or user.is_verified()
    return {
        "unread_notifications": unread_count_for(user=user) if verified else 0,
        "live_updates": verified,
    }
