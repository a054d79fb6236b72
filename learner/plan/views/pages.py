"""The plan page (the learner's own, or a learner's for their case manager) and goal histories.

GET shows the plan; POST applies a form through the same commands the phone's outbox sends
(``command_apply``), says what happened, and shows the plan again.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learner.plan import framework, selectors
from learner.plan.models import Domain, Owner, Side
from learner.plan.presenters import FIELD_LABELS
from learner.plan.services.common import side_of
from learner.plan.views.forms import commands_from
from learner.profiles.models import LearnerProfile
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portal.sync.services import Answer, command_apply

STAFF = (Role.CASE_MANAGER, Role.AGENCY_ADMIN)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


def _owner(request: HttpRequest, dossier_number: str | None = None) -> LearnerProfile:
    learner = selectors.plan_owner_for(user=_user(request), dossier_number=dossier_number)
    if learner is None:
        raise Http404
    return learner


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The learner's own plan."""
    return _plan_page(request, _owner(request), reverse("plan:home"))


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def learner_plan(request: HttpRequest, dossier_number: str) -> HttpResponse:
    """A learner's plan, for their case manager (or an agency admin of their agency)."""
    learner = _owner(request, dossier_number)
    return _plan_page(request, learner, reverse("plan:learner", args=[dossier_number]))


def _plan_page(request: HttpRequest, learner: LearnerProfile, here: str) -> HttpResponse:
    user = _user(request)
    side = side_of(user)
    if request.method == "POST":
        _post(request, learner, side)
        return redirect(here)
    plan = selectors.plan_for(learner=learner, side=side, viewer=user)
    return render(
        request,
        "plan/plan.html",
        {
            "plan": plan,
            "learner": learner,
            "side": str(side),
            "is_learner": side == Side.LEARNER,
            "here": here,
            "framework": framework.grouped(),
            "domains": Domain.choices,
            "owners": Owner.choices,
            "field_labels": FIELD_LABELS,
            "command": uuid.uuid4(),
        },
    )


def _post(request: HttpRequest, learner: LearnerProfile, side: Side) -> None:
    commands = commands_from(request.POST)
    if not commands:
        if request.POST.get("op") == "edit":
            messages.info(request, _("Nothing changed."))
            return
        raise Http404
    answers = [
        command_apply(
            user=_user(request),
            command=command.uuid,
            kind=command.kind,
            payload={**command.payload, "learner": learner.dossier_number},
        )
        for command in commands
    ]
    _say(request, request.POST.get("op", ""), answers, side)


def _say(request: HttpRequest, op: str, answers: list[Answer], side: Side) -> None:
    refused = [answer for answer in answers if answer.status not in {"applied", "duplicate"}]
    for answer in refused:
        messages.error(request, answer.message or _("This could not be saved."))
    if refused:
        return
    outcomes = {answer.result.get("outcome") for answer in answers}
    if "review" in outcomes:
        messages.warning(
            request,
            _(
                "This was changed on the other side at the same time. Both versions are kept: "
                "choose one together under “To review together”."
            ),
        )
    elif op == "confirm":
        messages.success(request, _("Confirmed."))
    elif op == "resolve":
        messages.success(request, _("Chosen. The other side confirms it."))
    elif outcomes <= {"noop"}:
        messages.info(request, _("Nothing changed."))
    else:
        other = _("your case manager") if side == Side.LEARNER else _("the learner")
        messages.success(
            request, _("Saved. It waits for confirmation by %(other)s.") % {"other": other}
        )


@role_required(Role.LEARNER)
def goal_history(request: HttpRequest, goal_id: int) -> HttpResponse:
    learner = _owner(request)
    return _history(request, learner, goal_id, reverse("plan:home"))


@role_required(*STAFF)
def learner_goal_history(request: HttpRequest, dossier_number: str, goal_id: int) -> HttpResponse:
    learner = _owner(request, dossier_number)
    return _history(request, learner, goal_id, reverse("plan:learner", args=[dossier_number]))


def _history(
    request: HttpRequest, learner: LearnerProfile, goal_id: int, back: str
) -> HttpResponse:
    goal = selectors.goal_of(learner, goal_id)
    if goal is None:
        raise Http404
    return render(
        request,
        "plan/history.html",
        {"goal": goal, "changes": selectors.history_of(goal), "back": back, "learner": learner},
    )
