"""Pillar 4: activities and their hosts, who confirms whose hours, and the hours themselves.

Hour entries and their confirmations are append-only: a correction is a new entry that
supersedes the old one, and a decision is a row of its own. Only confirmed entries that nothing
supersedes count toward the 40 hours.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# One entry: a quarter of an hour to a long day.
MIN_MINUTES = 15
MAX_MINUTES = 12 * 60
NOTE_LENGTH = 200


class ActivityKind(models.TextChoices):
    BUDDY = "buddy", _("Buddy project")
    INTRODUCTION = "introduction", _("Introductory internship (kennismakingsstage)")
    VOLUNTEERING = "volunteering", _("Volunteering")
    LANGUAGE = "language", _("Language internship (taalstage)")
    SELF_CHOSEN = "self_chosen", _("Self-chosen activity")


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PROPOSED = "proposed", _("Proposed, waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Not approved")


# Hours may be logged on activities in these states.
OPEN_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.APPROVED)


class HostOrganisation(models.Model):
    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("host organisation")
        verbose_name_plural = _("host organisations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """What the municipality offers, or a learner's own proposal (self-chosen, to approve)."""

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    host = models.ForeignKey(
        HostOrganisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus, default=ActivityStatus.PUBLISHED
    )
    proposed_by = models.ForeignKey(
        "profiles.LearnerProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_activities",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ContactLink(models.Model):
    """A buddy or host contact who confirms this learner's hours of this activity."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="contact_links"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buddy or host contact"),
        on_delete=models.PROTECT,
        related_name="learner_links",
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact link")
        verbose_name_plural = _("contact links")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "contact", "activity"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} → {self.learner} ({self.activity})"


class HourEntry(models.Model):
    """Hours a learner logged: never changed; a correction supersedes it with a new entry."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="hour_entries"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="entries"
    )
    day = models.DateField(_("day"))
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
    )
    note = models.CharField(_("note"), max_length=NOTE_LENGTH, blank=True)
    # The phone's id of the write (the outbox command) and its clock: a replay is no new entry.
    client_uuid = models.UUIDField(unique=True)
    client_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=MIN_MINUTES, minutes__lte=MAX_MINUTES),
                name="hour_entry_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.minutes} min"

    def clean(self) -> None:
        if self.minutes is not None and not MIN_MINUTES <= self.minutes <= MAX_MINUTES:
            raise ValidationError({"minutes": _("Between a quarter of an hour and 12 hours.")})


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")


class Via(models.TextChoices):
    APP = "app", _("In the app")
    QR = "qr", _("Phone to phone (QR code)")


class Confirmation(models.Model):
    """The buddy's or host's answer to one entry (once; append-only).

    Given phone to phone, ``evidence`` keeps the learner's signed claim and the buddy's signed
    receipt, as they were checked.
    """

    entry = models.OneToOneField(HourEntry, on_delete=models.PROTECT, related_name="confirmation")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    via = models.CharField(_("how"), max_length=3, choices=Via, default=Via.APP)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self) -> str:
        return f"{self.entry} {self.decision}"
