"""Demo participation for ``manage.py demo_data``: Leuven's offer, buddies, a few hours."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from learner.participation import services
from learner.participation.models import Activity, ActivityKind
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User


def demo_participation(*, learners: dict[str, LearnerProfile], staff: dict[str, User]) -> None:
    """Idempotent: nothing happens once the coordinator has published anything."""
    coordinator = staff["coord.leuven"]
    municipality_id = coordinator.municipality_id
    if municipality_id is None or Activity.objects.filter(municipality_id=municipality_id).exists():
        return
    host = services.host_create(
        actor=coordinator, name="Vrijwilligerspunt Leuven", address="Ladeuzeplein 21, Leuven"
    )
    buddy_project = services.activity_publish(
        actor=coordinator,
        kind=ActivityKind.BUDDY,
        title="Buddy project Leuven",
        description="Meet your buddy every week: a walk, a coffee, the market.",
        host=host,
    )
    language = services.activity_publish(
        actor=coordinator,
        kind=ActivityKind.LANGUAGE,
        title="Taalstage in the city library",
        description="Help at the reading table and practise Dutch.",
    )
    leuven = [p for p in learners.values() if p.municipality_id == municipality_id]
    for profile in leuven:
        services.contact_link(
            actor=coordinator, learner=profile, contact=staff["buddy.jan"], activity=buddy_project
        )
        services.contact_link(
            actor=coordinator, learner=profile, contact=staff["buddy.fatima"], activity=language
        )
    amal = learners.get("INB-2026-0001")
    if amal is None:
        return
    today = timezone.localdate()
    entries = [
        services.hours_log(
            learner=amal,
            activity_id=buddy_project.pk,
            day=today - timedelta(days=days_ago),
            minutes=minutes,
            note=note,
            client_uuid=uuid.uuid4(),
            client_time=timezone.now(),
        )
        for days_ago, minutes, note in (
            (21, 120, "Market and coffee"),
            (14, 90, "Walk along the Dijle"),
            (3, 120, "Visit to the town hall"),
        )
    ]
    services.hours_decide(
        contact=staff["buddy.jan"], entry_ids=[e.pk for e in entries[:2]], confirm=True
    )
