"""The learner's portfolio, the staff access log, "download all my data", and the read-only
portfolio for the learner's case manager. Views parse, authorize, call, render.

Certified items are brought in step with the facts before each read (``portfolio_sync_derived``,
see ``portfolio/services/derived.py`` for why on read).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learner.profiles.models import LearnerProfile
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portal.events.services import event_record
from portfolio import export, presenters, selectors, services
from portfolio.forms import AttachmentForm, ItemForm, RecognitionForm
from portfolio.models import Attachment, AttachmentKind, Item, Kind, Recognition
from portfolio.services.items import EDITABLE

ACCESS_PAGE_SIZE = 50
# Served files: never guessed at, never framed, never run (see portal/media/views.py).
_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


def _own(request: HttpRequest) -> LearnerProfile:
    profile = selectors.own_profile(user=_user(request))
    if profile is None:
        raise Http404
    return profile


def _item(request: HttpRequest, item_id: int) -> Item:
    try:
        return selectors.item_of(user=_user(request), item_id=item_id)
    except Item.DoesNotExist:
        raise Http404 from None


def _portfolio_context(learner: LearnerProfile) -> dict[str, Any]:
    services.portfolio_sync_derived(learner=learner)
    items = selectors.items_of(learner)
    return {
        "groups": presenters.groups(items),
        "quota": selectors.quota_of(learner),
        "trackers": {
            item.pk: presenters.tracker(item.recognition)
            for item in items
            if item.kind == Kind.DIPLOMA and hasattr(item, "recognition")
        },
    }


@role_required(Role.LEARNER)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    learner = _own(request)
    return render(
        request,
        "portfolio/home.html",
        {
            **_portfolio_context(learner),
            "kinds": [(kind, presenters.kind_label(kind)) for kind in presenters.LEARNER_KINDS],
        },
    )


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    learner = _own(request)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in presenters.LEARNER_KINDS:
        return redirect("portfolio:home")
    form = ItemForm(request.POST or None, request.FILES or None, kind=kind, adding=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.item_add(
                    learner=learner,
                    actor=_user(request),
                    kind=kind,
                    fields=form.item_fields(),
                    client_uuid=_command(request),
                    upload=form.cleaned_data.get("file"),
                )
            except ValidationError as exc:
                _errors_to(form, exc, default_field="file")
            else:
                messages.success(request, _("Added to your portfolio."))
                return redirect("portfolio:item", item_id=item.pk)
        status = 400
    return render(
        request,
        "portfolio/item_new.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": presenters.kind_label(kind),
            "command": request.POST.get("command") or uuid.uuid4(),
            "file_lost": bool(request.FILES) and status == 400,
        },
        status=status,
    )


def _command(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("command", ""))
    except ValueError:
        return None


def _errors_to(form: Any, exc: ValidationError, *, default_field: str) -> None:
    """Put a service's refusal next to the field it is about (or ``default_field``)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        target = default_field if default_field in form.fields else None
        form.add_error(target, exc.messages)


