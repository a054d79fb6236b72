"""Background work of the appointments app (Django Tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from learner.appointments.services.reminders import reminder_send


@task()
def reminder_send_task(booking_id: int, kind: str) -> bool:
    """Queued with ``run_after`` at the reminder's time; safe to run more than once."""
    return reminder_send(booking_id=booking_id, kind=kind)
