"""Reads of the lessons app, scoped to who asks: learners see published courses of their agency
and the course of their groups; teachers their own courses and groups, and the shared library."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from learner.lessons import rules
from learner.lessons.models import (
    Attendance,
    Block,
    ContactSession,
    Course,
    CourseStatus,
    EnvironmentInterest,
    Group,
    LearningEnvironment,
    Lesson,
    LessonProgress,
    Module,
    ProgressStep,
    Question,
    Recording,
)
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User


def _visible_courses(learner: LearnerProfile) -> Q:
    return Q(status=CourseStatus.PUBLISHED) & (
        Q(agency_id=learner.agency_id) | Q(groups__members=learner)
    )


def _visible_courses_to(user: User) -> Q:
    """As ``_visible_courses``, from the signed-in person (no query for their profile first)."""
    agency = LearnerProfile.objects.filter(user=user).values("agency_id")[:1]
    return Q(status=CourseStatus.PUBLISHED) & (
        Q(agency_id=Subquery(agency)) | Q(groups__members__user=user)
    )


def courses_for_learner(*, learner: LearnerProfile) -> list[Course]:
    """Published courses the learner may study, with modules and lessons (three queries)."""
    return list(
        Course.objects.filter(_visible_courses(learner))
        .distinct()
        .prefetch_related(
            Prefetch("modules", queryset=Module.objects.order_by("position", "id")),
            Prefetch(
                "modules__lessons",
                queryset=Lesson.objects.select_related("cover").order_by("position", "id"),
            ),
        )
    )


def lesson_for_learner(*, learner: LearnerProfile, lesson_id: int) -> Lesson | None:
    """A lesson the learner may open (None otherwise: fail closed, never a foreign lesson)."""
    return (
        Lesson.objects.filter(
            pk=lesson_id,
            module__course__in=Course.objects.filter(_visible_courses(learner)),
        )
        .select_related("module__course", "cover")
        .first()
    )


def module_for_learner(*, learner: LearnerProfile, module_id: int) -> Module | None:
    return (
        Module.objects.filter(
            pk=module_id, course__in=Course.objects.filter(_visible_courses(learner))
        )
        .select_related("course")
        .first()
    )


def lesson_content(lesson_id: int, *, reader: User | None = None) -> Lesson | None:
    """One lesson with everything its page shows, in six queries; with ``reader`` (a learner),
    only if they may open it. Recordings come in one list (``all_recordings``) for the
    presenter to place."""
    lessons = Lesson.objects.filter(pk=lesson_id)
    if reader is not None:
        lessons = lessons.filter(
            module__course__in=Course.objects.filter(_visible_courses_to(reader))
        )
    lesson = (
        lessons.select_related("module__course", "cover")
        .prefetch_related(
            Prefetch(
                "blocks", queryset=Block.objects.select_related("image").prefetch_related("entries")
            ),
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("image").prefetch_related("choices"),
            ),
            Prefetch(
                "recordings",
                queryset=Recording.objects.select_related("audio"),
                to_attr="all_recordings",
            ),
        )
        .first()
    )
    return lesson


def progress_of(*, user: User, lesson_ids: Iterable[int]) -> dict[int, str]:
    """Per lesson the furthest step the learner reached (completed beats opened)."""
    furthest: dict[int, str] = {}
    for lesson_id, step in LessonProgress.objects.filter(
        learner__user=user, lesson_id__in=list(lesson_ids)
    ).values_list("lesson_id", "step"):
        if furthest.get(lesson_id) != ProgressStep.COMPLETED:
            furthest[lesson_id] = step
    return furthest


def sessions_for_learner(*, learner: LearnerProfile, limit: int = 3) -> list[ContactSession]:
    """The next contact sessions of the learner's groups, soonest first."""
    return list(
        ContactSession.objects.filter(group__members=learner, ends_at__gte=timezone.now())
        .select_related("group")
        .order_by("starts_at")[:limit]
    )


def interests_of(*, learner: LearnerProfile) -> list[str]:
    interest = EnvironmentInterest.objects.filter(learner=learner).first()
    return interest.environments if interest else []


# Teachers -----------------------------------------------------------------------------------------


def courses_of_teacher(*, teacher: User) -> QuerySet[Course]:
    if teacher.role != Role.TEACHER:
        return Course.objects.none()
    return Course.objects.filter(owner=teacher).annotate(
        lesson_count=Count("modules__lessons", distinct=True)
    )


def course_of_teacher(*, teacher: User, course_id: int) -> Course | None:
    return (
        courses_of_teacher(teacher=teacher)
        .prefetch_related(
            Prefetch("modules", queryset=Module.objects.order_by("position", "id")),
            Prefetch(
                "modules__lessons",
                queryset=Lesson.objects.order_by("position", "id").prefetch_related("translations"),
            ),
        )
        .filter(pk=course_id)
        .first()
    )


