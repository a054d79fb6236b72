"""The learner's own screens: the contract as a timeline, fees, the declaration, the proof."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learner.trajectory import presenters, selectors, services
from learner.trajectory.selectors import View
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User


def _own(request: HttpRequest) -> View:
    user: User = request.user  # type: ignore[assignment]
    view = selectors.own_view(user=user)
    if view is None:
        raise Http404
    return view


@role_required(Role.LEARNER)
def timeline(request: HttpRequest) -> HttpResponse:
    view = _own(request)
    trajectory = view.trajectory
    owed, paid = presenters.fee_totals(view)
    return render(
        request,
        "trajectory/timeline.html",
        {
            "view": view,
            "trajectory": trajectory,
            "pillars": presenters.pillar_rows(view),
            "next_deadline_label": presenters.next_deadline_label(trajectory),
            "attest": view.data.get("attest"),
            "attest_on": parse_date(view.data["attest"]["attest_on"])
            if view.data.get("attest")
            else None,
            "advices": [parse_datetime(a["sent_at"]) for a in view.data.get("advices", [])],
            "owed": owed,
            "paid": paid,
            "participation_hours": view.rule_set.participation_hours if view.rule_set else None,
        },
    )


@role_required(Role.LEARNER)
def fees(request: HttpRequest) -> HttpResponse:
    view = _own(request)
    owed, paid = presenters.fee_totals(view)
    return render(
        request,
        "trajectory/fees.html",
        {
            "view": view,
            "rows": presenters.fee_rows(view),
            "payments": presenters.payments(view),
            "owed": owed,
            "paid": paid,
            "due": max(owed - paid, 0),
        },
    )


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest) -> HttpResponse:
    view = _own(request)
    current = selectors.declaration_current()
    if current is None:
        raise Http404
    language = translation.get_language() or "nl"
    status = 200
    if request.method == "POST":
        signed_name = request.POST.get("signed_name", "").strip()
        if request.POST.get("read") != "yes":
            messages.error(request, _("Tick the box to confirm that you read the declaration."))
            status = 400
        else:
            services.declaration_acknowledge(
                learner=view.profile,
                declaration=current,
                language=language,
                signed_name=signed_name,
            )
            messages.success(
                request,
                _("Thank you. You signed the declaration.")
                if signed_name
                else _("Thank you. You confirmed that you read the declaration."),
            )
            return redirect("trajectory:declaration")
    acknowledgement = selectors.acknowledgement_of(learner=view.profile, declaration=current)
    with translation.override(language):
        own_title, own_text = current.title, current.text
    translated = bool(getattr(current, f"text_{language}", None))
    return render(
        request,
        "trajectory/declaration.html",
        {
            "declaration": current,
            "own_title": own_title,
            "own_paragraphs": own_text.splitlines(),
            "dutch_title": current.title_nl,  # type: ignore[attr-defined]
            "dutch_paragraphs": (current.text_nl or "").splitlines(),  # type: ignore[attr-defined]
            "show_own": language != "nl" and translated,
            "missing_translation": language != "nl" and not translated,
            "acknowledgement": acknowledgement,
            "signature_required": view.rule_set.declaration_signature_required
            if view.rule_set
            else True,
        },
        status=status,
    )


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def proof(request: HttpRequest) -> HttpResponse:
    """A QR code anyone can check: is this contract valid today (interpreter cost covered)?"""
    view = _own(request)
    if view.trajectory is None:
        return render(request, "trajectory/proof.html", {"view": view})
    renew = request.method == "POST" and request.POST.get("renew") == "yes"
    token = services.contract_proof_for(learner=view.profile, renew=renew).token
    if renew:
        messages.success(request, _("You have a new code. The old one no longer works."))
        return redirect("trajectory:proof")
    url = request.build_absolute_uri(reverse("trajectory_public:verify", args=[token]))
    return render(
        request,
        "trajectory/proof.html",
        {
            "view": view,
            "valid": view.trajectory.interpreter_covered,
            "until": view.trajectory.richttermijn,
            "verify_url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=5),
        },
    )
