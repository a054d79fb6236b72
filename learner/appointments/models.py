"""Case managers' hours, the slots cut from them, bookings, the waitlist and reminders.

Slots are computed from weekly hours and closures (``rules.weekly_slots``); a ``Slot`` row exists
once someone books it or the back office pushes it. Its ``booked`` counter is the one place
capacity is enforced: it only moves by a conditional UPDATE and a check constraint keeps it within
``0..capacity``, so two phones racing for the last place cannot both win, on any database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_LENGTH = 2000


class Purpose(models.TextChoices):
    INTAKE = "intake", _("Intake")
    PLAN_REVIEW = "plan_review", _("Review of my action plan")
    JOINT_TALK = "joint_talk", _("Talk together with VDAB or Actiris")
    QUESTION = "question", _("A question")


class Mode(models.TextChoices):
    OFFICE = "office", _("At the office")
    VIDEO = "video", _("Video call")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Agenda(models.Model):
    """The bookable hours of one case manager, or (no owner) the agency's general desk."""

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda",
    )
    name = models.CharField(_("name"), max_length=120)
    # The languages spoken in the talk; a learner who speaks none of them is offered an
    # interpreter.
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_desk(self) -> bool:
        return self.owner_id is None


class WeeklyHours(models.Model):
    """A weekly block, e.g. Mondays 9:00-12:00 at the Leuven office, cut into intakes of 60
    minutes. Local wall-clock times: the block stays at 9:00 across daylight saving."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    purpose = models.CharField(_("kind of appointment"), max_length=20, choices=Purpose)
    minutes = models.PositiveSmallIntegerField(_("minutes per appointment"))
    mode = models.CharField(_("where"), max_length=10, choices=Mode, default=Mode.OFFICE)
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("people per appointment"), default=1)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["agenda", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday"),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="hours_order"
            ),
            models.CheckConstraint(condition=models.Q(minutes__gte=5), name="hours_minutes"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="hours_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.agenda} {self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def clean(self) -> None:
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The end must be after the start.")})
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end must be after the start.")})


class Closure(models.Model):
    """A one-off exception: a holiday, a sick day, a training. No slot starts inside it."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="closure_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agenda} {self.starts_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class SlotSource(models.TextChoices):
    WEEKLY = "weekly", _("Weekly hours")
    BACKOFFICE = "backoffice", _("Agency back office")


class Slot(models.Model):
    """One bookable time. Rows for weekly hours are made when first booked; the back office's
    slots are rows from the start (``external_id``, ``version``)."""

    agenda = models.ForeignKey(Agenda, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.CharField(_("kind of appointment"), max_length=20, choices=Purpose)
    mode = models.CharField(_("where"), max_length=10, choices=Mode, default=Mode.OFFICE)
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("people per appointment"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    source = models.CharField(max_length=20, choices=SlotSource, default=SlotSource.WEEKLY)
    external_id = models.CharField(_("back-office id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Withdrawn by the back office: not offered any more; bookings on it stay until moved.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda", "starts_at", "purpose"], name="slot_one_per_time"
            ),
            models.UniqueConstraint(
                fields=["agenda", "external_id"],
                condition=~models.Q(external_id=""),
                name="slot_external_id_unique",
            ),
            # Capacity, enforced where no race can win.
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_within_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_order"
            ),
        ]
        indexes = [models.Index(fields=["agenda", "starts_at"], name="slot_agenda_time_idx")]

    def __str__(self) -> str:
        return f"{self.agenda} {self.starts_at:%Y-%m-%d %H:%M} {self.purpose}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    MOVED = "moved", _("Moved to another time")
    ATTENDED = "attended", _("Took place")
    NO_SHOW = "no_show", _("Did not come")


# Bookings that hold a place in their slot.
HOLDING = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


class Booking(models.Model):
    """A learner's place in a slot. Cancelling or moving keeps the row (the audit trail);
    a move points to the booking that replaced it."""

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="bookings"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus, default=BookingStatus.BOOKED
    )
    # The language an interpreter should speak; empty when none is needed.
    interpreter_language = models.CharField(_("interpreter language"), max_length=8, blank=True)
    # Decided when the interpreter was asked for: the contract was valid on the day of the talk.
    interpreter_cost_covered = models.BooleanField(_("interpreter cost covered"), default=False)
    client_uuid = models.UUIDField(unique=True)
    client_time = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moved_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_from"
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "learner"],
                condition=models.Q(status__in=HOLDING),
                name="booking_once_per_slot",
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"], name="booking_learner_idx")]

    def __str__(self) -> str:
        return f"{self.learner} @ {self.slot}"


class Note(models.Model):
    """What the case manager writes after a talk: coaching, never enforcement. Signals live in
    the trajectory app, reach the back office, and are never made from a note."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="note")
    text = models.TextField(_("note"), max_length=NOTE_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note after the talk")
        verbose_name_plural = _("notes after the talk")

    def __str__(self) -> str:
        return f"note {self.booking_id}"


class WaitlistEntry(models.Model):
    """A learner waiting for a free time of one kind; told when a place frees up."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    purpose = models.CharField(_("kind of appointment"), max_length=20, choices=Purpose)
    created_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "purpose"],
                condition=models.Q(ended_at__isnull=True),
                name="waitlist_once_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} waits for {self.purpose}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("The day before")
    TWO_HOURS = "two_hours", _("Two hours before")


class Reminder(models.Model):
    """A reminder that went out. Its uniqueness is what makes sending idempotent."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind)
    # The slot time it was about: a moved booking gets reminders of its own.
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.booking_id}"


class CalendarFeed(models.Model):
    """The secret address of a learner's personal calendar feed. Revoking deletes the row; a
    new one gets a new token, so an address once shared stops working at once."""

    learner = models.OneToOneField(
        "profiles.LearnerProfile", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed {self.learner_id}"
