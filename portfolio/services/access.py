"""The staff access log: every time staff open a learner's dossier, one row the learner sees."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portfolio.models import DossierAccess

WHAT_LENGTH = 60
PATH_LENGTH = 300
REASON_LENGTH = 200


def dossier_access_record(
    *, staff: User, learner: LearnerProfile, what: str, path: str, reason: str = ""
) -> DossierAccess | None:
    """Log that ``staff`` opened ``what`` (a URL name) of ``learner``'s dossier at ``path``.

    Precondition: the caller has already let ``staff`` in (scope checked). A learner reading
    their own dossier is no staff access: nothing is written and None is returned. Append-only;
    emits no event (the log is its own record, and the back office does not need it).
    """
    if staff.role == Role.LEARNER or learner.user_id == staff.pk:
        return None
    with transaction.atomic():
        return DossierAccess.objects.create(
            learner=learner,
            staff=staff,
            staff_role=staff.role,
            at=timezone.now(),
            what=what[:WHAT_LENGTH],
            path=path[:PATH_LENGTH],
            reason=reason[:REASON_LENGTH],
        )
