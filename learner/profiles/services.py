"""Writes about learner profiles and caseloads."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.profiles.models import (
    CaseloadAssignment,
    Employment,
    LearnerProfile,
    Literacy,
    Obligation,
    Perspective,
)
from portal.accounts.models import Agency, Municipality, Role, User
from portal.events.services import event_record


def learner_register(
    *,
    agency: Agency,
    dossier_number: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
    spoken_languages: list[str],
    literacy: Literacy,
    municipality: Municipality,
    obligation: Obligation,
    employment: Employment,
    perspective: Perspective = Perspective.UNDETERMINED,
    birth_date: date | None = None,
    backoffice_updated_at: datetime | None = None,
    actor: User | None = None,
) -> LearnerProfile:
    """Create a learner's account (not yet activated) and dossier header.

    The account has no usable secret: the learner chooses a PIN or password with the activation
    code their case manager prints. Emits ``profiles.learner.registered``.
    """
    with transaction.atomic():
        user = User(
            username=dossier_number,
            role=Role.LEARNER,
            first_name=first_name,
            last_name=last_name,
            agency=agency,
            preferred_language=preferred_language,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        profile = LearnerProfile(
            user=user,
            agency=agency,
            dossier_number=dossier_number,
            spoken_languages=spoken_languages,
            literacy=literacy,
            municipality=municipality,
            obligation=obligation,
            employment=employment,
            perspective=perspective,
            birth_date=birth_date,
            backoffice_updated_at=backoffice_updated_at or timezone.now(),
        )
        profile.full_clean()
        profile.save()
        event_record(
            code="profiles.learner.registered",
            actor=actor,
            learner=user,
            agency=agency,
            payload={"dossier_number": dossier_number},
        )
    return profile


def caseload_assign(
    *, learner: LearnerProfile, case_manager: User, actor: User | None
) -> CaseloadAssignment:
    """Make ``case_manager`` the one following ``learner`` from now on.

    Locks the learner's profile so concurrent reassignments queue; the open assignment (if any)
    ends at the same instant. Emits ``profiles.caseload.assigned``.
    """
    if case_manager.role != Role.CASE_MANAGER or not case_manager.is_active:
        raise ValidationError(_("Only an active case manager can follow a learner."))
    if case_manager.agency_id != learner.agency_id:
        raise ValidationError(_("The case manager works for another agency."))
    now = timezone.now()
    with transaction.atomic():
        LearnerProfile.objects.select_for_update().get(pk=learner.pk)
        current = CaseloadAssignment.objects.filter(learner=learner, ended_at=None).first()
        if current is not None and current.case_manager_id == case_manager.pk:
            return current
        if current is not None:
            current.ended_at = now
            current.save(update_fields=["ended_at"])
        assignment = CaseloadAssignment.objects.create(
            learner=learner, case_manager=case_manager, started_at=now
        )
        event_record(
            code="profiles.caseload.assigned",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={
                "case_manager": case_manager.username,
                "previous": current.case_manager.username if current else None,
            },
        )
    return assignment
