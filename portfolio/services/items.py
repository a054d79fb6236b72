"""The learner's own items and the recognition tracker of their diplomas.

Derived items (``certified``, with a ``source_key``) belong to the facts: these services refuse
to change or remove them; ``portfolio_sync_derived`` keeps them in step instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.profiles.models import LearnerProfile
from learner.trajectory.services.refresh import lock
from portal.accounts.models import User
from portal.events.services import event_record
from portfolio import rules
from portfolio.models import Item, Kind, Origin, Recognition, RecognitionStep
from portfolio.services.files import attachment_store, attachments_forget

# Fields of an item the learner writes.
EDITABLE = ("title", "description", "origin", "place", "started_on", "ended_on")
# Kinds only the portal writes (from confirmed hours).
DERIVED_ONLY_KINDS = frozenset({Kind.PARTICIPATION})


def _check_owner(item: Item, actor: User) -> None:
    if item.learner.user_id != actor.pk:
        raise PermissionDenied
    if item.derived:
        raise PermissionDenied(_("This item comes from your dossier and cannot be changed."))


def _payload(item: Item) -> dict[str, Any]:
    # For the event log and the back office: which item and what kind, never its content.
    return {"item": item.pk, "kind": item.kind}


def _clean_fields(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: fields.get(name) for name in EDITABLE}
    cleaned["title"] = (cleaned["title"] or "").strip()
    cleaned["description"] = (cleaned["description"] or "").strip()
    cleaned["place"] = (cleaned["place"] or "").strip()
    cleaned["origin"] = cleaned["origin"] or ""
    if kind != Kind.COMPETENCE:
        cleaned["origin"] = ""
    elif cleaned["origin"] not in Origin.values:
        raise ValidationError({"origin": _("Say where you gained this competence.")})
    return cleaned


def item_add(
    *,
    learner: LearnerProfile,
    actor: User,
    kind: str,
    fields: dict[str, Any],
    client_uuid: UUID | None = None,
    upload: File | None = None,
    today: date | None = None,
) -> Item:
    """A new item of the learner's own, with a first file if ``upload`` is given.

    Only the learner adds to their portfolio (``PermissionDenied`` otherwise); participation
    items come from confirmed hours only. A form sent twice (same ``client_uuid``) adds one
    item. The file is checked before anything is written, so a refused file leaves nothing
    (``ImageRefused``, ``AudioRefused``, ``PdfRefused`` or ``QuotaExceeded``). A diploma starts
    its recognition tracker. Emits ``portfolio.item.added``.
    """
    if learner.user_id != actor.pk:
        raise PermissionDenied
    if kind not in Kind.values or kind in DERIVED_ONLY_KINDS:
        raise ValidationError({"kind": _("Choose what kind of item this is.")})
    if client_uuid is not None:
        existing = Item.objects.filter(learner=learner, client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    cleaned = _clean_fields(kind, fields)
    now = timezone.now()
    with transaction.atomic():
        learner = lock(learner)
        item = Item(learner=learner, kind=kind, client_uuid=client_uuid, **cleaned)
        item.created_at = item.updated_at = now
        item.full_clean()
        _check_dates(item, today)
        item.save()
        if kind == Kind.DIPLOMA:
            Recognition.objects.create(item=item, updated_at=now)
        if upload is not None:
            attachment_store(item=item, upload=upload, actor=actor, locked=True)
        event_record(
            code="portfolio.item.added",
            actor=actor,
            learner=learner.user,
            payload=_payload(item),
        )
    return item


def _check_dates(item: Item, today: date | None) -> None:
    today = today or timezone.localdate()
    if item.started_on and item.ended_on and item.ended_on < item.started_on:
        raise ValidationError({"ended_on": _("The end must be after the start.")})
    if item.started_on and item.started_on > today:
        raise ValidationError({"started_on": _("This date is in the future.")})


def item_change(
    *,
    item: Item,
    actor: User,
    fields: dict[str, Any],
    today: date | None = None,
) -> Item:
    """Change the learner's own item. Refuses derived items and anyone but the owner
    (``PermissionDenied``). Emits ``portfolio.item.changed``."""
    _check_owner(item, actor)
    cleaned = _clean_fields(item.kind, fields)
    with transaction.atomic():
        lock(item.learner)
        for name, value in cleaned.items():
            setattr(item, name, value)
        item.updated_at = timezone.now()
        item.full_clean()
        _check_dates(item, today)
        item.save()
        event_record(
            code="portfolio.item.changed",
            actor=actor,
            learner=item.learner.user,
            payload=_payload(item),
        )
    return item


def item_remove(*, item: Item, actor: User) -> None:
    """Remove the learner's own item with its files (deleted once the removal commits).

    Refuses derived items and anyone but the owner. Emits ``portfolio.item.removed``.
    """
    _check_owner(item, actor)
    with transaction.atomic():
        lock(item.learner)
        payload = _payload(item)
        attachments_forget(list(item.attachments.all()))
        Recognition.objects.filter(item=item).delete()
        item.delete()
        event_record(
            code="portfolio.item.removed",
            actor=actor,
            learner=item.learner.user,
            payload=payload,
        )


def recognition_update(
    *,
    recognition: Recognition,
    actor: User,
    step: str,
    checklist: dict[str, bool],
    submitted_on: date | None,
    acknowledged_on: date | None,
    decided_on: date | None,
    decision: str,
    today: date | None = None,
) -> Recognition:
    """Move the diploma's recognition tracker: the learner's own word, checked by the rules.

    Each step needs its date (sent, receipt confirmed, decision with its outcome); dates are
    not in the future and follow each other. Raises ``ValidationError`` per field otherwise.
    Emits ``portfolio.recognition.changed`` (the step only).
    """
    item = recognition.item
    if item.learner.user_id != actor.pk:
        raise PermissionDenied
    if step not in RecognitionStep.values:
        raise ValidationError({"step": _("Choose a step.")})
    reached = rules.STEPS.index(step)
    # Dates of steps not reached yet are not kept (moving back clears them).
    if reached < rules.STEPS.index("submitted"):
        submitted_on = None
    if reached < rules.STEPS.index("acknowledged"):
        acknowledged_on = None
    if reached < rules.STEPS.index("decided"):
        decided_on, decision = None, ""
    problems = rules.recognition_problems(
        step=step,
        submitted_on=submitted_on,
        acknowledged_on=acknowledged_on,
        decided_on=decided_on,
        decision=decision,
        today=today or timezone.localdate(),
    )
    if problems:
        messages = {
            "required": _("Fill this in for this step."),
            "future": _("This date is in the future."),
            "order": _("This date is before the step it follows."),
        }
        raise ValidationError({field: messages[code] for field, code in problems.items()})
    with transaction.atomic():
        lock(item.learner)
        recognition.step = step
        recognition.checklist = rules.checklist_clean(checklist)
        recognition.submitted_on = submitted_on
        recognition.acknowledged_on = acknowledged_on
        recognition.decided_on = decided_on
        recognition.decision = decision
        recognition.updated_at = timezone.now()
        recognition.full_clean()
        recognition.save()
        event_record(
            code="portfolio.recognition.changed",
            actor=actor,
            learner=item.learner.user,
            payload={"item": item.pk, "step": step},
        )
    return recognition
