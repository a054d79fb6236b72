"""Blended MO: the shared lesson library, what learners do with it, and the teachers' groups."""

from learner.lessons.models.content import (
    Block,
    BlockKind,
    Choice,
    Course,
    CourseStatus,
    LearningEnvironment,
    Lesson,
    LessonTranslation,
    Module,
    Question,
    Recording,
    SharedValue,
    TargetGroup,
    VocabularyEntry,
)
from learner.lessons.models.groups import (
    AbsenceNudge,
    Attendance,
    ContactSession,
    EnvironmentInterest,
    Group,
    Presence,
)
from learner.lessons.models.study import LessonProgress, PracticeAttempt, ProgressStep

__all__ = [
    "AbsenceNudge",
    "Attendance",
    "Block",
    "BlockKind",
    "Choice",
    "ContactSession",
    "Course",
    "CourseStatus",
    "EnvironmentInterest",
    "Group",
    "LearningEnvironment",
    "Lesson",
    "LessonProgress",
    "LessonTranslation",
    "Module",
    "PracticeAttempt",
    "Presence",
    "ProgressStep",
    "Question",
    "Recording",
    "SharedValue",
    "TargetGroup",
    "VocabularyEntry",
]
