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


class VersionConflictError(Exception):
    """The back office sent an older version than the portal holds."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"The portal holds version {current_version}.")
        self.current_version = current_version


def learner_upsert_from_backoffice(
    *,
    agency: Agency,
    dossier_number: str,
    version: int,
    values: dict[str, object],
    case_manager: User | None = None,
) -> tuple[LearnerProfile, bool]:
    """Create or update a learner as the back office knows them; returns (profile, changed).

    The back office owns these fields; the portal never edits them on a screen. An older
    ``version`` raises ``VersionConflictError``, the same version changes nothing. Emits
    ``profiles.learner.registered`` or ``profiles.learner.updated``.
    """
    with transaction.atomic():
        profile = (
            LearnerProfile.objects.select_for_update()
            .select_related("user")
            .filter(dossier_number=dossier_number)
            .first()
        )
        if profile is not None and profile.agency_id != agency.pk:
            # Another agency's learner: the same answer as an unknown one would leak existence.
            raise ValidationError(_("This dossier number belongs to another agency."))
        if profile is None:
            profile = learner_register(
                agency=agency,
                dossier_number=dossier_number,
                first_name=str(values["first_name"]),
                last_name=str(values["last_name"]),
                preferred_language=str(values["preferred_language"]),
                spoken_languages=list(values.get("spoken_languages") or []),  # type: ignore[call-overload]
                literacy=values["literacy"],  # type: ignore[arg-type]
                municipality=values["municipality"],  # type: ignore[arg-type]
                obligation=values["obligation"],  # type: ignore[arg-type]
                employment=values["employment"],  # type: ignore[arg-type]
                perspective=values.get("perspective") or Perspective.UNDETERMINED,  # type: ignore[arg-type]
                birth_date=values.get("birth_date"),  # type: ignore[arg-type]
            )
            LearnerProfile.objects.filter(pk=profile.pk).update(backoffice_version=version)
            profile.backoffice_version = version
        else:
            if version < profile.backoffice_version:
                raise VersionConflictError(profile.backoffice_version)
            if version == profile.backoffice_version:
                return profile, False
            for name in ("first_name", "last_name"):
                setattr(profile.user, name, values[name])
            profile.user.save(update_fields=["first_name", "last_name"])
            for name in (
                "spoken_languages",
                "literacy",
                "municipality",
                "obligation",
                "employment",
                "perspective",
                "birth_date",
            ):
                if name in values:
                    setattr(profile, name, values[name])
            profile.backoffice_version = version
            profile.backoffice_updated_at = timezone.now()
            profile.full_clean()
            profile.save()
            event_record(
                code="profiles.learner.updated",
                actor=None,
                learner=profile.user,
                agency=agency,
                payload={"dossier_number": dossier_number, "version": version},
            )
        if case_manager is not None:
            caseload_assign(learner=profile, case_manager=case_manager, actor=None)
    return profile, True
