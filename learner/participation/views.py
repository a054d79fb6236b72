"""Pillar 4 screens: the learner logs hours, the buddy or host confirms, the coordinator directs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from learner.participation import documents, forms, selectors, services
from learner.participation.models import ActivityStatus, HostOrganisation
from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learner_for, learners_visible_to
from learner.trajectory import rules
from learner.trajectory import selectors as trajectory_selectors
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portal.sync.services import commands_apply


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


def _profile(request: HttpRequest) -> LearnerProfile:
    profile = (
        LearnerProfile.objects.filter(user=_user(request))
        .select_related("municipality", "trajectory_state")
        .first()
    )
    if profile is None:
        raise Http404
    return profile


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    activities = selectors.activities_open_to(profile)
    entries = list(selectors.entries_of(profile))
    correcting = _correcting(request, entries)
    hours_form = forms.HoursForm(
        request.POST if request.POST.get("form") == "hours" else None,
        activities=activities,
        initial=correcting,
    )
    proposal_form = forms.ProposalForm(
        request.POST if request.POST.get("form") == "proposal" else None
    )
    if hours_form.is_bound and hours_form.is_valid() and _log(request, hours_form):
        return redirect("participation:home")
    if proposal_form.is_bound and proposal_form.is_valid():
        try:
            services.activity_propose(learner=profile, **proposal_form.cleaned_data)
        except ValidationError as exc:
            proposal_form.add_error(None, exc)
        else:
            messages.success(request, _("Your activity is proposed. Your coordinator answers."))
            return redirect("participation:home")
    return render(
        request,
        "participation/home.html",
        {
            "progress": _progress(profile, entries),
            "entries": entries,
            "hours_form": hours_form,
            "proposal_form": proposal_form,
            "has_activities": activities.exists(),
            "correcting": bool(correcting),
            "proposals": selectors.proposals_of(profile),
        },
    )


def _correcting(request: HttpRequest, entries: list[Any]) -> dict[str, Any]:
    wanted = request.GET.get("correct", "")
    entry = next((e for e in entries if str(e.pk) == wanted), None)
    if entry is None or hasattr(entry, "superseded_by"):
        return {}
    return {
        "supersedes": entry.pk,
        "activity": entry.activity_id,
        "day": entry.day,
        "hours": entry.minutes // 60,
        "minutes": entry.minutes % 60 // 15 * 15,
        "note": entry.note,
    }


def _log(request: HttpRequest, form: forms.HoursForm) -> bool:
    """The same write path as the offline outbox: one command, applied once."""
    data = form.cleaned_data
    payload = {
        "activity": data["activity"].pk,
        "day": data["day"].isoformat(),
        "minutes": data["hours"] * 60 + data["minutes"],
        "note": data["note"],
        "supersedes": data.get("supersedes"),
    }
    command = {
        "uuid": data["command"],
        "type": "participation.hours.log",
        "payload": payload,
        "created_at": timezone.now(),
    }
    [answer] = commands_apply(user=_user(request), commands=[command])
    if answer.status in {"applied", "duplicate"}:
        messages.success(request, _("Your hours are saved. Your buddy or host confirms them."))
        return True
    form.add_error(None, answer.message or _("These hours could not be saved."))
    return False


def _progress(profile: LearnerProfile, entries: list[Any]) -> dict[str, Any]:
    summary = selectors.summary_of(entries)
    view = trajectory_selectors.view_of(profile)
    target = (
        view.rule_set.participation_hours
        if view.rule_set
        # Before a contract: the hours of the rule set in force today.
        else trajectory_selectors.rule_set_in_force(timezone.localdate()).participation_hours
    )
    pillar = view.trajectory.pillars.get(rules.Pillar.PARTICIPATION) if view.trajectory else None
    projection = (
        rules.participation_projection(view.facts, view.rule_set, timezone.localdate())
        if view.facts and view.rule_set
        else None
    )
    return {
        "target": target,
        "confirmed": summary.confirmed_minutes / 60,
        "waiting": summary.waiting_minutes / 60,
        "refused": summary.refused_minutes / 60,
        "percent": min(100, round(summary.confirmed_minutes / 60 / max(target, 1) * 100)),
        "optional": pillar is not None and pillar.status == rules.Status.OPTIONAL,
        "met": pillar is not None and pillar.status in rules.DONE,
        "projection": projection,
        "deadline": pillar.deadline if pillar else None,
    }


@role_required(Role.LEARNER)
def proof(request: HttpRequest) -> HttpResponse:
    return _pdf(_profile(request))


@role_required(Role.CASE_MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR)
def proof_of(request: HttpRequest, dossier_number: str) -> HttpResponse:
    try:
        profile = learner_for(user=_user(request), dossier_number=dossier_number)
    except LearnerProfile.DoesNotExist as exc:
        raise Http404 from exc
    return _pdf(profile)


def _pdf(profile: LearnerProfile) -> HttpResponse:
    response = HttpResponse(documents.hours_proof_pdf(profile), content_type="application/pdf")
    name = f"participatie-{profile.dossier_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"  # personal: never kept by a cache
    return response


@role_required(Role.BUDDY)
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    contact = _user(request)
    waiting = list(selectors.waiting_for(contact))
    form = forms.DecideForm(request.POST or None, entry_ids=[e.pk for e in waiting])
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("decision") == "confirm"
        try:
            done = services.hours_decide(
                contact=contact,
                entry_ids=form.cleaned_data["entries"],
                confirm=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            text = (
                ngettext("%(count)d entry confirmed.", "%(count)d entries confirmed.", len(done))
                if approve
                else ngettext("%(count)d entry refused.", "%(count)d entries refused.", len(done))
            )
            messages.success(request, text % {"count": len(done)})
            return redirect("participation:confirm")
    return render(
        request,
        "participation/confirm.html",
        {"waiting": waiting, "form": form, "linked": selectors.linked_to(contact)},
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def coordinate(request: HttpRequest) -> HttpResponse:
    coordinator = _user(request)
    if coordinator.municipality_id is None or coordinator.agency_id is None:
        raise PermissionDenied  # a coordinator directs one municipality of one agency
    activities = selectors.coordinator_scope(coordinator)
    hosts = HostOrganisation.objects.filter(municipality_id=coordinator.municipality_id)
    learners = (
        learners_visible_to(user=coordinator)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    contacts = User.objects.filter(
        role=Role.BUDDY, is_active=True, agency_id=coordinator.agency_id
    ).order_by("last_name", "first_name")
    posted = request.POST.get("form") if request.method == "POST" else None

    def bound(name: str) -> Any:
        return request.POST if posted == name else None

    host_form = forms.HostForm(bound("host"))
    activity_form = forms.ActivityForm(bound("activity"), hosts=hosts)
    link_form = forms.LinkForm(
        bound("link"),
        learners=learners,
        contacts=contacts,
        activities=activities.filter(
            status__in=[ActivityStatus.PUBLISHED, ActivityStatus.APPROVED]
        ),
    )
    handlers = {
        "host": (host_form, lambda data: services.host_create(actor=coordinator, **data)),
        "activity": (
            activity_form,
            lambda data: services.activity_publish(actor=coordinator, **data),
        ),
        "link": (link_form, lambda data: services.contact_link(actor=coordinator, **data)),
    }
    if posted in handlers:
        form, write = handlers[posted]
        if form.is_valid():
            try:
                write(form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("participation:coordinate")
    if posted == "decide":
        wanted = request.POST.get("activity", "")
        proposal = activities.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if proposal is None:
            raise Http404
        try:
            services.activity_decide(
                actor=coordinator,
                activity=proposal,
                approve=request.POST.get("decision") == "approve",
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("participation:coordinate")
    return render(
        request,
        "participation/coordinate.html",
        {
            "activities": activities.exclude(status=ActivityStatus.PROPOSED),
            "proposals": activities.filter(status=ActivityStatus.PROPOSED),
            "hosts": hosts,
            "links": selectors.links_for(coordinator),
            "host_form": host_form,
            "activity_form": activity_form,
            "link_form": link_form,
        },
    )
