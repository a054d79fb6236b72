"""Groups: attendance marked offline arrives once and the latest mark wins; absences past the
rule set's threshold nudge the case manager (support), never the learner's phone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from learner.lessons import selectors
from learner.lessons.models import (
    AbsenceNudge,
    Attendance,
    ContactSession,
    Course,
    Group,
    Lesson,
    Module,
)
from learner.lessons.services import authoring, groups, study
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.events.models import Event
from portal.notifications.models import Notification
from portal.sync.services import commands_apply
from tests.learner.lessons.conftest import make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(
    teacher: User,
    course: Course,
    module: Module,
    lesson: Lesson,
    second_lesson: Lesson,
    learner: LearnerProfile,
) -> Group:
    make_lesson(teacher, module, "Liefde", ["sexual_diversity"])
    course = authoring.course_publish(teacher=teacher, course=course)
    group = groups.group_create(teacher=teacher, course=course, name="Maandag")
    groups.group_add_member(teacher=teacher, group=group, dossier_number=learner.dossier_number)
    return group


def sessions(teacher: User, group: Group, count: int) -> list[ContactSession]:
    start = timezone.now() - timedelta(days=30)
    return [
        groups.session_plan(
            teacher=teacher,
            group=group,
            starts_at=start + timedelta(days=7 * n),
            ends_at=start + timedelta(days=7 * n, hours=3),
            place="Leuven",
            interpreter_languages=["ar"],
        )
        for n in range(count)
    ]


def mark(
    teacher: User,
    session: ContactSession,
    learner: LearnerProfile,
    presence: str,
    when=None,
    command=None,
):  # type: ignore[no-untyped-def]
    [answer] = commands_apply(
        user=teacher,
        commands=[
            {
                "uuid": command or uuid.uuid4(),
                "type": "lessons.attendance.record",
                "payload": {"session": session.pk, "marks": {str(learner.pk): presence}},
                "created_at": when or timezone.now(),
            }
        ],
    )
    return answer


def test_a_draft_course_has_no_group_and_only_the_agencys_learners_join(
    teacher: User,
    course: Course,
    group: Group,
    make_learner: Callable[..., LearnerProfile],
    other_agency,
) -> None:
    draft = authoring.course_create(teacher=teacher, title="Concept")
    with pytest.raises(ValidationError):
        groups.group_create(teacher=teacher, course=draft, name="x")
    stranger = make_learner("INB-7777", agency=other_agency)
    with pytest.raises(ValidationError):
        groups.group_add_member(
            teacher=teacher, group=group, dossier_number=stranger.dossier_number
        )


def test_marks_replayed_out_of_order_end_with_the_latest(
    teacher: User, group: Group, learner: LearnerProfile
) -> None:
    [session] = sessions(teacher, group, 1)
    now = timezone.now()
    late = mark(teacher, session, learner, "present", when=now)
    early = mark(teacher, session, learner, "absent", when=now - timedelta(minutes=10))
    assert (late.status, early.status) == ("applied", "applied")
    assert Attendance.objects.get().presence == "present"
    command = uuid.uuid4()
    assert mark(teacher, session, learner, "excused", command=command).status == "applied"
    assert mark(teacher, session, learner, "excused", command=command).status == "duplicate"
    assert Attendance.objects.get().presence == "excused"


def test_another_teachers_session_is_not_found(
    teacher: User, group: Group, learner: LearnerProfile, make_staff: Callable[..., User]
) -> None:
    [session] = sessions(teacher, group, 1)
    other = make_staff(Role.TEACHER, "mo.other")
    answer = mark(other, session, learner, "absent")
    assert (answer.status, answer.reason) == ("rejected", "not_found")
    with pytest.raises(PermissionDenied):
        groups.session_plan(
            teacher=other,
            group=group,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=1),
            place="x",
            interpreter_languages=[],
        )


def test_absence_past_the_threshold_nudges_the_case_manager_once_per_level(
    teacher: User, group: Group, learner: LearnerProfile, case_manager: User
) -> None:
    planned = sessions(teacher, group, 10)
    for session in planned[:9]:
        mark(teacher, session, learner, "present")
    assert not AbsenceNudge.objects.exists()
    mark(teacher, planned[9], learner, "absent")  # 1 of 10: 10 %, the rule set's nudge level
    nudge = AbsenceNudge.objects.get()
    assert (nudge.level, nudge.absent_pct) == ("nudge", 10)
    mark(teacher, planned[9], learner, "absent")  # marked again: no second nudge
    assert AbsenceNudge.objects.count() == 1
    event = Event.objects.get(code="lessons.absence.nudged")
    assert event.learner == learner.user
    notified = Notification.objects.filter(event=event)
    assert [n.recipient for n in notified] == [case_manager]
    assert notified.get().params["absent_pct"] == 10
    assert not Notification.objects.filter(recipient=learner.user, code="lessons.absence.nudged")


def test_excused_absence_does_not_nudge(
    teacher: User, group: Group, learner: LearnerProfile
) -> None:
    planned = sessions(teacher, group, 4)
    for session in planned:
        mark(teacher, session, learner, "excused")
    assert not AbsenceNudge.objects.exists()


def test_the_overview_shows_who_is_behind_and_the_interests(
    teacher: User,
    group: Group,
    learner: LearnerProfile,
    lesson: Lesson,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
) -> None:
    keen = make_learner("INB-0002", case_manager=case_manager)
    groups.group_add_member(teacher=teacher, group=group, dossier_number=keen.dossier_number)
    study.progress_record(
        learner=keen,
        lesson=lesson,
        step="completed",
        language="ar",
        client_uuid=uuid.uuid4(),
        client_time=timezone.now(),
    )
    study.interests_save(learner=keen, environments=["work"])
    study.interests_save(learner=learner, environments=["work", "health"])
    overview = selectors.group_overview(group=group)
    rows = {row.learner.pk: row for row in overview.members}
    assert (rows[learner.pk].never_opened, rows[learner.pk].behind) == (True, True)
    assert (rows[keen.pk].completed, rows[keen.pk].behind) == (1, False)
    assert overview.answered == 2
    assert overview.interests[0][0::2] == ("work", 2)
