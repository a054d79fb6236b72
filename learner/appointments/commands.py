"""Booking commands of the offline outbox (see ``portal.sync.registry``).

A booking made offline is a *request*: it is applied when the phone is back online, and the
answer (booked, or taken with the next free times) reaches the phone as the command's answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from learner.appointments import selectors
from learner.appointments.services import booking as services
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role
from portal.shell.throttling import BookingThrottle, too_many_message
from portal.sync.registry import Context, Rejected, command


def _learner(context: Context) -> LearnerProfile:
    profile = (
        LearnerProfile.objects.filter(user=context.user).select_related("user", "agency").first()
    )
    if profile is None:
        raise Rejected("no_dossier", _("Your dossier is not available yet. Ask your case manager."))
    return profile


def when(starts_at: datetime) -> str:
    """A slot's time as the learner reads it, in their language."""
    return formats.date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")


def taken_message(alternatives: list[selectors.Offer]) -> str:
    if not alternatives:
        return _("Someone else just took this time, and there is no other free time now.")
    return _("Someone else just took this time. Free times: %(times)s.") % {
        "times": "; ".join(when(offer.starts_at) for offer in alternatives)
    }


@command("appointments.booking.request", roles={Role.LEARNER})
def booking_request(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{slot: key, interpreter: bool}`` → ``{booking, starts_at}``, or rejected
    ``slot_taken`` with the next free times in the message."""
    profile = _learner(context)
    # Counted here, so a form, the outbox and a script are held to one limit.
    throttle = BookingThrottle(context.user)
    if not throttle.allow():
        raise Rejected("too_many", too_many_message(throttle.wait()))
    parsed = selectors.parse_key(str(payload.get("slot", "")))
    if parsed is None:
        raise ValidationError(_("Something in this entry is missing or wrong."))
    agenda_id, purpose, starts_at = parsed
    agenda = selectors.agendas_for_learner(profile).filter(pk=agenda_id).first()
    if agenda is None:
        raise Rejected("not_found", _("This agenda is not open to you."))
    try:
        booking = services.slot_book(
            learner=profile,
            actor=context.user,
            agenda=agenda,
            purpose=purpose,
            starts_at=starts_at,
            interpreter=bool(payload.get("interpreter")),
            client_uuid=context.uuid,
            client_time=context.client_time,
        )
    except services.SlotTaken as taken:
        raise Rejected("slot_taken", taken_message(taken.alternatives)) from taken
    return {"booking": booking.pk, "starts_at": booking.slot.starts_at.isoformat()}


@command("appointments.booking.cancel", roles={Role.LEARNER})
def booking_cancel(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{booking}`` → ``{booking, status}``: "I can't come", also from an offline phone."""
    profile = _learner(context)
    try:
        booking_id = int(payload["booking"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    booking = selectors.booking_for_learner(profile, booking_id)
    if booking is None:
        raise Rejected("not_found", _("This appointment is not there any more."))
    booking = services.booking_cancel(booking=booking, actor=context.user)
    return {"booking": booking.pk, "status": booking.status}
