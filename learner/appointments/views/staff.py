"""The case manager's agenda: the day or week, weekly hours and closures, how a talk went."""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learner.appointments import forms, selectors
from learner.appointments.models import Agenda
from learner.appointments.services import booking as services
from learner.appointments.services import hours as hours_services
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portfolio.services.access import dossier_access_record

STAFF = (Role.CASE_MANAGER, Role.AGENCY_ADMIN)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


def _agendas(request: HttpRequest) -> list[Agenda]:
    user = _user(request)
    if user.role == Role.CASE_MANAGER:
        hours_services.agenda_of(user=user)  # made on first visit
    if user.agency is not None:
        hours_services.desk_of(agency=user.agency)
    return list(selectors.agendas_for_staff(user))


def _number(raw: str | None) -> int:
    """An id from a form; anything else finds nothing (0 is never an id)."""
    try:
        return int(raw or 0)
    except ValueError:
        return 0


@role_required(*STAFF)
def agenda(request: HttpRequest) -> HttpResponse:
    """Bookings of a day or a week, with how many places are still free each day."""
    agendas = _agendas(request)
    today = timezone.localdate()
    first = parse_date(request.GET.get("day", "")) or today
    span = 7 if request.GET.get("span") == "week" else 1
    if span == 7:
        first -= timedelta(days=first.weekday())
    bookings = list(
        selectors.agenda_bookings(
            selectors.agendas_for_staff(_user(request)), first=first, days=span
        )
    )
    offers = selectors.offers(agendas, first=first, days=span, include_full=True)
    free: dict[object, int] = {}
    for offer in offers:
        day = timezone.localdate(offer.starts_at)
        free[day] = free.get(day, 0) + offer.free
    by_day = [
        (day, list(items))
        for day, items in groupby(bookings, key=lambda b: timezone.localdate(b.slot.starts_at))
    ]
    return render(
        request,
        "appointments/agenda.html",
        {
            "days": by_day,
            "free": sorted(free.items()),
            "first": first,
            "last": first + timedelta(days=span - 1),
            "span": "week" if span == 7 else "day",
            "previous": first - timedelta(days=span),
            "next": first + timedelta(days=span),
            "now": timezone.now(),
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest) -> HttpResponse:
    """Weekly hours, closures and languages of one agenda (own, or the agency's desk)."""
    agendas = _agendas(request)
    if not agendas:
        raise Http404
    user = _user(request)
    own = next((a for a in agendas if a.owner_id == user.pk), agendas[0])
    chosen = next((a for a in agendas if str(a.pk) == request.GET.get("agenda")), own)
    action = request.POST.get("action", "")
    hours_form = forms.HoursForm(request.POST if action == "hours" else None)
    closure_form = forms.ClosureForm(request.POST if action == "closure" else None)
    languages_form = forms.LanguagesForm(
        request.POST if action == "languages" else None,
        initial={"languages": chosen.languages},
    )
    here = f"{reverse('appointments:hours')}?agenda={chosen.pk}"
    try:
        if action == "hours" and hours_form.is_valid():
            hours_services.hours_save(user=user, agenda=chosen, values=hours_form.cleaned_data)
            messages.success(request, _("The hours are saved."))
            return redirect(here)
        if action == "delete_hours":
            block = chosen.weekly_hours.filter(pk=_number(request.POST.get("hours"))).first()
            if block is None:
                raise Http404
            hours_services.hours_delete(user=user, hours=block)
            messages.success(request, _("The hours are removed. Booked appointments stay."))
            return redirect(here)
        if action == "closure" and closure_form.is_valid():
            hours_services.closure_add(user=user, agenda=chosen, **closure_form.cleaned_data)
            messages.success(request, _("The closure is saved. Check the bookings in it."))
            return redirect(here)
        if action == "delete_closure":
            closure = chosen.closures.filter(pk=_number(request.POST.get("closure"))).first()
            if closure is None:
                raise Http404
            hours_services.closure_delete(user=user, closure=closure)
            return redirect(here)
        if action == "languages" and languages_form.is_valid():
            hours_services.agenda_languages_set(
                user=user, agenda=chosen, languages=languages_form.cleaned_data["languages"]
            )
            messages.success(request, _("The languages are saved."))
            return redirect(here)
    except ValidationError as exc:
        form = hours_form if action == "hours" else closure_form
        for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
            form.add_error(field if field in form.fields else None, errors)
        if not hasattr(exc, "error_dict"):
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "appointments/hours.html",
        {
            "agendas": agendas,
            "chosen": chosen,
            "blocks": chosen.weekly_hours.all(),
            "closures": chosen.closures.filter(ends_at__gt=timezone.now()),
            "hours_form": hours_form,
            "closure_form": closure_form,
            "languages_form": languages_form,
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def staff_booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    """One booking: the learner, the interpreter, how it went, the note after the talk."""
    user = _user(request)
    found = selectors.booking_for_staff(user, booking_id)
    if found is None:
        raise Http404
    # The page names the learner without a dossier number in its URL: logged here, so the
    # learner sees this visit in their access list like every other staff look at their dossier.
    dossier_access_record(
        staff=user, learner=found.learner, what="appointments:staff_booking", path=request.path
    )
    action = request.POST.get("action", "")
    outcome_form = forms.OutcomeForm(request.POST if action == "outcome" else None)
    note = getattr(found, "note", None)
    note_form = forms.NoteForm(
        request.POST if action == "note" else None,
        initial={"text": note.text if note else ""},
    )
    here = reverse("appointments:staff_booking", args=[found.pk])
    try:
        if action == "outcome" and outcome_form.is_valid():
            services.booking_outcome(
                booking=found, actor=user, status=outcome_form.cleaned_data["status"]
            )
            messages.success(request, _("Saved."))
            return redirect(here)
        if action == "note" and note_form.is_valid():
            services.note_write(booking=found, author=user, text=note_form.cleaned_data["text"])
            messages.success(request, _("The note is saved."))
            return redirect(here)
        if action == "cancel":
            services.booking_cancel(booking=found, actor=user)
            messages.success(request, _("The appointment is cancelled."))
            return redirect(here)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "appointments/staff_booking.html",
        {
            "booking": found,
            "slot": found.slot,
            "started": found.slot.starts_at <= timezone.now(),
            "outcome_form": outcome_form,
            "note_form": note_form,
        },
    )
