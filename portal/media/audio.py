"""Uploaded recordings, recognised by their first bytes (never by file name or the browser's word).

Recordings are stored as they came (re-encoding audio needs a program we do not ship): the check
makes sure the file is one of the containers phones record in, and the type it is served with
follows from that, so a browser never takes it for a page or a script.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.media.images import megabytes

# Extension of the stored file for each type we accept.
EXTENSIONS = {
    "audio/ogg": "ogg",
    "audio/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
}

# MP4 brands of audio and of the plain ISO container (Safari's recorder, iPhone voice memos).
# HEIC and AVIF photos are MP4 containers as well: their brands are not here.
_MP4_BRANDS = {
    b"M4A ",
    b"M4B ",
    b"mp41",
    b"mp42",
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"dash",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
}
# MPEG audio frame header fields that cannot occur in a real frame.
_MPEG_RESERVED_VERSION = 0b01
_MPEG_RESERVED_LAYER = 0b00
_MPEG_BAD_BITRATE = 0b1111
_MPEG_RESERVED_RATE = 0b11


class AudioRefused(ValidationError):
    """The upload is not a recording we store; ``code`` says why, ``message`` tells the person.

    A ValidationError, so a form can show it next to its field as it is.
    """

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


def refuse_too_large(size: int) -> AudioRefused:
    """The refusal for ``size`` bytes, also raised by the service before it reads the whole file."""
    return AudioRefused(
        "too_large",
        _("This recording is too large (%(size)s MB). The limit is %(limit)s MB.")
        % {
            "size": megabytes(size),
            "limit": megabytes(settings.MEDIA_MAX_AUDIO_BYTES),
        },
    )


def _is_mpeg_frame(data: bytes) -> bool:
    """An MPEG audio frame header (MP3 without an ID3 tag): 11 sync bits and valid fields."""
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version = (data[1] >> 3) & 0b11
    layer = (data[1] >> 1) & 0b11
    bitrate = data[2] >> 4
    rate = (data[2] >> 2) & 0b11
    return (
        version != _MPEG_RESERVED_VERSION
        and layer != _MPEG_RESERVED_LAYER
        and bitrate != _MPEG_BAD_BITRATE
        and rate != _MPEG_RESERVED_RATE
    )


def _is_mp4_audio(data: bytes) -> bool:
    """An ``ftyp`` box whose major or a compatible brand is an audio or plain ISO brand."""
    if data[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(data[0:4], "big")
    major = data[8:12]
    compatible = data[16 : min(box_size, 256)]
    brands = {major} | {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
    return major not in {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"} and bool(
        brands & _MP4_BRANDS
    )


def _is_webm(data: bytes) -> bool:
    """An EBML header (WebM, Matroska) naming its document type in the first bytes."""
    return data.startswith(b"\x1a\x45\xdf\xa3") and (
        b"webm" in data[:64] or b"matroska" in data[:64]
    )


def check(data: bytes) -> str:
    """The MIME type of the recording in ``data``, decided by its first bytes.

    Accepts Ogg, WebM (Chrome's and Firefox's recorder), MP3, MP4/M4A (Safari, iPhone) and WAV.
    Raises ``AudioRefused`` with the code ``empty``, ``too_large`` or ``not_audio``.
    """
    if not data:
        raise AudioRefused(
            "empty", _("This recording is empty. Record again, or choose another file.")
        )
    if len(data) > settings.MEDIA_MAX_AUDIO_BYTES:
        raise refuse_too_large(len(data))
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if _is_webm(data):
        return "audio/webm"
    if data.startswith(b"ID3") or _is_mpeg_frame(data):
        return "audio/mpeg"
    if _is_mp4_audio(data):
        return "audio/mp4"
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    raise AudioRefused(
        "not_audio",
        _("This file is not a recording we can use. Upload an MP3, M4A, OGG, WebM or WAV file."),
    )
