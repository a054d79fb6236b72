"""Reads of pillar 4, scoped to who asks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from learner.participation.models import (
    OPEN_STATUSES,
    Activity,
    ActivityKind,
    ActivityStatus,
    ContactLink,
    Decision,
    HourEntry,
)
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User


def activities_open_to(learner: LearnerProfile) -> QuerySet[Activity]:
    """What the learner may log hours on: their municipality's offer and their approved own."""
    offer = Q(
        municipality_id=learner.municipality_id, status__in=OPEN_STATUSES, proposed_by__isnull=True
    )
    own = Q(proposed_by=learner, status=ActivityStatus.APPROVED)
    return Activity.objects.filter(offer | own).select_related("host")


def proposals_of(learner: LearnerProfile) -> QuerySet[Activity]:
    return Activity.objects.filter(proposed_by=learner, kind=ActivityKind.SELF_CHOSEN).order_by(
        "-created_at"
    )


def entries_of(learner: LearnerProfile) -> QuerySet[HourEntry]:
    """The learner's own entries, newest day first, with their answer and correction."""
    return (
        HourEntry.objects.filter(learner=learner)
        .select_related("activity", "confirmation", "superseded_by")
        .order_by("-day", "-id")
    )


@dataclass(frozen=True)
class Summary:
    confirmed_minutes: int
    waiting_minutes: int
    refused_minutes: int


def summary_of(entries: Iterable[HourEntry]) -> Summary:
    """Minutes per state, counting only entries no correction replaced."""
    confirmed = waiting = refused = 0
    for entry in entries:
        if hasattr(entry, "superseded_by"):
            continue
        answer = getattr(entry, "confirmation", None)
        if answer is None:
            waiting += entry.minutes
        elif answer.decision == Decision.CONFIRMED:
            confirmed += entry.minutes
        else:
            refused += entry.minutes
    return Summary(confirmed, waiting, refused)


def waiting_for(contact: User) -> QuerySet[HourEntry]:
    """Entries this buddy or host contact may decide: their linked learners and activities."""
    if contact.role != Role.BUDDY or not contact.is_active:
        return HourEntry.objects.none()
    links = ContactLink.objects.filter(contact=contact, ended_at__isnull=True)
    pairs = Q(pk__in=[])
    for learner_id, activity_id in links.values_list("learner_id", "activity_id"):
        pairs |= Q(learner_id=learner_id, activity_id=activity_id)
    return (
        HourEntry.objects.filter(pairs)
        .filter(confirmation__isnull=True, superseded_by__isnull=True)
        .exclude(learner__user=contact)
        .select_related("learner__user", "activity")
        .order_by("day", "id")
    )


def confirmed_hours(learner_ids: list[int]) -> dict[int, list[tuple[object, Decimal]]]:
    """(day of confirmation, hours) of each counting entry, per learner, for the rules.

    A pillar is met on the day the confirmation that completed it was given.
    """
    found: dict[int, list[tuple[object, Decimal]]] = {}
    entries = (
        HourEntry.objects.filter(
            learner_id__in=learner_ids,
            confirmation__decision=Decision.CONFIRMED,
            superseded_by__isnull=True,
        )
        .values_list("learner_id", "minutes", "confirmation__decided_at")
        .order_by("confirmation__decided_at", "id")
    )
    for learner_id, minutes, decided_at in entries:
        day = timezone.localdate(decided_at)
        found.setdefault(learner_id, []).append((day, Decimal(minutes) / 60))
    return found


def coordinator_scope(user: User) -> QuerySet[Activity]:
    """The coordinator's municipality's activities (nothing for anyone else)."""
    if user.role != Role.COORDINATOR or user.municipality_id is None:
        return Activity.objects.none()
    return Activity.objects.filter(municipality_id=user.municipality_id).select_related(
        "host", "proposed_by__user"
    )


def links_for(coordinator: User) -> QuerySet[ContactLink]:
    """Open links of the coordinator's municipality's activities."""
    if coordinator.role != Role.COORDINATOR or coordinator.municipality_id is None:
        return ContactLink.objects.none()
    return ContactLink.objects.filter(
        activity__municipality_id=coordinator.municipality_id, ended_at__isnull=True
    ).select_related("learner__user", "contact", "activity")


def confirmed_entries(learner: LearnerProfile) -> QuerySet[HourEntry]:
    """The entries that count (confirmed, not corrected), oldest first, for the proof."""
    return (
        HourEntry.objects.filter(
            learner=learner, confirmation__decision=Decision.CONFIRMED, superseded_by__isnull=True
        )
        .select_related("activity__host", "confirmation__decided_by")
        .order_by("day", "id")
    )


def linked_to(contact: User) -> dict[str, dict[str, str]]:
    """Whom and what a buddy may confirm, for reading codes on their phone offline."""
    if contact.role != Role.BUDDY or not contact.is_active:
        return {"learners": {}, "activities": {}}
    links = ContactLink.objects.filter(contact=contact, ended_at__isnull=True).select_related(
        "learner__user", "activity"
    )
    return {
        "learners": {link.learner.user.username: link.learner.user.display_name for link in links},
        "activities": {str(link.activity_id): link.activity.title for link in links},
    }
