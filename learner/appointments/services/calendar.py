"""The learner's personal calendar feed: a secret address their calendar app subscribes to."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from learner.appointments.models import CalendarFeed
from learner.profiles.models import LearnerProfile
from portal.events.services import event_record


@transaction.atomic
def calendar_feed_renew(*, learner: LearnerProfile) -> CalendarFeed:
    """Make the feed's address, or a new one: the old address stops working at once (one row
    per learner, its token replaced). Emits ``appointments.calendar.renewed`` (without the
    token: the event log reaches the back office)."""
    feed, _created = CalendarFeed.objects.update_or_create(
        learner=learner,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    event_record(
        code="appointments.calendar.renewed",
        actor=learner.user,
        learner=learner.user,
        agency=learner.agency,
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, learner: LearnerProfile) -> None:
    """Stop the feed: its address answers "not found" from now on. Stopping a feed that does
    not exist changes nothing and records nothing. Emits ``appointments.calendar.revoked``."""
    deleted, _per_model = CalendarFeed.objects.filter(learner=learner).delete()
    if deleted:
        event_record(
            code="appointments.calendar.revoked",
            actor=learner.user,
            learner=learner.user,
            agency=learner.agency,
        )
