"""The learner's screens: their shares (with who opened them), a new share, revoke, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learner.profiles.models import LearnerProfile
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portfolio.sharing import export as pdf_export
from portfolio.sharing import rules, selectors, services, verification
from portfolio.sharing.forms import ExportForm, ShareForm
from portfolio.sharing.links import retrievable_token
from portfolio.sharing.models import Share


def _profile(request: HttpRequest) -> LearnerProfile:
    user: User = request.user  # type: ignore[assignment]  # role_required let only learners in
    profile = selectors.own_profile(user)
    if profile is None:
        raise Http404
    return profile


def _link(request: HttpRequest, share: Share) -> str:
    token = retrievable_token(share)
    if token is None:
        return ""
    return request.build_absolute_uri(reverse("portfolio_shared:view", args=[token]))


@role_required(Role.LEARNER)
def shares(request: HttpRequest) -> HttpResponse:
    """Every share: with whom, what, until when, its link while it works, and its openings."""
    profile = _profile(request)
    now = timezone.now()
    rows = []
    for share in selectors.shares_of(profile):
        state = rules.share_state(revoked_at=share.revoked_at, expires_at=share.expires_at, now=now)
        rows.append(
            {
                "share": share,
                "state": state,
                "link": _link(request, share) if state == "open" else "",
                "openings": list(share.openings.all()),
                "items": list(share.items.all()),
            }
        )
    response = render(request, "portfolio/share/list.html", {"rows": rows})
    # The page shows working links: keep it out of shared caches and the phone's offline cache.
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def share_new(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = ShareForm(request.POST or None, learner=profile)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                share = services.share_create(
                    learner=profile,
                    recipient_kind=form.cleaned_data["recipient_kind"],
                    recipient_name=form.cleaned_data["recipient_name"],
                    item_ids=[item.pk for item in form.cleaned_data["items"]],
                    days=form.cleaned_data["days"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your link is ready. Copy it and send it to %(name)s.")
                    % {"name": share.recipient_name},
                )
                return redirect(f"{reverse('portfolio_sharing:shares')}#share-{share.pk}")
        status = 400
    has_items = selectors.items_of(profile).exists()
    return render(
        request, "portfolio/share/new.html", {"form": form, "has_items": has_items}, status=status
    )


@role_required(Role.LEARNER)
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request)
    try:
        share = services.share_revoke(learner=profile, share_id=pk)
    except Share.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("Your link for %(name)s no longer works.") % {"name": share.recipient_name},
    )
    return redirect("portfolio_sharing:shares")


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """Choose facts and items; the answer to the form is the PDF itself."""
    profile = _profile(request)
    statements = selectors.certified_statements(profile)
    choices = [(rules.statement_ref(s), pdf_export.statement_text(s)) for s in statements]
    form = ExportForm(
        request.POST or None,
        learner=profile,
        statements=choices,
        initial={"refs": [ref for ref, _label in choices]},
    )
    if request.method == "POST" and form.is_valid():
        record = services.export_create(
            learner=profile,
            refs=form.cleaned_data["refs"],
            language=profile.user.preferred_language,
        )
        url = request.build_absolute_uri(
            reverse("portfolio_verify:verify", args=[verification.code_for(record)])
        )
        pdf = pdf_export.presentation_pdf(
            export=record,
            items=form.cleaned_data["items"].prefetch_related("attachments"),
            verify_url=url,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="presentatiedossier-{timezone.localdate():%Y-%m-%d}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "portfolio/export/form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
