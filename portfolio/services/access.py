"""The staff access log: every time staff open a learner's dossier, one row the learner sees."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learners_visible_to
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
    their own dossier is no staff access: nothing is written and None is returned. Append-only
    (one INSERT, atomic by itself); emits no event (the log is its own record, and the back
    office does not need it).
    """
    if staff.role == Role.LEARNER or learner.user_id == staff.pk:
        return None
    return DossierAccess.objects.create(
        learner=learner,
        staff=staff,
        staff_role=staff.role,
        at=timezone.now(),
        what=what[:WHAT_LENGTH],
        path=path[:PATH_LENGTH],
        reason=reason[:REASON_LENGTH],
    )


def dossier_access_record_by_number(
    *, staff: User, dossier_number: str, what: str, path: str
) -> int:
    """``dossier_access_record`` for a page that names the learner by dossier number.

    One statement, ``INSERT … SELECT`` from the learners ``staff`` may see: a page costs one
    query more for its log, and a learner outside the staff member's scope gets no row (the
    page refused them anyway). Returns how many rows were written (0 or 1).
    """
    if staff.role == Role.LEARNER:
        return 0
    visible = (
        learners_visible_to(user=staff)
        .filter(dossier_number=dossier_number)
        .exclude(user_id=staff.pk)
        .values(access_learner=F("pk"))[:1]
    )
    inner, inner_params = visible.query.sql_with_params()
    meta = DossierAccess._meta
    quote = connection.ops.quote_name
    column_of = {field.name: field.column for field in meta.concrete_fields}
    columns = ", ".join(
        quote(column_of[name])
        for name in ("learner", "staff", "staff_role", "at", "what", "path", "reason")
    )
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"SELECT visible.access_learner, %s, %s, %s, %s, %s, %s FROM ({inner}) visible"
    )
    params = [staff.pk, staff.role, at, what[:WHAT_LENGTH], path[:PATH_LENGTH], "", *inner_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
