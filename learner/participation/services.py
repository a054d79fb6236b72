"""Writes of pillar 4: activities, links, hour entries and their confirmation.

Every service checks who may do it (fail closed), writes in one transaction, logs its events,
and recomputes the learner's trajectory when confirmed hours change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.participation.models import (
    OPEN_STATUSES,
    Activity,
    ActivityKind,
    ActivityStatus,
    Confirmation,
    ContactLink,
    Decision,
    HostOrganisation,
    HourEntry,
    Via,
)
from learner.profiles.models import LearnerProfile
from learner.trajectory.services.refresh import lock, trajectory_refresh
from portal.accounts.models import Role, User
from portal.events.services import event_record

# How far back a learner may log hours (a paper form from last month; not last year).
MAX_AGE_DAYS = 120


def _coordinator(actor: User) -> int:
    """The coordinator's municipality; anyone else is refused."""
    if actor.role != Role.COORDINATOR or actor.municipality_id is None:
        raise ValidationError(
            _("Only the participation coordinator of a municipality can do this.")
        )
    return actor.municipality_id


def host_create(*, actor: User, name: str, address: str = "") -> HostOrganisation:
    """A host organisation in the coordinator's municipality."""
    municipality_id = _coordinator(actor)
    host = HostOrganisation(
        municipality_id=municipality_id, name=name, address=address, created_by=actor
    )
    host.full_clean()
    host.save()
    return host


def activity_publish(
    *,
    actor: User,
    kind: ActivityKind,
    title: str,
    description: str = "",
    host: HostOrganisation | None = None,
) -> Activity:
    """An activity learners of the coordinator's municipality can log hours on.

    Emits ``participation.activity.published``.
    """
    municipality_id = _coordinator(actor)
    if host is not None and host.municipality_id != municipality_id:
        raise ValidationError({"host": _("This host is in another municipality.")})
    with transaction.atomic():
        activity = Activity(
            municipality_id=municipality_id,
            kind=kind,
            title=title,
            description=description,
            host=host,
            status=ActivityStatus.PUBLISHED,
        )
        activity.full_clean()
        activity.save()
        event_record(
            code="participation.activity.published",
            actor=actor,
            agency=actor.agency,
            payload={"activity": activity.pk, "kind": kind},
        )
    return activity


def activity_propose(*, learner: LearnerProfile, title: str, description: str) -> Activity:
    """A learner's own activity, for the coordinator to approve.

    Emits ``participation.activity.proposed``.
    """
    with transaction.atomic():
        activity = Activity(
            municipality_id=learner.municipality_id,
            kind=ActivityKind.SELF_CHOSEN,
            title=title,
            description=description,
            status=ActivityStatus.PROPOSED,
            proposed_by=learner,
        )
        activity.full_clean()
        activity.save()
        event_record(
            code="participation.activity.proposed",
            actor=learner.user,
            learner=learner.user,
            payload={"activity": activity.pk},
        )
    return activity


def activity_decide(
    *, actor: User, activity: Activity, approve: bool, reason: str = ""
) -> Activity:
    """Approve or refuse a proposed activity. Emits ``participation.activity.decided``."""
    _coordinator(actor)
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.municipality_id != actor.municipality_id:
            raise ValidationError(_("This activity is in another municipality."))
        if activity.status != ActivityStatus.PROPOSED:
            raise ValidationError(_("This proposal has an answer already."))
        if not approve and not reason.strip():
            raise ValidationError({"reason": _("Say why, so the learner can choose again.")})
        activity.status = ActivityStatus.APPROVED if approve else ActivityStatus.REFUSED
        activity.refusal_reason = "" if approve else reason.strip()
        activity.decided_by = actor
        activity.decided_at = timezone.now()
        activity.save()
        learner = activity.proposed_by
        event_record(
            code="participation.activity.decided",
            actor=actor,
            learner=learner.user if learner else None,
            agency=actor.agency,
            payload={"activity": activity.pk, "status": activity.status},
        )
    return activity


def contact_link(
    *, actor: User, learner: LearnerProfile, contact: User, activity: Activity
) -> ContactLink:
    """Let ``contact`` (a buddy or host contact) confirm ``learner``'s hours of ``activity``.

    Emits ``participation.contact.linked``.
    """
    _coordinator(actor)
    if learner.municipality_id != actor.municipality_id:
        raise ValidationError(_("This learner lives in another municipality."))
    if contact.role != Role.BUDDY or not contact.is_active:
        raise ValidationError({"contact": _("Choose an active buddy or host contact.")})
    if activity.municipality_id != actor.municipality_id or activity.status not in OPEN_STATUSES:
        raise ValidationError({"activity": _("Choose an open activity of your municipality.")})
    with transaction.atomic():
        link, created = ContactLink.objects.get_or_create(
            learner=learner,
            contact=contact,
            activity=activity,
            ended_at=None,
            defaults={"created_by": actor},
        )
        if created:
            event_record(
                code="participation.contact.linked",
                actor=actor,
                learner=learner.user,
                agency=learner.agency,
                payload={"activity": activity.pk, "contact": contact.username},
            )
    return link


