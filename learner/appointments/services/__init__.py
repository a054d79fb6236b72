"""Writes of the appointments app: hours (staff), bookings (learners), reminders (tasks)."""
