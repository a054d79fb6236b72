"""Appointments in the learner's own calendar app: one booking as a file, or a private feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from learner.appointments import calendar as ics
from learner.appointments import selectors
from learner.appointments.models import Booking, CalendarFeed
from learner.appointments.services.calendar import calendar_feed_renew, calendar_feed_revoke
from learner.profiles.models import LearnerProfile
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar apps fetch a feed every few hours at most; a quarter of an hour spares the portal
# an app that asks more often, and a change still shows the same day.
FEED_MAX_AGE = 900


def _profile(request: HttpRequest) -> LearnerProfile:
    user: User = request.user  # type: ignore[assignment]  # role_required let only learners in
    profile = LearnerProfile.objects.filter(user=user).first()
    if profile is None:
        raise Http404
    return profile


def _booking_link(request: HttpRequest) -> Callable[[Booking], str]:
    def link(booking: Booking) -> str:
        return request.build_absolute_uri(reverse("appointments:booking", args=[booking.pk]))

    return link


@role_required(Role.LEARNER)
@require_GET
def booking_ics(request: HttpRequest, booking_id: int) -> HttpResponse:
    """One of the learner's own bookings as an .ics file (another's: not found)."""
    booking = selectors.booking_for_learner(_profile(request), booking_id)
    if booking is None:
        raise Http404
    body = ics.calendar_of(
        [booking], now=timezone.now(), name=_("Appointment"), link=_booking_link(request)
    )
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="appointment-{booking.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The feed's address, to add to a calendar app; make a new one, or stop it."""
    profile = _profile(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew":
            calendar_feed_renew(learner=profile)
            messages.success(
                request,
                _("Your calendar address is ready. An address you had before no longer works."),
            )
        elif action == "revoke":
            calendar_feed_revoke(learner=profile)
            messages.success(request, _("Your calendar address no longer works."))
        return redirect("appointments:calendar")
    feed = CalendarFeed.objects.filter(learner=profile).first()
    address = webcal = ""
    if feed is not None:
        address = request.build_absolute_uri(reverse("appointments:feed", args=[feed.token]))
        webcal = "webcal://" + address.split("://", 1)[1]
    return render(
        request,
        "appointments/calendar.html",
        {"feed": feed, "address": address, "webcal": webcal},
    )


@require_safe  # calendar apps may ask HEAD first
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's appointments for their calendar app: no sign-in, the secret address is the
    key. In the learner's language, whatever the app asks for."""
    found = ics.feed_for_token(token)
    if found is None:
        raise Http404
    learner = found.learner
    now = timezone.now()
    with translation.override(learner.user.preferred_language):
        body = ics.calendar_of(
            ics.feed_bookings(learner, now=now),
            now=now,
            link=_booking_link(request),
            refresh=timedelta(hours=1),
        )
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    return response
