"""Screens of the appointments app: one module per audience."""

from learner.appointments.views.learn import book, booking, home, waitlist
from learner.appointments.views.staff import agenda, hours, staff_booking

__all__ = ["agenda", "book", "booking", "home", "hours", "staff_booking", "waitlist"]
