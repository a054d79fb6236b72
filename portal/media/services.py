"""Writes of uploaded media: check the content, store the files, create the row.

Files are written before the row; if anything fails after the first file is written, the files
written so far are deleted again, so a refusal or an error leaves nothing behind. (Should the
caller's own transaction roll back later, the files stay without a row: harmless, never served,
since serving looks the row up first.)
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from portal.accounts.models import User
from portal.media import audio, images
from portal.media.models import Audio, Image, StoredVariant


def _read_at_most(upload: File, limit: int) -> bytes | None:
    """The upload's bytes, or None when it has more than ``limit`` (then not all are read)."""
    if _size(upload) > limit:
        return None
    if upload.seekable():
        upload.seek(0)  # From the start, even if a form's validation read it before.
    # In pieces: a stream may return fewer bytes than asked for before its end.
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0 and (chunk := upload.read(min(left, 1024 * 1024))):
        chunks.append(chunk)
        left -= len(chunk)
    return None if left == 0 else b"".join(chunks)


def _size(upload: File) -> int:
    """The size the upload declares, 0 if it cannot tell (a stream)."""
    try:
        return upload.size or 0
    except (AttributeError, OSError):  # OSError: io.UnsupportedOperation of a pipe's tell().
        return 0


def _delete_quietly(names: list[str]) -> None:
    # The original error matters more; an orphan file is never served (it has no row).
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def image_store(*, upload: File, owner: User | None) -> Image:
    """A picture from ``upload``, checked by content and stored as clean WebP and JPEG variants.

    Raises ``ImageRefused`` (a ValidationError with a code and a message for the uploader)
    before anything is written when the upload is not a usable picture. Who may upload is the
    caller's check. Emits no event: the row is only content until something refers to it.
    """
    limit = settings.MEDIA_MAX_IMAGE_BYTES
    data = _read_at_most(upload, limit)
    if data is None:
        raise images.refuse_too_large(_size(upload) or limit + 1)
    variants = images.process(data)
    image = Image(owner=owner)
    written: list[str] = []
    stored: list[StoredVariant] = []
    try:
        for variant in variants:
            name = default_storage.save(
                f"images/{image.key}/{variant.width}.{variant.extension}",
                ContentFile(variant.content),
            )
            written.append(name)
            stored.append(
                {
                    "width": variant.width,
                    "height": variant.height,
                    "format": variant.format,
                    "name": name,
                    "bytes": len(variant.content),
                }
            )
        largest = max(variants, key=lambda variant: variant.width)
        image.width, image.height = largest.width, largest.height
        image.variants = stored
        with transaction.atomic():
            image.full_clean()
            image.save()
    except BaseException:
        _delete_quietly(written)
        raise
    return image


def audio_store(*, upload: File, owner: User | None) -> Audio:
    """A recording from ``upload``, stored as it came once its first bytes show a known format.

    Raises ``AudioRefused`` (a ValidationError with a code and a message for the uploader)
    before anything is written when the upload is not a usable recording. Who may upload is
    the caller's check. Emits no event.
    """
    limit = settings.MEDIA_MAX_AUDIO_BYTES
    data = _read_at_most(upload, limit)
    if data is None:
        raise audio.refuse_too_large(_size(upload) or limit + 1)
    mime = audio.check(data)
    recording = Audio(owner=owner, mime=mime, bytes=len(data))
    recording.file.save(f"{recording.key}.{audio.EXTENSIONS[mime]}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            recording.full_clean()
            recording.save()
    except BaseException:
        _delete_quietly([recording.file.name])
        raise
    return recording
