"""Reminders the day before and two hours before: in the app, and by Web Push to the phone.

Each is queued as a task at its time when the booking is made. Sending is idempotent: the
``Reminder`` row (unique per booking and kind) is written in the same transaction as the
event, so a task that runs twice, or a booking moved or cancelled meanwhile, sends nothing more.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from learner.appointments import rules, selectors
from learner.appointments.models import Booking, BookingStatus, Reminder, ReminderKind
from portal.events.services import event_record
from portal.notifications.push import push_send_after_commit


def reminders_schedule(*, booking: Booking, now: datetime | None = None) -> list[str]:
    """Queue the reminders still ahead of ``now``; returns their kinds."""
    from learner.appointments.tasks import reminder_send_task  # tasks import the services

    now = now or timezone.now()
    queued = []
    for kind in ReminderKind.values:
        at = rules.reminder_at(kind, booking.slot.starts_at, selectors.zone())
        if at > now:
            reminder_send_task.using(run_after=at).enqueue(booking.pk, kind)
            queued.append(kind)
    return queued


def reminder_send(*, booking_id: int, kind: str, now: datetime | None = None) -> bool:
    """Send one reminder if it is due and not sent yet; False when there is nothing to send.

    Emits ``appointments.reminder.sent`` (the learner's in-app notification comes from it).
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .select_related("slot", "learner__user", "learner__agency")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None or booking.status != BookingStatus.BOOKED:
            return False
        if now >= booking.slot.starts_at:
            return False
        if now < rules.reminder_at(kind, booking.slot.starts_at, selectors.zone()):
            return False  # too early (a clock far off): the queued task comes back on time
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    booking=booking, kind=kind, starts_at=booking.slot.starts_at, sent_at=now
                )
        except IntegrityError:
            return False  # sent before
        event_record(
            code="appointments.reminder.sent",
            actor=None,
            learner=booking.learner.user,
            agency=booking.learner.agency,
            payload={
                "booking": booking.pk,
                "kind": kind,
                "purpose": booking.slot.purpose,
                "starts_at": booking.slot.starts_at.isoformat(),
            },
        )
        push_send_after_commit(user_id=booking.learner.user_id)
    return True
