"""Writes about learner profiles and caseloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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
from portal.events.models import Event
from portal.events.services import event_record, events_record


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
        user, profile = _learner_objects(
            agency=agency,
            dossier_number=dossier_number,
            first_name=first_name,
            last_name=last_name,
            preferred_language=preferred_language,
            spoken_languages=spoken_languages,
            literacy=literacy,
            municipality=municipality,
            obligation=obligation,
            employment=employment,
            perspective=perspective,
            birth_date=birth_date,
            backoffice_updated_at=backoffice_updated_at,
        )
        user.full_clean()
        user.save()
        profile.user = user
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


def _learner_objects(
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
    backoffice_version: int = 0,
) -> tuple[User, LearnerProfile]:
    user = User(
        username=dossier_number,
        role=Role.LEARNER,
        first_name=first_name,
        last_name=last_name,
        agency=agency,
        preferred_language=preferred_language,
    )
    user.set_unusable_password()
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
        backoffice_version=backoffice_version,
    )
    return user, profile


@dataclass
class NewLearner:
    """One learner the back office sends for the first time (``learners_register_many``)."""

    dossier_number: str
    version: int
    values: dict[str, Any]  # validated; ``municipality`` resolved
    case_manager: User | None = None
    profile: LearnerProfile | None = None  # set once created
    error: ValidationError | None = None


def learners_register_many(*, agency: Agency, learners: list[NewLearner]) -> None:
    """``learner_upsert_from_backoffice`` for many new learners: a few inserts for all of them.

    A learner whose fields do not validate gets ``error`` and is left out; the others are
    created. The database's own refusal (a taken username) raises ``IntegrityError``: the
    caller then falls back to one learner at a time. Emits ``profiles.learner.registered``.
    """
    now = timezone.now()
    valid: list[tuple[NewLearner, User, LearnerProfile]] = []
    for new in learners:
        values = dict(new.values)
        user, profile = _learner_objects(
            agency=agency,
            dossier_number=new.dossier_number,
            first_name=str(values.pop("first_name")),
            last_name=str(values.pop("last_name")),
            preferred_language=str(values.pop("preferred_language")),
            spoken_languages=list(values.pop("spoken_languages", None) or []),
            perspective=values.pop("perspective", None) or Perspective.UNDETERMINED,
            backoffice_updated_at=now,
            backoffice_version=new.version,
            **values,
        )
        try:
            # The foreign keys were just looked up; uniqueness is the database's to refuse.
            user.full_clean(exclude=["agency"], validate_unique=False, validate_constraints=False)
            profile.full_clean(
                exclude=["user", "agency", "municipality"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            new.error = exc
            continue
        valid.append((new, user, profile))
    if not valid:
        return
    with transaction.atomic():
        User.objects.bulk_create([user for _new, user, _profile in valid])
        for _new, user, profile in valid:
            profile.user = user
        LearnerProfile.objects.bulk_create([profile for _new, _user, profile in valid])
        events_record(
            [
                Event(
                    code="profiles.learner.registered",
                    learner=user,
                    agency=agency,
                    payload={"dossier_number": new.dossier_number},
                )
                for new, user, _profile in valid
            ]
        )
        for new, _user, profile in valid:
            new.profile = profile
            if new.case_manager is not None:
                caseload_assign(learner=profile, case_manager=new.case_manager, actor=None)


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
