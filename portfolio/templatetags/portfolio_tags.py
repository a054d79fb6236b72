"""``{{ item|item_title }}`` and ``{{ size|megabytes }}`` for portfolio pages (and shared ones)."""

from __future__ import annotations

from django import template

from portal.accounts.models import Role
from portal.media.images import megabytes as _megabytes
from portfolio import presenters
from portfolio.models import Item

register = template.Library()


@register.filter
def item_title(item: Item) -> str:
    """The title in the reader's language (derived certificates are named by the portal)."""
    return presenters.item_title(item)


@register.filter
def megabytes(size: int) -> str:
    """Bytes as megabytes with one decimal at most: "12.3"."""
    return _megabytes(int(size or 0))


@register.filter
def access_label(what: str) -> str:
    return presenters.access_label(what)


@register.filter
def tracker_for(trackers: dict[int, presenters.Tracker], item_id: int) -> presenters.Tracker | None:
    return trackers.get(item_id) if trackers else None


@register.filter
def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role
