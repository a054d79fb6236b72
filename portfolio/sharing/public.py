"""Pages without sign-in: a shared portfolio (the link is the key) and the PDF verification page.

A link that is unknown, revoked or expired gets the same "this link does not work" page with
status 404, so nobody can tell which of the three it is. Every answer here keeps out of search
engines (``X-Robots-Tag``, ``<meta name="robots">``), out of every cache (``private, no-store``)
and out of the ``Referer`` of any link the recipient follows (``no-referrer``).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from portfolio.models import Attachment, AttachmentKind
from portfolio.sharing import selectors, services, verification
from portfolio.sharing.export import statement_text


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest) -> HttpResponse:
    response = render(request, "portfolio/share/gone.html", status=404)
    _private(response)
    return response


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The chosen items of an open share; every opening is noted for the learner."""
    share = selectors.open_share(token)
    if share is None:
        return _gone(request)
    services.share_opening_record(
        share=share, user_agent=request.headers.get("User-Agent", "")[:512]
    )
    response = render(
        request,
        "portfolio/share/shared.html",
        {
            "share": share,
            "token": token,
            "name": share.learner.user.get_full_name() or share.learner.user.username,
            "items": selectors.shared_items(share),
            "now": timezone.now(),
        },
    )
    _private(response)
    return response


def _stored(attachment: Attachment) -> tuple[str, str]:
    """(storage name, content type) of the file a recipient gets for an attachment."""
    if attachment.kind == AttachmentKind.IMAGE and attachment.image is not None:
        jpegs = sorted(
            (v for v in attachment.image.variants if v["format"] == "jpeg"),
            key=lambda v: v["width"],
        )
        chosen = next((v for v in jpegs if v["width"] == 720), jpegs[-1] if jpegs else None)
        if chosen is None:
            raise Http404
        return chosen["name"], "image/jpeg"
    if attachment.kind == AttachmentKind.AUDIO and attachment.audio is not None:
        return attachment.audio.file.name, attachment.audio.mime
    if attachment.kind == AttachmentKind.PDF and attachment.file:
        return attachment.file.name, "application/pdf"
    raise Http404


@require_safe
def shared_file(request: HttpRequest, token: str, attachment_id: int) -> HttpResponseBase:
    """A file of one of the share's items, while the share is open; nothing else."""
    share = selectors.open_share(token)
    attachment = selectors.shared_attachment(share, attachment_id) if share else None
    if attachment is None:
        return _gone(request)
    name, content_type = _stored(attachment)
    try:
        file = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        file,
        content_type=content_type,
        # PDFs are downloaded, never shown inside the portal's origin.
        as_attachment=content_type == "application/pdf",
        filename=attachment.name or name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return _private(response)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Does an exported PDF's QR code belong to facts the portal still confirms?

    Unknown or forged codes: "not confirmed", status 404. Known codes: the person's name, the
    day of the export and each statement with whether it still holds (status 200).
    """
    verdict = verification.verify_code(code)
    response = render(
        request,
        "portfolio/export/verify.html",
        {
            "verdict": verdict,
            "rows": [(c, statement_text(c.statement)) for c in verdict.checked],
            "today": timezone.localdate(),
        },
        status=404 if verdict.export is None else 200,
    )
    _private(response)
    return response