def _item_page(
    request: HttpRequest,
    item: Item,
    *,
    item_form: ItemForm | None = None,
    attachment_form: AttachmentForm | None = None,
    recognition_form: RecognitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    recognition: Recognition | None = getattr(item, "recognition", None)
    if item_form is None and not item.derived:
        item_form = ItemForm(
            initial={name: getattr(item, name) for name in EDITABLE},
            kind=item.kind,
            adding=False,
        )
    if recognition is not None and recognition_form is None:
        recognition_form = RecognitionForm(
            initial={
                "step": recognition.step,
                "documents": [code for code, have in recognition.checklist.items() if have],
                "submitted_on": recognition.submitted_on,
                "acknowledged_on": recognition.acknowledged_on,
                "decided_on": recognition.decided_on,
                "decision": recognition.decision,
            }
        )
    return render(
        request,
        "portfolio/item.html",
        {
            "item": item,
            "item_form": item_form,
            "attachment_form": attachment_form or AttachmentForm(),
            "recognition_form": recognition_form,
            "tracker": presenters.tracker(recognition) if recognition is not None else None,
            "quota": selectors.quota_of(item.learner),
        },
        status=status,
    )


@role_required(Role.LEARNER)
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    if request.method == "GET":
        return _item_page(request, item)
    if item.derived:
        raise PermissionDenied
    form = ItemForm(request.POST, kind=item.kind, adding=False)
    if form.is_valid():
        try:
            services.item_change(item=item, actor=_user(request), fields=form.item_fields())
        except ValidationError as exc:
            _errors_to(form, exc, default_field="title")
        else:
            messages.success(request, _("Saved."))
            return redirect("portfolio:item", item_id=item.pk)
    item.refresh_from_db()
    return _item_page(request, item, item_form=form, status=400)


@role_required(Role.LEARNER)
@require_POST
def item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    services.item_remove(item=item, actor=_user(request))
    messages.success(request, _("Removed from your portfolio."))
    return redirect("portfolio:home")


@role_required(Role.LEARNER)
@require_POST
def attachment_add(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    if item.derived:
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                item=item, upload=form.cleaned_data["file"], actor=_user(request)
            )
        except ValidationError as exc:
            _errors_to(form, exc, default_field="file")
        else:
            messages.success(request, _("The file is added."))
            return redirect("portfolio:item", item_id=item.pk)
    return _item_page(request, item, attachment_form=form, status=400)


@role_required(Role.LEARNER)
@require_POST
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        attachment = selectors.attachment_of(user=_user(request), attachment_id=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    services.attachment_remove(attachment=attachment, actor=_user(request))
    messages.success(request, _("The file is removed."))
    return redirect("portfolio:item", item_id=attachment.item_id)


@role_required(Role.LEARNER)
@require_POST
def recognition(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    tracked: Recognition | None = getattr(item, "recognition", None)
    if tracked is None:
        raise Http404
    form = RecognitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recognition_update(
                recognition=tracked,
                actor=_user(request),
                step=data["step"],
                checklist=dict.fromkeys(data["documents"], True),
                submitted_on=data["submitted_on"],
                acknowledged_on=data["acknowledged_on"],
                decided_on=data["decided_on"],
                decision=data["decision"],
            )
        except ValidationError as exc:
            _errors_to(form, exc, default_field="step")
        else:
            messages.success(request, _("Saved."))
            return redirect("portfolio:item", item_id=item.pk)
    tracked.refresh_from_db()
    return _item_page(request, item, recognition_form=form, status=400)


@login_required  # role_required's check, for a streamed response
@require_safe
def file(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """One file of a portfolio, for its owner and the staff who may see that portfolio."""
    user = _user(request)
    if user.role not in {Role.LEARNER, *selectors.PORTFOLIO_STAFF_ROLES}:
        raise PermissionDenied
    try:
        attachment = selectors.attachment_of(user=user, attachment_id=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    if attachment.kind == AttachmentKind.PDF:
        name, content_type = attachment.file.name, "application/pdf"
    elif attachment.kind == AttachmentKind.AUDIO and attachment.audio is not None:
        name, content_type = attachment.audio.file.name, attachment.audio.mime
    elif attachment.image is not None:
        jpegs = sorted(
            (v for v in attachment.image.variants if v["format"] == "jpeg"),
            key=lambda variant: variant["width"],
        )
        name, content_type = jpegs[-1]["name"], "image/jpeg"
    else:
        raise Http404
    try:
        opened = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    if user.role != Role.LEARNER:
        services.dossier_access_record(
            staff=user, learner=attachment.item.learner, what="portfolio:file", path=request.path
        )
    response = FileResponse(
        opened,
        content_type=content_type,
        # A PDF is saved, not opened inside the portal's origin.
        as_attachment=attachment.kind == AttachmentKind.PDF,
        filename=attachment.name or name.rsplit("/", 1)[-1],
    )
    for header, value in _FILE_HEADERS.items():
        response[header] = value
    return response


@role_required(Role.LEARNER)
@require_safe
def access(request: HttpRequest) -> HttpResponse:
    learner = _own(request)
    page = Paginator(selectors.accesses_of(learner), ACCESS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portfolio/access.html", {"page": page})


@role_required(Role.LEARNER)
@require_POST
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything the portal keeps about the learner, as one ZIP (``portfolio/export.py``)."""
    learner = _own(request)
    services.portfolio_sync_derived(learner=learner)
    with transaction.atomic():
        event_record(code="portfolio.data.exported", actor=_user(request), learner=learner.user)
    response = HttpResponse(export.learner_archive(learner), content_type="application/zip")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=True, filename=f"my-data-{learner.dossier_number}.zip"
        )
        or ""
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*selectors.PORTFOLIO_STAFF_ROLES)
@require_safe
def staff_portfolio(request: HttpRequest, dossier_number: str) -> HttpResponse:
    """A learner's portfolio, read-only, for their case manager (the visit is logged)."""
    learner = (
        selectors.portfolio_owners_visible_to(user=_user(request))
        .select_related("user")
        .filter(dossier_number=dossier_number)
        .first()
    )
    if learner is None:
        raise Http404
    return render(
        request,
        "portfolio/staff_portfolio.html",
        {"learner": learner, **_portfolio_context(learner)},
    )
