"""The learner's home screen: their dossier at a glance, kept rendered in the cache between changes.

The home is the page every learner opens first and most often, and its dossier block costs three
queries and most of the page's rendering. It changes only when the dossier does, which moves the
learner's dossier version (``portal.events.versions``), or when time passes: the next appointment
ends, a new day begins. So the rendered block is kept per learner and language with the version it
was built at, until the earliest of those moments (and ``HOME_CACHE_SECONDS`` at most).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from learner.appointments import selectors as appointment_selectors
from learner.profiles import selectors as profile_selectors
from learner.trajectory import selectors as trajectory_selectors
from learner.trajectory.labels import DEADLINE
from portal.accounts.models import User
from portal.events.versions import dossier_version_start, version_key

TEMPLATE = "shell/_home_dossier.html"


def dossier_block(*, user: User) -> SafeString:
    """The signed-in learner's dossier block, rendered in the active language."""
    seconds = settings.HOME_CACHE_SECONDS
    if not seconds:
        return block_render(user)[0]
    block_key = f"home-dossier:{user.pk}:{get_language()}"
    # One round trip for both; the version is read before the database (see portal/events/versions).
    found = cache.get_many([version_key(user.pk), block_key])
    version = found.get(version_key(user.pk)) or dossier_version_start(user.pk)
    if not version:  # the cache did not answer: serve the page from the database
        return block_render(user)[0]
    kept = found.get(block_key)
    if kept is not None and kept[0] == version:
        return mark_safe(kept[1])  # noqa: S308 (our own template's output, stored as rendered)
    html, valid_until = block_render(user)
    timeout = min(seconds, int((valid_until - timezone.now()).total_seconds()))
    if timeout > 0:
        cache.set(block_key, (version, str(html)), timeout=timeout)
    return html


def block_render(user: User, *, now: datetime | None = None) -> tuple[SafeString, datetime]:
    """The block and the moment it goes out of date by time alone."""
    now = now or timezone.now()
    view = trajectory_selectors.own_view(user=user)
    profile = view.profile if view else None
    trajectory = view.trajectory if view else None
    next_deadline = trajectory.next_deadline if trajectory else None
    next_booking = appointment_selectors.next_booking(profile, now=now) if profile else None
    context: dict[str, Any] = {
        "profile": profile,
        "case_manager": profile_selectors.case_manager_of(profile) if profile else None,
        "trajectory": trajectory,
        "next_deadline": next_deadline,
        "next_deadline_label": DEADLINE[next_deadline.kind] if next_deadline else "",
        "next_booking": next_booking,
    }
    # Deadlines count in days: a new day can change what is next.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    valid_until = midnight + timedelta(days=1)
    if next_booking is not None:
        valid_until = min(valid_until, next_booking.slot.ends_at)
    return render_to_string(TEMPLATE, context), valid_until
