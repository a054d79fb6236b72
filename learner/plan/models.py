"""The persoonlijk actieplan (PAP): goals per domain, their actions, the history, the reviews.

The plan is shared: the learner and the case manager both write it. Every change is a
``PlanChange`` row (who, which side, when, the previous value and the new one); what one side
changes waits for the other side's confirmation. Each goal and action carries a ``revision``
that grows with every applied change, so an edit made on an older revision can be merged field
by field (``rules.edit_outcome``); a field changed on both sides at once opens a ``PlanReview``
that keeps every version until the two sides choose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_LENGTH = 200
ACTION_LENGTH = 300
EVALUATION_LENGTH = 2000
EVIDENCE_LENGTH = 500  # one link or reference
EVIDENCE_MAX = 20


class Domain(models.TextChoices):
    MO = "mo", _("Civic orientation (MO)")
    NT2 = "nt2", _("Dutch (NT2)")
    WORK = "work", _("Work")
    PARTICIPATION = "participation", _("Participation and network")
    DIPLOMA_RECOGNITION = "diploma_recognition", _("Diploma recognition")
    SOCIAL_ROLES = "social_roles", _("Daily life: citizen, parent, consumer, leisure, household")


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Owner(models.TextChoices):
    LEARNER = "learner", _("The learner")
    CASE_MANAGER = "case_manager", _("The case manager")
    TEACHER = "teacher", _("The teacher")
    PARTNER = "partner", _("A partner organisation")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


class Side(models.TextChoices):
    """The two parties of the plan. Agency admins write on the case manager's side."""

    LEARNER = "learner", _("Learner")
    CASE_MANAGER = "case_manager", _("Case manager")


class Goal(models.Model):
    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="plan_goals"
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain)
    # A goal from the framework (``framework.FRAMEWORK``); blank when written freely.
    framework_code = models.CharField(_("goal from the list"), max_length=40, blank=True)
    # The author's own words; blank for a framework goal, which then reads in every language.
    title = models.CharField(_("goal"), max_length=TITLE_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus, default=GoalStatus.PROPOSED
    )
    evaluation = models.TextField(_("evaluation"), max_length=EVALUATION_LENGTH, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["proposed_at", "id"]
        indexes = [models.Index(fields=["learner", "domain"], name="plan_goal_learner_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The goal as this reader reads it: the framework's words in their language, else the
        author's."""
        if self.title:
            return self.title
        # Imported here: the framework names its domains from this module.
        from learner.plan.framework import framework_label

        return framework_label(self.framework_code)


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(_("action"), max_length=ACTION_LENGTH)
    owner = models.CharField(_("who does it"), max_length=20, choices=Owner, default=Owner.LEARNER)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus, default=ActionStatus.OPEN
    )
    # Links (https://…) or references to portfolio items ("portfolio:<id>").
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    client_uuid = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "proposed_at", "id"]

    def __str__(self) -> str:
        return self.text


class ChangeState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_REVIEW = "in_review", _("To review together")
    RESOLVED = "resolved", _("Reviewed")


class PlanChange(models.Model):
    """One change to the plan, as it was made. What, who and when never change; only the
    agreement moves on (proposed → confirmed; a version held in a review → resolved).

    ``field`` is ``created`` for a new goal or action (``new_value`` its words), else the field's
    name; values are strings (dates in ISO form, evidence one entry a line). ``revision`` is the
    item's revision this change made, or null when it was held in a review instead of applied.
    """

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="plan_changes"
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="changes")
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    field = models.CharField(_("field"), max_length=20)
    old_value = models.TextField(_("previous value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("side"), max_length=20, choices=Side)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # The phone's time and command id, for edits that came through the offline outbox.
    client_time = models.DateTimeField(null=True, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True)
    base_revision = models.PositiveIntegerField(null=True, blank=True)
    revision = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ChangeState, default=ChangeState.PROPOSED
    )
    review = models.ForeignKey(
        "PlanReview", on_delete=models.PROTECT, null=True, blank=True, related_name="held"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["goal", "action", "field", "revision"], name="plan_change_idx"),
            models.Index(fields=["learner", "state"], name="plan_change_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.action_id or self.goal_id} by {self.actor_id}"

    @property
    def kind(self) -> str:
        return "action" if self.action_id else "goal"


class PlanReview(models.Model):
    """A field edited on both sides at once. The plan keeps the value applied first; every other
    version is a held ``PlanChange``. Nothing is lost: the two sides pick one or write another,
    which is applied as a new change."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="plan_reviews"
    )
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="reviews")
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    field = models.CharField(_("field"), max_length=20)
    # The value both sides started from, and the change that put the plan's value there.
    base_value = models.TextField(_("value before"), blank=True)
    kept = models.ForeignKey(
        PlanChange, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("chosen value"), blank=True)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"review of {self.field} of {self.action_id or self.goal_id}"

    @property
    def kind(self) -> str:
        return "action" if self.action_id else "goal"
