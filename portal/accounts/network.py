"""Which address a request comes from, for the per-username-and-IP login lockout."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the header a trusted proxy overwrites when one is configured.

    Only the first address of a forwarded list is taken: the proxy appends, the client may not
    choose what comes after it, but a configured header is one the proxy sets whole.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get(header, "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR")
