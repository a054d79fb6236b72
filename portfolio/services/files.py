"""Files of portfolio items: photos and voice notes through ``portal.media``, PDFs checked here.

What a file is comes from its first bytes, never its name: ``%PDF-`` is a PDF (parsed and
checked, ``portfolio.pdf``), a recording container is a voice note (``portal.media.audio``),
anything else must be a picture (``portal.media.images``: EXIF and GPS stripped, variants).
The learner's quota (``PORTFOLIO_QUOTA_BYTES``) is checked under the learner's row lock, so two
uploads at once cannot both squeeze past it.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.trajectory.services.refresh import lock
from portal.accounts.models import User
from portal.events.services import event_record
from portal.media import audio as media_audio
from portal.media.images import ImageRefused, megabytes
from portal.media.models import Audio, Image
from portal.media.services import audio_store, image_store
from portfolio import pdf, rules
from portfolio.models import Attachment, AttachmentKind, Item
from portfolio.selectors import quota_used

NAME_LENGTH = 120
# Enough of the start of a file to tell what it is.
_HEAD = 4096


class QuotaExceeded(ValidationError):
    """The file does not fit in what is left of the learner's portfolio space."""

    code: str
    message: str

    def __init__(self, *, used: int, incoming: int) -> None:
        message = _(
            "There is not enough space left in your portfolio for this file "
            "(%(size)s MB; %(used)s MB of %(limit)s MB used). Remove a file you no longer need."
        ) % {
            "size": megabytes(incoming),
            "used": megabytes(used),
            "limit": megabytes(settings.PORTFOLIO_QUOTA_BYTES),
        }
        super().__init__(message, code="quota")


def _not_a_file_we_keep() -> ImageRefused:
    return ImageRefused(
        "not_supported",
        _(
            "This file is not a photo, a PDF or a voice note we can keep. "
            "Add a JPEG, PNG or WebP photo, a PDF, or a recording."
        ),
    )


def _head(upload: File) -> bytes:
    if upload.seekable():
        upload.seek(0)
    head = upload.read(_HEAD) or b""
    if upload.seekable():
        upload.seek(0)
    return head


def _read_pdf(upload: File) -> bytes:
    limit = settings.PORTFOLIO_MAX_PDF_BYTES
    if (getattr(upload, "size", 0) or 0) > limit:
        raise pdf.refuse_too_large(upload.size or limit + 1)
    if upload.seekable():
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise pdf.refuse_too_large(len(data))
    return data


def _display_name(upload: File) -> str:
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:NAME_LENGTH]


def _delete_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def _file_names(attachment: Attachment) -> list[str]:
    if attachment.kind == AttachmentKind.IMAGE and attachment.image is not None:
        return attachment.image.names()
    if attachment.kind == AttachmentKind.AUDIO and attachment.audio is not None:
        return [attachment.audio.file.name]
    return [attachment.file.name] if attachment.file else []


def _store_media(upload: File, actor: User, *, used: int) -> Attachment:
    """Check and store the file; an unsaved Attachment naming it (item still to set).

    Files kept as uploaded (PDFs, recordings) are held against the quota before they are
    stored; a photo after processing, when its variants' size is known.
    """
    head = _head(upload)
    quota = settings.PORTFOLIO_QUOTA_BYTES
    size = getattr(upload, "size", 0) or 0
    if head.startswith(pdf.MAGIC):
        data = _read_pdf(upload)
        pdf.check(data)
        if not rules.quota_allows(used=used, incoming=len(data), quota=quota):
            raise QuotaExceeded(used=used, incoming=len(data))
        attachment = Attachment(
            kind=AttachmentKind.PDF,
            name=_display_name(upload),
            sha256=hashlib.sha256(data).hexdigest(),
            bytes=len(data),
        )
        attachment.file.save(f"{uuid.uuid4()}.pdf", ContentFile(data), save=False)
        return attachment
    try:
        media_audio.identify(head)
    except media_audio.AudioRefused as refused:
        if refused.code != "not_audio":
            raise
    else:
        if size and not rules.quota_allows(used=used, incoming=size, quota=quota):
            raise QuotaExceeded(used=used, incoming=size)
        recording = audio_store(upload=upload, owner=actor)
        return Attachment(
            kind=AttachmentKind.AUDIO,
            audio=recording,
            name=_display_name(upload),
            bytes=recording.bytes,
        )
    try:
        image = image_store(upload=upload, owner=actor)
    except ImageRefused as refused:
        if refused.code == "not_an_image":
            raise _not_a_file_we_keep() from refused
        raise
    return Attachment(
        kind=AttachmentKind.IMAGE,
        image=image,
        name=_display_name(upload),
        bytes=image.total_bytes,
    )


