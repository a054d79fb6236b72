"""Reads of learner profiles, always scoped to who asks (fail closed)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from learner.profiles.models import CaseloadAssignment, LearnerProfile
from portal.accounts.models import Role, User


def learners_visible_to(*, user: User) -> QuerySet[LearnerProfile]:
    """The learner profiles this person may see.

    A learner: their own. A case manager: their open caseload in their agency. An agency admin:
    their agency. A coordinator: learners living in their municipality. Anyone else (teachers and
    buddies until groups and links exist, inactive or anonymous users): nobody.
    """
    profiles = LearnerProfile.objects.all()
    if not user.is_authenticated or not user.is_active:
        return profiles.none()
    if user.role == Role.LEARNER:
        return profiles.filter(user=user)
    if user.agency_id is None:
        return profiles.none()
    if user.role == Role.CASE_MANAGER:
        return profiles.filter(
            agency_id=user.agency_id,
            caseload_assignments__case_manager=user,
            caseload_assignments__ended_at__isnull=True,
        )
    if user.role == Role.AGENCY_ADMIN:
        return profiles.filter(agency_id=user.agency_id)
    if user.role == Role.COORDINATOR and user.municipality_id is not None:
        return profiles.filter(agency_id=user.agency_id, municipality_id=user.municipality_id)
    return profiles.none()


def _with_case_manager(profiles: QuerySet[LearnerProfile]) -> QuerySet[LearnerProfile]:
    open_assignments = CaseloadAssignment.objects.filter(ended_at__isnull=True).select_related(
        "case_manager"
    )
    return profiles.select_related("user", "municipality", "agency").prefetch_related(
        Prefetch("caseload_assignments", queryset=open_assignments, to_attr="open_assignments")
    )


def learner_list_for(*, user: User, search: str = "") -> QuerySet[LearnerProfile]:
    """The staff list of learners: scoped, searchable by dossier number or name."""
    profiles = learners_visible_to(user=user)
    if search:
        profiles = profiles.filter(
            Q(dossier_number__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    return _with_case_manager(profiles).order_by("dossier_number")


def learner_for(*, user: User, dossier_number: str) -> LearnerProfile:
    """One learner's profile, if this person may see it; raises LearnerProfile.DoesNotExist."""
    return _with_case_manager(learners_visible_to(user=user)).get(dossier_number=dossier_number)


def case_manager_of(profile: LearnerProfile) -> User | None:
    """The case manager currently following a profile fetched through these selectors."""
    assignments = getattr(profile, "open_assignments", None)
    if assignments is None:
        # The case manager in the same query: this runs on the learner's home screen, every visit.
        assignments = list(
            profile.caseload_assignments.filter(ended_at__isnull=True).select_related(
                "case_manager"
            )
        )
    return assignments[0].case_manager if assignments else None
