"""What the "reminders on this phone" switch needs in a page (notifications/_push_toggle.html)."""

from __future__ import annotations

from django import template

from portal.notifications import push

register = template.Library()


@register.simple_tag
def push_application_server_key() -> str:
    """The portal's VAPID public key for ``pushManager.subscribe``; no query, read once."""
    return push.application_server_key()
