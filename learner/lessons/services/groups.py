"""Teachers run blended groups: members, contact sessions, attendance.

Absence is judged by the trajectory's attendance rule under the rule set in force; past its
thresholds the learner's case manager is asked to offer support (an event they are notified of),
once per level. Attendance never becomes an enforcement signal here: a case manager decides
that, after talking with the learner (DOMAIN.md: a TB is a coach, not an enforcer).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.lessons.models import (
    AbsenceNudge,
    Attendance,
    ContactSession,
    Course,
    CourseStatus,
    Group,
    Presence,
)
from learner.profiles.models import LearnerProfile, Obligation
from learner.trajectory import rules as trajectory_rules
from learner.trajectory.selectors import rule_set_in_force
from portal.accounts.models import Role, User
from portal.events.services import event_record


def _teacher_of(teacher: User, group: Group) -> None:
    if teacher.role != Role.TEACHER or group.teacher_id != teacher.pk:
        raise PermissionDenied


@transaction.atomic
def group_create(*, teacher: User, course: Course, name: str) -> Group:
    """A group follows a published course of the teacher's agency (their own or a colleague's)."""
    if (
        teacher.role != Role.TEACHER
        or teacher.agency_id is None
        or course.agency_id != teacher.agency_id
    ):
        raise PermissionDenied
    if not Course.objects.filter(pk=course.pk, status=CourseStatus.PUBLISHED).exists():
        raise ValidationError(_("Publish the course before starting a group with it."))
    group = Group(teacher=teacher, course=course, name=name.strip())
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_add_member(*, teacher: User, group: Group, dossier_number: str) -> LearnerProfile:
    """Add a learner of the teacher's agency by dossier number."""
    _teacher_of(teacher, group)
    if teacher.agency_id is None:
        raise PermissionDenied
    learner = LearnerProfile.objects.filter(
        dossier_number=dossier_number.strip(), agency_id=teacher.agency_id
    ).first()
    if learner is None:
        raise ValidationError(_("No learner of your agency has this dossier number."))
    group.members.add(learner)
    return learner


@transaction.atomic
def group_remove_member(*, teacher: User, group: Group, learner: LearnerProfile) -> None:
    _teacher_of(teacher, group)
    group.members.remove(learner)


@transaction.atomic
def session_plan(
    *,
    teacher: User,
    group: Group,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    interpreter_languages: list[str],
) -> ContactSession:
    _teacher_of(teacher, group)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    session = ContactSession(
        group=group,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        interpreter_languages=sorted(set(interpreter_languages)),
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def attendance_record(
    *, teacher: User, session: ContactSession, marks: dict[int, str], recorded_at: datetime
) -> int:
    """Mark learners of the session's group present, absent or excused; a later mark (by the
    phone's clock) replaces an earlier one, so two phones replaying out of order agree.

    Emits ``lessons.attendance.recorded`` and, past a threshold, ``lessons.absence.nudged``.
    """
    group = Group.objects.select_for_update().get(pk=session.group_id)
    _teacher_of(teacher, group)
    members = set(group.members.values_list("pk", flat=True))
    if not set(marks) <= members:
        raise ValidationError(_("Someone in this list is not in the group."))
    if recorded_at > timezone.now() + timedelta(minutes=5):
        recorded_at = timezone.now()  # a phone whose clock runs ahead cannot win every later mark
    existing = {mark.learner_id: mark for mark in session.attendance.all()}
    changed = 0
    for learner_id, presence in marks.items():
        mark = existing.get(learner_id)
        if mark is None:
            Attendance.objects.create(
                session=session,
                learner_id=learner_id,
                presence=presence,
                recorded_by=teacher,
                recorded_at=recorded_at,
            )
        elif mark.recorded_at <= recorded_at and mark.presence != presence:
            mark.presence, mark.recorded_by, mark.recorded_at = presence, teacher, recorded_at
            mark.save(update_fields=["presence", "recorded_by", "recorded_at"])
        else:
            continue
        changed += 1
    if changed:
        event_record(
            code="lessons.attendance.recorded",
            actor=teacher,
            agency=group.course.agency,
            payload={"group": group.pk, "session": session.pk, "marked": changed},
        )
        _nudge_absences(group, sorted(marks))
    return changed


def _nudge_absences(group: Group, learner_ids: list[int]) -> None:
    rules = rule_set_in_force(timezone.localdate()).as_rules()
    marks: dict[int, list[str]] = {}
    for learner_id, presence in Attendance.objects.filter(
        session__group=group, learner_id__in=learner_ids
    ).values_list("learner_id", "presence"):
        marks.setdefault(learner_id, []).append(presence)
    learners = LearnerProfile.objects.select_related("user").in_bulk(learner_ids)
    done = set(
        AbsenceNudge.objects.filter(group=group, learner_id__in=learner_ids).values_list(
            "learner_id", "level"
        )
    )
    for learner_id, presences in marks.items():
        # A reported reason (illness, an appointment) is not the absence support is about.
        attended = sum(1 for p in presences if p != Presence.ABSENT)
        judged = trajectory_rules.attendance(
            rules,
            planned=len(presences),
            attended=attended,
            obligated=learners[learner_id].obligation == Obligation.OBLIGATED,
        )
        if judged == trajectory_rules.Attendance.OK or (learner_id, judged.value) in done:
            continue
        absent_pct = round(100 * (len(presences) - attended) / len(presences))
        AbsenceNudge.objects.create(
            group=group, learner_id=learner_id, level=judged.value, absent_pct=absent_pct
        )
        event_record(
            code="lessons.absence.nudged",
            actor=None,
            learner=learners[learner_id].user,
            payload={"group": group.pk, "level": judged.value, "absent_pct": absent_pct},
        )
