"""Calendar files (RFC 5545) of a learner's appointments: one booking, or the personal feed.

Times go out in UTC (``DTSTART:…Z``), so no calendar app has to know Brussels' daylight-saving
rules. Each booking keeps one UID for good, so importing a file twice or subscribing after a
download never doubles an appointment. Cancelled and moved bookings stay in the feed a while as
``STATUS:CANCELLED``: calendar apps remove the appointment instead of keeping a stale one.
Nothing about the dossier (its number, the case manager's notes) goes in.

Strings are in the active language: callers wrap the build in ``translation.override``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from learner.appointments.models import (
    HOLDING,
    Booking,
    BookingStatus,
    CalendarFeed,
    Mode,
    Purpose,
)
from learner.profiles.models import LearnerProfile

PRODID = "-//Inburgering portal//Appointments//EN"
# How long a cancelled or moved appointment stays in the feed, and a past one too.
KEEP = timedelta(days=30)
# The reminders a calendar app shows (the portal sends its own at the same moments).
ALARMS = (timedelta(days=1), timedelta(hours=2))
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_LENGTH = 43
_TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def uid_domain() -> str:
    """The right-hand part of every UID: the portal's first named host, the same on every
    request (a UID that changed would double the appointments in the learner's calendar)."""
    return next(
        (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*" and "[" not in h),
        "localhost",
    )


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.pk}@{uid_domain()}"


def feed_bookings(learner: LearnerProfile, *, now: datetime) -> QuerySet[Booking]:
    """What the feed shows: appointments ahead and of the last 30 days, and the ones cancelled
    or moved in the last 30 days (as cancelled)."""
    since = now - KEEP
    return (
        Booking.objects.filter(learner=learner)
        .filter(
            Q(status__in=HOLDING, slot__ends_at__gte=since)
            | Q(status__in=(BookingStatus.CANCELLED, BookingStatus.MOVED), ended_at__gte=since)
        )
        .select_related("slot__agenda")
        .order_by("slot__starts_at", "id")
    )


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed this secret opens, or None. Malformed tokens never reach the database; the
    final comparison is constant-time (and exact, whatever the database's collation)."""
    if len(token) != TOKEN_LENGTH or not set(token) <= _TOKEN_ALPHABET:
        return None
    feed = (
        CalendarFeed.objects.filter(token=token)
        .select_related("learner__user", "learner__agency")
        .first()
    )
    if feed is None or not secrets.compare_digest(feed.token, token):
        return None
    return feed


def calendar_of(
    bookings: Iterable[Booking],
    *,
    now: datetime,
    name: str | None = None,
    link: Callable[[Booking], str] | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """A VCALENDAR (``METHOD:PUBLISH``) with one VEVENT per booking, as bytes for the response.

    ``link`` gives the address of a booking's page (to move or cancel it); ``refresh`` tells
    subscribed calendar apps how often to fetch the feed again.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or _("My appointments"))
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", refresh)
    for booking in bookings:
        calendar.add_component(_event(booking, now=now, link=link))
    return calendar.to_ical()


def _event(booking: Booking, *, now: datetime, link: Callable[[Booking], str] | None) -> Event:
    slot = booking.slot
    cancelled = booking.status in (BookingStatus.CANCELLED, BookingStatus.MOVED)
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("created", booking.created_at.astimezone(UTC))
    event.add("last-modified", (booking.ended_at or booking.created_at).astimezone(UTC))
    # Grows with every change the app must take over: a new slot version, then the cancelling.
    event.add("sequence", max(slot.version - 1, 0) + int(cancelled))
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    event.add("summary", _summary(booking))
    event.add("location", _location(booking))
    event.add("description", _description(booking))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if link is not None:
        event.add("url", link(booking))
    if not cancelled:
        for before in ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _summary(booking))
            alarm.add("trigger", -before)
            event.add_component(alarm)
    return event


def _summary(booking: Booking) -> str:
    purpose = Purpose(booking.slot.purpose).label
    if booking.slot.agenda.is_desk:
        return _("Appointment at the agency: %(purpose)s") % {"purpose": purpose}
    return _("Appointment with your case manager: %(purpose)s") % {"purpose": purpose}


def _location(booking: Booking) -> str:
    slot = booking.slot
    if slot.mode == Mode.VIDEO:
        return str(Mode.VIDEO.label)
    return slot.place or str(Mode(slot.mode).label)


def _to_bring(purpose: str) -> str:
    texts = {
        Purpose.INTAKE: _("Bring your identity card or residence card."),
        Purpose.PLAN_REVIEW: _("Bring your action plan and your questions about it."),
        Purpose.JOINT_TALK: _("Bring your identity card and the letters from VDAB or Actiris."),
        Purpose.QUESTION: _("Bring the letters or papers your question is about."),
    }
    return texts.get(Purpose(purpose), "")


def _description(booking: Booking) -> str:
    slot = booking.slot
    lines = []
    if booking.status == BookingStatus.MOVED:
        lines.append(_("This appointment was moved to another time."))
    elif booking.status == BookingStatus.CANCELLED:
        lines.append(_("This appointment was cancelled."))
    if slot.mode == Mode.VIDEO:
        lines.append(_("This is a video call."))
        if slot.place:
            lines.append(slot.place)
    lines.append(_to_bring(slot.purpose))
    if booking.interpreter_language:
        lines.append(
            _("An interpreter who speaks %(language)s will be there.")
            % {"language": language_name(booking.interpreter_language)}
        )
    return "\n".join(line for line in lines if line)


def language_name(code: str) -> str:
    """A language's name in the active language; the code itself when Django does not know it
    (interpreters speak languages the portal has no catalog for)."""
    names = dict(settings.LANGUAGES)
    if code in names:
        return str(names[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code.upper()
