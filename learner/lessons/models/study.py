"""What learners do with lessons: progress marks and practice attempts. Both are append-only
and keyed by the phone's command UUID, so a write made offline and replayed counts once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressStep(models.TextChoices):
    OPENED = "opened", _("Opened")
    COMPLETED = "completed", _("Studied")


class LessonProgress(models.Model):
    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="lesson_progress"
    )
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.PROTECT, related_name="progress")
    step = models.CharField(_("step"), max_length=10, choices=ProgressStep)
    language = models.CharField(_("language"), max_length=8)
    client_uuid = models.UUIDField(unique=True)
    client_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        indexes = [models.Index(fields=["learner", "lesson"], name="progress_learner_lesson")]

    def __str__(self) -> str:
        return f"{self.learner} {self.lesson_id} {self.step}"


class PracticeAttempt(models.Model):
    """One round of practice questions. ``answers`` keeps ``[{question, choice, correct}]`` as
    judged by the server; the score is practice only and never counts as the MO test."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="practice_attempts"
    )
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.PROTECT, related_name="attempts")
    answers = models.JSONField(default=list)
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    client_uuid = models.UUIDField(unique=True)
    client_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practice attempt")
        verbose_name_plural = _("practice attempts")
        ordering = ["-client_time", "-id"]

    def __str__(self) -> str:
        return f"{self.learner} {self.lesson_id} {self.correct}/{self.total}"
