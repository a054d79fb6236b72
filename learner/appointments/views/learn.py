"""The learner's appointments: what is booked, free times to book, "I can't come", moving.

Booking goes through the offline write path (``appointments.booking.request``): from a form
without JavaScript via ``command_apply``, from the page's script via the outbox, so a request
made offline is confirmed or refused once it reaches the server.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learner.appointments import commands, selectors
from learner.appointments.models import Booking, BookingStatus, Purpose
from learner.appointments.services import booking as services
from learner.profiles.models import LearnerProfile
from learner.trajectory.selectors import view_of
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portal.shell.throttling import BookingThrottle, too_many_message
from portal.sync.services import command_apply

# Days of free times on one page; "later" pages on.
PAGE_DAYS = 7


class _TooMany(Exception):
    """The learner is past the booking limit: the page again, with the message, as 429."""


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


def _profile(request: HttpRequest) -> LearnerProfile:
    profile = (
        LearnerProfile.objects.filter(user=_user(request))
        .select_related("user", "agency", "trajectory_state")
        .first()
    )
    if profile is None:
        raise Http404
    return profile


@role_required(Role.LEARNER)
def home(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    bookings = list(selectors.bookings_for_learner(profile))
    now = timezone.now()
    upcoming = [b for b in bookings if b.status == BookingStatus.BOOKED and b.slot.ends_at > now]
    past = [b for b in bookings if b not in upcoming][-5:]
    return render(
        request,
        "appointments/home.html",
        {
            "upcoming": upcoming,
            "past": reversed(past),
            "purposes": Purpose.choices,
            "waiting": list(selectors.waitlist_of(profile)),
        },
    )


def _purpose(request: HttpRequest) -> str:
    purpose = request.GET.get("purpose") or request.POST.get("purpose") or ""
    return purpose if purpose in Purpose.values else ""


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """Free times of one kind, a week at a time; one tap on a time books it."""
    profile = _profile(request)
    purpose = _purpose(request)
    if not purpose:
        return render(request, "appointments/purpose.html", {"purposes": Purpose.choices})
    moving = _moving(request, profile)
    status = 200
    taken: list[selectors.Offer] | None = None
    if request.method == "POST":
        try:
            result = _book(request, profile, moving)
        except _TooMany:
            result, status = [], 429
        if isinstance(result, HttpResponse):
            return result
        taken = result
    agendas = list(selectors.agendas_for_learner(profile))
    today = timezone.localdate()
    first = parse_date(request.GET.get("from", "")) or today
    first = min(max(first, today), today + timedelta(days=settings.APPOINTMENTS_HORIZON_DAYS))
    offers = selectors.offers(agendas, purpose=purpose, first=first, days=PAGE_DAYS)
    days = [(day, list(items)) for day, items in groupby(offers, key=_local_day)]
    later = first + timedelta(days=PAGE_DAYS)
    languages = {agenda.pk: services.interpreter_for(profile, agenda) for agenda in agendas}
    interpreter = next((code for code in languages.values() if code), "")
    return render(
        request,
        "appointments/book.html",
        {
            "purpose": purpose,
            "purpose_label": Purpose(purpose).label,
            "days": days,
            "first": first,
            "earlier": first - timedelta(days=PAGE_DAYS) if first > today else None,
            "later": later
            if later <= today + timedelta(days=settings.APPOINTMENTS_HORIZON_DAYS)
            else None,
            "moving": moving,
            "taken": taken,
            "interpreter": interpreter,
            "interpreter_covered": _covered_today(profile) if interpreter else False,
            "waiting": selectors.waitlist_of(profile).filter(purpose=purpose).exists(),
            "agendas": agendas,
            "command": uuid.uuid4(),
        },
        status=status,
    )


def _local_day(offer: selectors.Offer) -> date:
    return timezone.localdate(offer.starts_at)


def _covered_today(profile: LearnerProfile) -> bool:
    trajectory = view_of(profile).trajectory
    return bool(trajectory and trajectory.interpreter_covered)


def _moving(request: HttpRequest, profile: LearnerProfile) -> Booking | None:
    raw = request.GET.get("move") or request.POST.get("move")
    if not raw:
        return None
    try:
        booking = selectors.booking_for_learner(profile, int(raw))
    except ValueError:
        booking = None
    if booking is None or booking.status != BookingStatus.BOOKED:
        raise Http404
    return booking


def _book(
    request: HttpRequest, profile: LearnerProfile, moving: Booking | None
) -> HttpResponse | list[selectors.Offer]:
    """Book (or move to) the chosen time; on a lost race, the next free times to show."""
    key = request.POST.get("slot", "")
    interpreter = request.POST.get("interpreter") == "on"
    if moving is not None:
        return _move(request, profile, moving, key)
    answer = command_apply(
        user=_user(request),
        command=request.POST.get("command", ""),
        kind="appointments.booking.request",
        payload={"slot": key, "interpreter": interpreter},
    )
    if answer.status in {"applied", "duplicate"}:
        messages.success(request, _("Your appointment is booked."))
        return redirect("appointments:booking", booking_id=answer.result["booking"])
    if answer.reason == "slot_taken":
        parsed = selectors.parse_key(key)
        return selectors.alternatives(profile, parsed[1] if parsed else _purpose(request))
    messages.error(request, answer.message)
    if answer.reason == "too_many":
        raise _TooMany
    return []


def _move(
    request: HttpRequest, profile: LearnerProfile, moving: Booking, key: str
) -> HttpResponse | list[selectors.Offer]:
    throttle = BookingThrottle(_user(request))
    if not throttle.allow():
        messages.error(request, too_many_message(throttle.wait()))
        raise _TooMany
    parsed = selectors.parse_key(key)
    agenda = selectors.agendas_for_learner(profile).filter(pk=parsed[0]).first() if parsed else None
    if parsed is None or agenda is None:
        messages.error(request, _("Something in this entry is missing or wrong."))
        return []
    try:
        new = services.booking_move(
            booking=moving,
            actor=_user(request),
            agenda=agenda,
            starts_at=parsed[2],
            client_uuid=_command(request),
        )
    except services.SlotTaken as taken:
        return taken.alternatives
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return []
    messages.success(request, _("Your appointment is moved."))
    return redirect("appointments:booking", booking_id=new.pk)


def _command(request: HttpRequest) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("command", ""))
    except ValueError:
        return uuid.uuid4()


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    """One appointment: when, where, interpreter; add to a calendar; "I can't come"."""
    profile = _profile(request)
    found = selectors.booking_for_learner(profile, booking_id)
    if found is None:
        raise Http404
    if request.method == "POST":
        answer = command_apply(
            user=_user(request),
            command=request.POST.get("command", ""),
            kind="appointments.booking.cancel",
            payload={"booking": found.pk},
        )
        if answer.status in {"applied", "duplicate"}:
            messages.success(request, _("Your appointment is cancelled. Thank you for telling us."))
            return redirect("appointments:home")
        messages.error(request, answer.message)
    return render(
        request,
        "appointments/booking.html",
        {
            "booking": found,
            "slot": found.slot,
            "open": found.status == BookingStatus.BOOKED and found.slot.ends_at > timezone.now(),
            "command": uuid.uuid4(),
            "when": commands.when(found.slot.starts_at),
        },
    )


@role_required(Role.LEARNER)
@require_POST
def waitlist(request: HttpRequest) -> HttpResponse:
    """Join or leave the waitlist for one kind of appointment."""
    profile = _profile(request)
    purpose = _purpose(request)
    if not purpose:
        raise Http404
    if request.POST.get("action") == "leave":
        services.waitlist_leave(learner=profile, purpose=purpose)
        messages.success(request, _("You are no longer on the waitlist."))
    else:
        services.waitlist_join(learner=profile, purpose=purpose)
        messages.success(
            request, _("You are on the waitlist. You get a message when a time frees up.")
        )
    return redirect(f"{reverse('appointments:book')}?purpose={purpose}")
