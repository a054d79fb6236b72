"""The agency admin's page for webhooks: where events go, and what could not be delivered."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.decorators import role_required
from portal.accounts.models import Agency, Role, User
from portal.backoffice import selectors, webhooks
from portal.backoffice.forms import WebhookEndpointForm
from portal.backoffice.models import WebhookEndpoint


def _admin(request: HttpRequest) -> tuple[User, Agency]:
    user: User = request.user  # type: ignore[assignment]  # role_required let only staff in
    if user.agency is None:  # a site operator: no agency, so no back office of theirs
        raise Http404
    return user, user.agency


@role_required(Role.AGENCY_ADMIN)
@require_http_methods(["GET", "POST"])
def webhooks_page(request: HttpRequest) -> HttpResponse:
    user, agency = _admin(request)
    endpoint = WebhookEndpoint.objects.filter(agency=agency).first()
    initial = {"url": endpoint.url, "active": endpoint.active} if endpoint else {}
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, new_secret = webhooks.endpoint_save(
                agency=agency,
                url=form.cleaned_data["url"],
                active=form.cleaned_data["active"],
                actor=user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("url", message)
        else:
            if new_secret is None:
                messages.success(request, _("The endpoint is saved."))
                return redirect("backoffice_staff:webhooks")
    return _page(request, agency, form, endpoint, new_secret)


def _page(
    request: HttpRequest,
    agency: Agency,
    form: WebhookEndpointForm,
    endpoint: WebhookEndpoint | None,
    new_secret: str | None,
) -> HttpResponse:
    page = Paginator(selectors.dead_letters(agency), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/webhooks.html",
        {
            "form": form,
            "endpoint": endpoint,
            "new_secret": new_secret,  # shown once, on this answer only
            "counts": selectors.webhook_overview(agency),
            "page": page,
        },
    )


@role_required(Role.AGENCY_ADMIN)
@require_POST
def secret_rotate(request: HttpRequest) -> HttpResponse:
    user, agency = _admin(request)
    endpoint = WebhookEndpoint.objects.filter(agency=agency).first()
    if endpoint is None:
        return redirect("backoffice_staff:webhooks")
    secret = webhooks.secret_rotate(endpoint=endpoint, actor=user)
    form = WebhookEndpointForm(initial={"url": endpoint.url, "active": endpoint.active})
    return _page(request, agency, form, endpoint, secret)


@role_required(Role.AGENCY_ADMIN)
@require_POST
def redeliver(request: HttpRequest) -> HttpResponse:
    user, agency = _admin(request)
    wanted = request.POST.get("delivery", "")
    ids = None if wanted == "all" else [int(wanted)] if wanted.isdigit() else []
    count = webhooks.redeliver(agency=agency, delivery_ids=ids, actor=user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d event is queued for delivery again.",
                "%(count)d events are queued for delivery again.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There was nothing to redeliver."))
    return redirect("backoffice_staff:webhooks")