def module_of_teacher(*, teacher: User, module_id: int) -> Module | None:
    if teacher.role != Role.TEACHER:
        return None
    return (
        Module.objects.filter(pk=module_id, course__owner=teacher).select_related("course").first()
    )


def lesson_of_teacher(*, teacher: User, lesson_id: int) -> Lesson | None:
    if teacher.role != Role.TEACHER:
        return None
    return (
        Lesson.objects.filter(pk=lesson_id, module__course__owner=teacher)
        .select_related("module__course")
        .first()
    )


def library(
    *, teacher: User, value: str = "", environment: str = "", query: str = ""
) -> list[Lesson]:
    """Lessons of every agency's published courses, and the teacher's own: the shared library."""
    if teacher.role != Role.TEACHER:
        return []
    lessons = Lesson.objects.filter(
        Q(module__course__status=CourseStatus.PUBLISHED) | Q(module__course__owner=teacher)
    ).select_related("module__course__agency", "cover")
    if query:
        lessons = lessons.filter(Q(title_nl__icontains=query) | Q(summary_nl__icontains=query))
    # JSON containment is spelled differently per database (and not at all on SQLite); the
    # labels are short lists, so they are filtered here.
    return [
        lesson
        for lesson in lessons.order_by("title_nl", "id")
        if (not value or value in lesson.values)
        and (not environment or environment in lesson.environments)
    ]


def groups_of_teacher(*, teacher: User) -> QuerySet[Group]:
    if teacher.role != Role.TEACHER:
        return Group.objects.none()
    return (
        Group.objects.filter(teacher=teacher)
        .select_related("course")
        .annotate(member_count=Count("members", distinct=True))
    )


def group_of_teacher(*, teacher: User, group_id: int) -> Group | None:
    if teacher.role != Role.TEACHER:
        return None
    return (
        Group.objects.filter(pk=group_id, teacher=teacher)
        .select_related("course")
        .prefetch_related(
            Prefetch("members", queryset=LearnerProfile.objects.select_related("user")),
            Prefetch("sessions", queryset=ContactSession.objects.order_by("starts_at")),
        )
        .first()
    )


def session_for_teacher(*, teacher: User, session_id: int) -> ContactSession | None:
    if teacher.role != Role.TEACHER:
        return None
    return (
        ContactSession.objects.filter(pk=session_id, group__teacher=teacher)
        .select_related("group__course")
        .first()
    )


@dataclass
class MemberProgress:
    learner: LearnerProfile
    opened: int = 0
    completed: int = 0
    last_activity: datetime | None = None
    sessions_marked: int = 0
    absences: int = 0
    behind: bool = False
    never_opened: bool = True


@dataclass
class GroupOverview:
    lesson_count: int
    members: list[MemberProgress] = field(default_factory=list)
    interests: list[tuple[str, str, int]] = field(default_factory=list)  # value, label, count
    answered: int = 0


def group_overview(*, group: Group) -> GroupOverview:
    """Who is behind (``rules.behind``) and who never opened a lesson, attendance, and the
    interest survey's sum."""
    members = list(group.members.all())
    lesson_count = Lesson.objects.filter(module__course_id=group.course_id).count()
    rows = {member.pk: MemberProgress(learner=member) for member in members}
    progress = (
        LessonProgress.objects.filter(
            learner__in=members, lesson__module__course_id=group.course_id
        )
        .values("learner_id", "step")
        .annotate(lessons=Count("lesson_id", distinct=True), last=Max("client_time"))
    )
    for row in progress:
        member = rows[row["learner_id"]]
        if row["step"] == ProgressStep.COMPLETED:
            member.completed = row["lessons"]
        else:
            member.opened = row["lessons"]
        member.never_opened = False
        if member.last_activity is None or row["last"] > member.last_activity:
            member.last_activity = row["last"]
    for learner_id, presence in Attendance.objects.filter(
        session__group=group, learner__in=members
    ).values_list("learner_id", "presence"):
        rows[learner_id].sessions_marked += 1
        rows[learner_id].absences += presence == "absent"
    completed = sorted(member.completed for member in rows.values())
    median = completed[len(completed) // 2] if completed else 0
    for member in rows.values():
        member.behind = rules.behind(
            completed=member.completed,
            group_median=median,
            absences=member.absences,
            sessions_marked=member.sessions_marked,
        )
    counts: Counter[str] = Counter()
    answered = 0
    for environments in EnvironmentInterest.objects.filter(learner__in=members).values_list(
        "environments", flat=True
    ):
        answered += 1
        counts.update(environments)
    overview = GroupOverview(lesson_count=lesson_count, answered=answered)
    overview.members = sorted(rows.values(), key=lambda m: (not m.behind, m.learner.dossier_number))
    overview.interests = [
        (value, str(label), counts[value]) for value, label in LearningEnvironment.choices
    ]
    overview.interests.sort(key=lambda item: -item[2])
    return overview
