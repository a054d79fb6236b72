"""Blended groups (lesgroepen): a teacher's learners, their contact sessions and attendance,
and the learners' choice of learning environments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        related_name="lesson_groups",
    )
    course = models.ForeignKey(
        "lessons.Course", verbose_name=_("course"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(
        "profiles.LearnerProfile", verbose_name=_("learners"), related_name="lesson_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson group")
        verbose_name_plural = _("lesson groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ContactSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    # Languages an interpreter will be there for (language codes).
    interpreter_languages = models.JSONField(_("interpreter languages"), default=list, blank=True)

    class Meta:
        verbose_name = _("contact session")
        verbose_name_plural = _("contact sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%Y-%m-%d %H:%M}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Absent with a reason")


class Attendance(models.Model):
    """The teacher's mark for one learner at one session; a later mark replaces it."""

    session = models.ForeignKey(ContactSession, on_delete=models.CASCADE, related_name="attendance")
    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="attendance"
    )
    presence = models.CharField(_("presence"), max_length=10, choices=Presence)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="one_mark_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.learner} {self.presence}"


class AbsenceNudge(models.Model):
    """That the case manager was asked to offer support for a learner's absences (once per
    level and group, so marking more sessions does not repeat it)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="nudges")
    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="absence_nudges"
    )
    level = models.CharField(max_length=10)
    absent_pct = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "learner", "level"], name="one_nudge_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.level} {self.absent_pct}%"


class EnvironmentInterest(models.Model):
    """The learning environments a learner chose in the interest survey (latest answer)."""

    learner = models.OneToOneField(
        "profiles.LearnerProfile", on_delete=models.CASCADE, related_name="environment_interest"
    )
    environments = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interest survey answer")
        verbose_name_plural = _("interest survey answers")

    def __str__(self) -> str:
        return f"{self.learner}: {', '.join(self.environments)}"