def hours_log(
    *,
    learner: LearnerProfile,
    activity_id: int,
    day: date,
    minutes: int,
    note: str,
    client_uuid: UUID,
    client_time: datetime,
    supersedes_id: int | None = None,
) -> HourEntry:
    """Log hours (or correct an entry: the new one supersedes it). Append-only.

    The activity must be open to this learner: published in their municipality, or their own
    approved proposal. Emits ``participation.hours.logged`` (the linked contacts hear of it).
    """
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"day": _("Hours can only be logged for today or earlier.")})
    if day < today - timedelta(days=MAX_AGE_DAYS):
        raise ValidationError({"day": _("This day is too long ago; ask your case manager.")})
    with transaction.atomic():
        learner = lock(learner)
        activity = (
            Activity.objects.filter(pk=activity_id, status__in=OPEN_STATUSES)
            .filter(municipality_id=learner.municipality_id)
            .exclude(kind=ActivityKind.SELF_CHOSEN, proposed_by__isnull=False)
            .first()
        ) or Activity.objects.filter(
            pk=activity_id, status=ActivityStatus.APPROVED, proposed_by=learner
        ).first()
        if activity is None:
            raise ValidationError({"activity": _("Choose one of your activities.")})
        supersedes = None
        if supersedes_id is not None:
            supersedes = (
                HourEntry.objects.select_for_update()
                .filter(pk=supersedes_id, learner=learner)
                .first()
            )
            if supersedes is None:
                raise ValidationError(_("There is no such entry of yours to correct."))
            if HourEntry.objects.filter(supersedes=supersedes).exists():
                raise ValidationError(_("This entry was corrected already."))
        entry = HourEntry(
            learner=learner,
            activity=activity,
            day=day,
            minutes=minutes,
            note=note.strip(),
            client_uuid=client_uuid,
            client_time=client_time,
            supersedes=supersedes,
        )
        entry.full_clean(validate_unique=False)  # client_uuid: the database refuses a twin
        entry.save()
        event_record(
            code="participation.hours.logged",
            actor=learner.user,
            learner=learner.user,
            payload={
                "entry": entry.pk,
                "activity": activity.pk,
                "day": day,
                "minutes": minutes,
                "supersedes": supersedes.pk if supersedes else None,
            },
        )
        if supersedes is not None and hasattr(supersedes, "confirmation"):
            # Confirmed hours that are corrected stop counting until the new entry is confirmed.
            trajectory_refresh(learner=learner, actor=learner.user)
    return entry


def hours_decide(
    *,
    contact: User,
    entry_ids: list[int],
    confirm: bool,
    reason: str = "",
    via: Via = Via.APP,
    evidence: dict[str, Any] | None = None,
) -> list[Confirmation]:
    """Confirm or refuse entries of learners linked to ``contact`` for those activities.

    All or nothing: one entry ``contact`` may not decide refuses the whole call. Nobody decides
    their own hours. Emits ``participation.hours.confirmed`` / ``.refused`` per entry and one
    ``participation.hours.decided`` per learner (their notification).
    """
    if contact.role != Role.BUDDY or not contact.is_active:
        raise ValidationError(_("Only a linked buddy or host contact can confirm hours."))
    if not confirm and not reason.strip():
        raise ValidationError({"reason": _("Say why, so the learner can correct it.")})
    if not entry_ids:
        raise ValidationError(_("Choose at least one entry."))
    now = timezone.now()
    with transaction.atomic():
        entries = list(
            HourEntry.objects.filter(pk__in=set(entry_ids))
            .select_related("learner__user", "learner__agency", "activity")
            .order_by("learner_id", "id")
        )
        learners = {entry.learner_id: entry.learner for entry in entries}
        locked = {pk: lock(profile) for pk, profile in sorted(learners.items())}
        linked = set(
            ContactLink.objects.filter(
                contact=contact, ended_at__isnull=True, learner_id__in=locked
            ).values_list("learner_id", "activity_id")
        )
        decided = set(
            Confirmation.objects.filter(entry__in=entries).values_list("entry_id", flat=True)
        )
        superseded = set(
            HourEntry.objects.filter(supersedes__in=entries).values_list("supersedes_id", flat=True)
        )
        if len(entries) != len(set(entry_ids)) or any(
            (e.learner_id, e.activity_id) not in linked or e.learner.user_id == contact.pk
            for e in entries
        ):
            # Not "not yours": the same answer as for an entry that does not exist.
            raise ValidationError(_("One of these entries is not yours to confirm."), code="scope")
        if decided & {e.pk for e in entries} or superseded & {e.pk for e in entries}:
            raise ValidationError(
                _("One of these entries was decided or corrected meanwhile."), code="conflict"
            )
        decision = Decision.CONFIRMED if confirm else Decision.REFUSED
        confirmations = Confirmation.objects.bulk_create(
            Confirmation(
                entry=entry,
                decision=decision,
                reason="" if confirm else reason.strip(),
                decided_by=contact,
                decided_at=now,
                via=via,
                evidence=evidence or {},
            )
            for entry in entries
        )
        for entry in entries:
            event_record(
                code=f"participation.hours.{decision}",
                actor=contact,
                learner=entry.learner.user,
                agency=entry.learner.agency,
                payload={
                    "entry": entry.pk,
                    "activity": entry.activity_id,
                    "day": entry.day,
                    "minutes": entry.minutes,
                    "via": via,
                },
            )
        for profile in locked.values():
            count = sum(1 for e in entries if e.learner_id == profile.pk)
            event_record(
                code="participation.hours.decided",
                actor=contact,
                learner=profile.user,
                agency=profile.agency,
                payload={"decision": decision, "count": count},
            )
            if confirm:
                trajectory_refresh(learner=profile, actor=contact)
    return confirmations
