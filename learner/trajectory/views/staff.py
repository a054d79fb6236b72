"""Case managers' and agency admins' trajectory screens: record facts, decide, issue, advise.

Every view finds the learner through ``learner_for`` (scoped to who asks; out of scope is 404),
lets the service decide what the rules allow, and shows its refusal in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learner_for
from learner.trajectory import forms, services
from learner.trajectory.models import ExamSession, Exemption, RuleSet, Suspension
from learner.trajectory.models.facts import DeadlineComponent, ExamOutcome
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User

# Agency staff who act on a dossier; coordinators read it only.
ACTING_ROLES = (Role.CASE_MANAGER, Role.AGENCY_ADMIN)


def _user(request: HttpRequest) -> User:
    # role_required let only signed-in staff in.
    return request.user  # type: ignore[return-value]


def _learner(request: HttpRequest, dossier_number: str) -> LearnerProfile:
    user: User = request.user  # type: ignore[assignment]
    try:
        return learner_for(user=user, dossier_number=dossier_number)
    except LearnerProfile.DoesNotExist as exc:
        raise Http404 from exc


def _form_page(
    request: HttpRequest,
    *,
    profile: LearnerProfile,
    form: BaseForm,
    title: str,
    save: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """GET shows the form; a valid POST calls ``save``; a refusal keeps what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, done)
            return redirect("profiles:learner_detail", profile.dossier_number)
    return render(
        request,
        "trajectory/staff_form.html",
        {"profile": profile, "form": form, "title": title},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest, dossier_number: str) -> HttpResponse:
    profile = _learner(request, dossier_number)
    return _form_page(
        request,
        profile=profile,
        form=forms.EligibilityForm(request.POST or None),
        title=_("Register and protection status"),
        save=lambda data: services.eligibility_record(
            learner=profile,
            actor=_user(request),
            **data,
        ),
        done=_("Saved."),
    )


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def contract(request: HttpRequest, dossier_number: str) -> HttpResponse:
    profile = _learner(request, dossier_number)

    def save(data: dict[str, Any]) -> object:
        return services.contract_sign(
            learner=profile,
            signed_on=data["signed_on"],
            richttermijn=data["richttermijn"],
            deadlines={k: data[k] for k in ("mo", "nt2", "work", "participation")},
            actor=_user(request),
        )

    return _form_page(
        request,
        profile=profile,
        form=forms.ContractForm(request.POST or None, initial={"signed_on": timezone.localdate()}),
        title=_("Sign the integration contract"),
        save=save,
        done=_("The contract is signed."),
    )


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def deadline(request: HttpRequest, dossier_number: str) -> HttpResponse:
    profile = _learner(request, dossier_number)
    return _form_page(
        request,
        profile=profile,
        form=forms.DeadlineForm(request.POST or None),
        title=_("Change a deadline"),
        save=lambda data: services.contract_deadline_change(
            learner=profile,
            component=DeadlineComponent(data["component"]),
            new=data["new"],
            reason=data["reason"],
            actor=_user(request),
        ),
        done=_("The deadline is changed."),
    )


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest, dossier_number: str) -> HttpResponse:
    profile = _learner(request, dossier_number)
    return _form_page(
        request,
        profile=profile,
        form=forms.ReferralForm(request.POST or None),
        title=_("Refer to NT2 only"),
        save=lambda data: services.nt2_referral_record(
            learner=profile,
            actor=_user(request),
            **data,
        ),
        done=_("Saved."),
    )


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, dossier_number: str, kind: str) -> HttpResponse:
    profile = _learner(request, dossier_number)
    form_class = forms.RECORD_FORMS.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST or None)
    return _form_page(
        request,
        profile=profile,
        form=form,
        title=str(form_class._meta.model._meta.verbose_name).capitalize(),
        save=lambda _data: services.fact_record(
            learner=profile,
            fact=form.instance,
            actor=_user(request),
        ),
        done=_("Saved."),
    )


@role_required(*ACTING_ROLES)
@require_http_methods(["GET", "POST"])
def exam_result(request: HttpRequest, dossier_number: str, session_id: int) -> HttpResponse:
    profile = _learner(request, dossier_number)
    session = ExamSession.objects.filter(learner=profile, pk=session_id).first()
    if session is None:
        raise Http404
    return _form_page(
        request,
        profile=profile,
        form=forms.ExamResultForm(request.POST or None),
        title=_("Result of the %(test)s of %(day)s")
        % {
            "test": session.get_kind_display(),
            "day": date_format(session.session_on, "SHORT_DATE_FORMAT"),
        },
        save=lambda data: services.exam_result_record(
            session=session,
            outcome=ExamOutcome(data["outcome"]),
            level=data["level"],
            actor=_user(request),
        ),
        done=_("Saved."),
    )


def _act(
    request: HttpRequest, profile: LearnerProfile, action: Callable[[], object], done: str
) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("profiles:learner_detail", profile.dossier_number)


@role_required(*ACTING_ROLES)
@require_POST
def decide(request: HttpRequest, dossier_number: str, kind: str, pk: int) -> HttpResponse:
    profile = _learner(request, dossier_number)
    decision: Exemption | Suspension | None = None
    if kind == "exemption":
        decision = Exemption.objects.filter(learner=profile, pk=pk).first()
    elif kind == "suspension":
        decision = Suspension.objects.filter(learner=profile, pk=pk).first()
    if decision is None:
        raise Http404
    approve = request.POST.get("approve") == "yes"
    return _act(
        request,
        profile,
        lambda: services.decision_record(
            decision=decision,
            approve=approve,
            actor=_user(request),
        ),
        _("Approved.") if approve else _("Refused."),
    )


@role_required(*ACTING_ROLES)
@require_POST
def attest(request: HttpRequest, dossier_number: str) -> HttpResponse:
    profile = _learner(request, dossier_number)
    reviewed = request.POST.get("reviewed") == "yes"
    return _act(
        request,
        profile,
        lambda: services.attest_issue(learner=profile, actor=_user(request), reviewed=reviewed),
        _("The attest is issued."),
    )


@role_required(*ACTING_ROLES)
@require_POST
def advice(request: HttpRequest, dossier_number: str) -> HttpResponse:
    profile = _learner(request, dossier_number)
    return _act(
        request,
        profile,
        lambda: services.advice_send(learner=profile, actor=_user(request)),
        _("The advice to the Immigration Office is recorded as sent."),
    )


# Rule sets ---------------------------------------------------------------------------------------


@role_required(Role.AGENCY_ADMIN)
def rule_sets(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "trajectory/rule_sets.html",
        {"rule_sets": RuleSet.objects.all(), "today": today},
    )


@role_required(Role.AGENCY_ADMIN)
@require_http_methods(["GET", "POST"])
def rule_set_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new rule set starts as a copy of the latest; one in force can only be read."""
    existing = RuleSet.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and existing is None:
        raise Http404
    latest = RuleSet.objects.first()
    initial = (
        {}
        if existing or latest is None
        else {name: getattr(latest, name) for name in RuleSet.parameter_names()[1:]}
    )
    form = forms.RuleSetForm(request.POST or None, instance=existing, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in RuleSet.parameter_names()[1:]}
        try:
            services.rule_set_save(
                actor=_user(request),
                effective_from=form.cleaned_data["effective_from"],
                values=values,
                rule_set=existing,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The rule set is saved."))
            return redirect("trajectory_staff:rule_sets")
    in_force = existing is not None and existing.effective_from <= timezone.localdate()
    return render(
        request,
        "trajectory/rule_set_form.html",
        {"form": form, "existing": existing, "in_force": in_force},
        status=400 if request.method == "POST" else 200,
    )