def _media_rows_delete(attachment: Attachment) -> None:
    image_id, audio_id = attachment.image_id, attachment.audio_id
    if image_id is not None:
        Image.objects.filter(pk=image_id).delete()
    if audio_id is not None:
        Audio.objects.filter(pk=audio_id).delete()


def attachment_store(*, item: Item, upload: File, actor: User, locked: bool = False) -> Attachment:
    """Check, store and attach ``upload`` to ``item``, within the learner's quota.

    For services of this app: the caller checked who acts; ``locked`` says it holds the
    learner's row lock already. Refusals (``ImageRefused``, ``AudioRefused``, ``PdfRefused``,
    ``QuotaExceeded``) leave no row and no file behind. Emits no event (the caller does).
    """
    with transaction.atomic():
        if not locked:
            lock(item.learner)
        used = quota_used(item.learner)
        attachment = _store_media(upload, actor, used=used)
        try:
            quota = settings.PORTFOLIO_QUOTA_BYTES
            if not rules.quota_allows(used=used, incoming=attachment.bytes, quota=quota):
                raise QuotaExceeded(used=used, incoming=attachment.bytes)
            attachment.item = item
            attachment.created_at = timezone.now()
            attachment.full_clean()
            attachment.save()
        except BaseException:
            # The rows roll back with the block; the files are deleted here.
            _delete_files(_file_names(attachment))
            raise
        # Should the caller's transaction roll back later, the files stay without a row:
        # never served (serving looks the row up first), as in portal.media.
    return attachment


def attachment_add(*, item: Item, upload: File, actor: User) -> Attachment:
    """Add a file to the learner's own item (not to derived items: ``PermissionDenied``).

    Emits ``portfolio.attachment.added``.
    """
    if item.learner.user_id != actor.pk or item.derived:
        raise PermissionDenied
    with transaction.atomic():
        lock(item.learner)
        attachment = attachment_store(item=item, upload=upload, actor=actor, locked=True)
        event_record(
            code="portfolio.attachment.added",
            actor=actor,
            learner=item.learner.user,
            payload={"item": item.pk, "attachment": attachment.pk, "kind": attachment.kind},
        )
    return attachment


def attachments_forget(attachments: list[Attachment]) -> None:
    """Delete these attachments and their media rows now, their files once the transaction
    commits (a rollback keeps them, still named by their rows)."""
    names = [name for attachment in attachments for name in _file_names(attachment)]
    for attachment in attachments:
        attachment.delete()
        _media_rows_delete(attachment)
    transaction.on_commit(partial(_delete_files, names))


def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    """Remove a file from the learner's own item. Emits ``portfolio.attachment.removed``."""
    item = attachment.item
    if item.learner.user_id != actor.pk or item.derived:
        raise PermissionDenied
    with transaction.atomic():
        lock(item.learner)
        payload = {"item": item.pk, "attachment": attachment.pk, "kind": attachment.kind}
        attachments_forget([attachment])
        event_record(
            code="portfolio.attachment.removed",
            actor=actor,
            learner=item.learner.user,
            payload=payload,
        )
