"""Uploaded recordings, recognised by their first bytes and read to their end (never judged by
file name or the browser's word).

Recordings are stored as they came (re-encoding audio needs a program we do not ship): the check
makes sure the file is one of the containers phones record in, and that the container is whole,
so a recording cut off by a dropped connection is refused rather than stored silent or broken.
The type it is served with follows from that, so a browser never takes it for a page or a script.

Each container is walked with a small pure parser: no audio library reads all five formats
(mutagen, the usual one, does not read WebM, the format Chromium records in, nor checks Ogg page
checksums), and the containers' framing is simple enough to check exactly.
"""

from __future__ import annotations

import zlib

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


class Damaged(ValueError):
    """The container is cut off or malformed; the text says where (for logs and tests)."""


# WAV (RIFF) ----------------------------------------------------------------------------------


def wav_complete(data: bytes) -> None:
    """RIFF/WAVE: the RIFF size matches the file, its chunks fill it, a ``fmt `` and a whole
    ``data`` chunk with samples in it. A writer may leave out the last chunk's pad byte."""
    if len(data) < 12:
        raise Damaged("riff header cut off")
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        raise Damaged(f"riff declares {riff_end} bytes, file has {len(data)}")
    if len(data) > riff_end + 1:
        raise Damaged("bytes after the riff chunk")
    position, chunks, samples = 12, set(), 0
    while position < riff_end:
        if position + 8 > riff_end:
            raise Damaged(f"chunk header cut off at {position}")
        name = data[position : position + 4]
        end = position + 8 + int.from_bytes(data[position + 4 : position + 8], "little")
        if end > riff_end:
            raise Damaged(f"chunk {name!r} runs past the end")
        if name == b"fmt " and end - position - 8 < 16:
            raise Damaged("fmt chunk too short")
        if name == b"data" and b"fmt " not in chunks:
            raise Damaged("data before fmt")
        chunks.add(name)
        samples += end - position - 8 if name == b"data" else 0
        position = min(end + (end - position) % 2, riff_end)
    if not samples:
        raise Damaged("no data chunk, or an empty one")


# Ogg -----------------------------------------------------------------------------------------

_OGG_BOS, _OGG_EOS = 0x02, 0x04
_OGG_NO_GRANULE = 0xFFFF_FFFF_FFFF_FFFF
# Bits of each byte reversed: Ogg's CRC is the non-reflected CRC-32 (polynomial 0x04C11DB7, no
# initial value, nothing XORed out); zlib computes the reflected one in C, far faster than a
# Python loop over a 10 MB upload, and reversing the bits turns one into the other.
_REVERSED_BITS = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def ogg_crc(page: bytes) -> int:
    """The CRC of an Ogg page (its CRC field set to zeros), as RFC 3533 defines it."""
    reflected = zlib.crc32(page.translate(_REVERSED_BITS)) ^ zlib.crc32(bytes(len(page)))
    return int(f"{reflected:032b}"[::-1], 2)


def ogg_complete(data: bytes) -> None:
    """Ogg: pages one after another to the last byte, each with its capture pattern and a
    correct CRC; every logical stream begins and ends (the last page is an end of stream), and
    some page carries sound (a granule position past zero)."""
    position, open_streams, ended, sound = 0, set(), set(), False
    flags = 0
    while position < len(data):
        header = data[position : position + 27]
        if len(header) < 27 or header[:4] != b"OggS" or header[4] != 0:
            raise Damaged(f"no page at {position}")
        flags, segments = header[5], header[26]
        granule = int.from_bytes(header[6:14], "little")
        serial = int.from_bytes(header[14:18], "little")
        lacing = data[position + 27 : position + 27 + segments]
        end = position + 27 + segments + sum(lacing)
        if len(lacing) < segments or end > len(data):
            raise Damaged(f"page at {position} cut off")
        page = bytearray(data[position:end])
        page[22:26] = bytes(4)
        if ogg_crc(bytes(page)) != int.from_bytes(header[22:26], "little"):
            raise Damaged(f"page at {position} fails its CRC")
        if flags & _OGG_BOS:
            if serial in open_streams or serial in ended:
                raise Damaged(f"stream {serial} begins twice")
            open_streams.add(serial)
        elif serial not in open_streams:
            raise Damaged(f"page at {position} of a stream not begun or ended")
        if flags & _OGG_EOS:
            open_streams.discard(serial)
            ended.add(serial)
        sound = sound or 0 < granule < _OGG_NO_GRANULE
        position = end
    if open_streams or not flags & _OGG_EOS:
        raise Damaged("no end of stream")
    if not sound:
        raise Damaged("no sound")


# WebM / Matroska (EBML) ----------------------------------------------------------------------

_EBML, _SEGMENT, _CLUSTER, _TRACKS = 0x1A45DFA3, 0x18538067, 0x1F43B675, 0x1654AE6B
_DOC_TYPE, _SIMPLE_BLOCK, _BLOCK_GROUP = 0x4282, 0xA3, 0xA0
# The Segment's children: where a Cluster of unknown size ends.
_SEGMENT_CHILDREN = {
    0x114D9B74,  # SeekHead
    0x1549A966,  # Info
    _TRACKS,
    _CLUSTER,
    0x1C53BB6B,  # Cues
    0x1043A770,  # Chapters
    0x1254C367,  # Tags
    0x1941A469,  # Attachments
}


def _vint(data: bytes, position: int, *, keep_marker: bool) -> tuple[int | None, int]:
    """An EBML variable-length integer at ``position``: (value, next position). The value is
    None for a size of all ones (unknown: a live recording writes it before it knows)."""
    if position >= len(data) or data[position] == 0:
        raise Damaged(f"no element at {position}")
    length = 9 - data[position].bit_length()
    raw = data[position : position + length]
    if len(raw) < length:
        raise Damaged(f"element at {position} cut off")
    value = int.from_bytes(raw, "big")
    if keep_marker:
        return value, position + length
    value &= (1 << (7 * length)) - 1
    return (None if value == (1 << (7 * length)) - 1 else value), position + length


def _element(data: bytes, position: int, limit: int) -> tuple[int, int, int | None]:
    """The element at ``position``: (id, where its content starts, where it ends or None)."""
    element_id, position = _vint(data, position, keep_marker=True)
    size, start = _vint(data, position, keep_marker=False)
    if start > limit:
        raise Damaged(f"element {element_id:x} header cut off")
    if size is None:
        return element_id or 0, start, None
    if start + size > limit:
        raise Damaged(f"element {element_id:x} at {start} runs past its end")
    return element_id or 0, start, start + size


def _cluster_blocks(data: bytes, position: int, end: int | None) -> tuple[int, int]:
    """Blocks in a Cluster whose content starts at ``position``: (count, where it ends).

    Every child must be whole. A Cluster of unknown size ends where the next Segment child
    starts, or with the file."""
    blocks, limit = 0, len(data) if end is None else end
    while position < limit:
        element_id, _ = _vint(data, position, keep_marker=True)
        if end is None and element_id in _SEGMENT_CHILDREN:
            break
        element_id, _start, child_end = _element(data, position, limit)
        if child_end is None:
            raise Damaged(f"element {element_id:x} in a cluster has no size")
        blocks += element_id in {_SIMPLE_BLOCK, _BLOCK_GROUP}
        position = child_end
    return blocks, position


def webm_complete(data: bytes) -> None:
    """WebM: the EBML header names webm or matroska, a Segment follows whose elements are whole
    to the end of the file (a live recording's unknown sizes included), with Tracks and at
    least one block of sound."""
    element_id, start, end = _element(data, 0, len(data))
    if element_id != _EBML or end is None:
        raise Damaged("no ebml header")
    doc_type = b""
    position = start
    while position < end:
        child_id, child_start, child_end = _element(data, position, end)
        if child_end is None:
            raise Damaged("ebml header element without size")
        if child_id == _DOC_TYPE:
            doc_type = data[child_start:child_end].rstrip(b"\0")
        position = child_end
    if doc_type not in {b"webm", b"matroska"}:
        raise Damaged(f"doctype {doc_type!r}")
    element_id, position, segment_end = _element(data, end, len(data))
    if element_id != _SEGMENT:
        raise Damaged("no segment")
    limit = len(data) if segment_end is None else segment_end
    if limit != len(data):
        raise Damaged("bytes after the segment")
    tracks, blocks = False, 0
    while position < limit:
        element_id, start, end = _element(data, position, limit)
        if element_id == _CLUSTER:
            found, end = _cluster_blocks(data, start, end)
            blocks += found
        elif end is None:
            raise Damaged(f"element {element_id:x} has no size")
        tracks = tracks or element_id == _TRACKS
        position = end
    if not tracks:
        raise Damaged("no tracks")
    if not blocks:
        raise Damaged("no sound")


# MP4 / M4A (ISO base media) ------------------------------------------------------------------


def mp4_complete(data: bytes) -> None:
    """MP4: the top-level boxes fill the file exactly (each box's size fits), starting with
    ``ftyp``, with the movie (``moov``) and sound data (``mdat``) present."""
    position, boxes = 0, []
    while position < len(data):
        if position + 8 > len(data):
            raise Damaged(f"box header cut off at {position}")
        size = int.from_bytes(data[position : position + 4], "big")
        name = data[position + 4 : position + 8]
        header = 8
        if size == 1:
            if position + 16 > len(data):
                raise Damaged(f"box header cut off at {position}")
            size, header = int.from_bytes(data[position + 8 : position + 16], "big"), 16
        elif size == 0:
            size = len(data) - position
        if size < header or position + size > len(data):
            raise Damaged(f"box {name!r} at {position} runs past the end")
        boxes.append((name, size - header))
        position += size
    names = [name for name, _ in boxes]
    if names[:1] != [b"ftyp"] or b"moov" not in names:
        raise Damaged("no ftyp or moov")
    if not any(name == b"mdat" and size > 0 for name, size in boxes):
        raise Damaged("no sound")


# MP3 (MPEG audio frames) ---------------------------------------------------------------------

# Bit rates in kbit/s by (MPEG-1?, layer) and index; index 0 ("free format") has no fixed size.
_MPEG_BITRATES = {
    (True, 3): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 3): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_RATES = {0b11: (44100, 48000, 32000), 0b10: (22050, 24000, 16000), 0b00: (11025, 12000, 8000)}
# What may follow the last frame: an ID3v1 tag, an APEv2 tag, Lyrics3 (with ID3v1 after it).
_MP3_TRAILERS = (b"APETAGEX", b"LYRICSBEGIN")


def _mpeg_frame_length(header: bytes) -> int:
    if not _is_mpeg_frame(header):
        raise Damaged("no frame header")
    version, layer = (header[1] >> 3) & 0b11, (header[1] >> 1) & 0b11
    bitrate = _MPEG_BITRATES[(version == 0b11, layer)][header[2] >> 4] * 1000
    if not bitrate:
        raise Damaged("free-format frames")
    rate = _MPEG_RATES[version][(header[2] >> 2) & 0b11]
    padding = (header[2] >> 1) & 1
    if layer == 0b11:
        return (12 * bitrate // rate + padding) * 4
    if layer == 0b01 and version != 0b11:
        return 72 * bitrate // rate + padding
    return 144 * bitrate // rate + padding


def mp3_complete(data: bytes) -> None:
    """MP3: an optional ID3v2 tag that fits, then whole MPEG frames one after another to the
    end, where only an ID3v1, APEv2 or Lyrics3 tag may follow."""
    position = 0
    if data.startswith(b"ID3"):
        if len(data) < 10:
            raise Damaged("id3 tag cut off")
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(data[6:10]))
        position = 10 + size + (10 if data[5] & 0x10 else 0)
    frames = 0
    while position < len(data):
        rest = data[position:]
        if frames and (
            (rest.startswith(b"TAG") and len(rest) == 128) or rest.startswith(_MP3_TRAILERS)
        ):
            break
        if len(rest) < 4:
            raise Damaged(f"frame header cut off at {position}")
        length = _mpeg_frame_length(rest[:4])
        if length > len(rest):
            raise Damaged(f"frame at {position} cut off")
        frames += 1
        position += length
    if not frames:
        raise Damaged("no frames")


_COMPLETE = {
    "audio/wav": wav_complete,
    "audio/ogg": ogg_complete,
    "audio/webm": webm_complete,
    "audio/mp4": mp4_complete,
    "audio/mpeg": mp3_complete,
}


def _refuse_empty() -> AudioRefused:
    return AudioRefused(
        "empty", _("This recording is empty. Record again, or choose another file.")
    )


def identify(head: bytes) -> str:
    """The MIME type the first bytes of a recording name, without reading it to its end (to tell
    a recording from a photo or a PDF). Raises ``AudioRefused`` (``empty``, ``not_audio``)."""
    if not head:
        raise _refuse_empty()
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if _is_webm(head):
        return "audio/webm"
    if head.startswith(b"ID3") or _is_mpeg_frame(head):
        return "audio/mpeg"
    if _is_mp4_audio(head):
        return "audio/mp4"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    raise AudioRefused(
        "not_audio",
        _("This file is not a recording we can use. Upload an MP3, M4A, OGG, WebM or WAV file."),
    )


def check(data: bytes) -> str:
    """The MIME type of the whole recording in ``data``: its first bytes name the container, and
    the container is read to its end.

    Accepts Ogg, WebM (Chrome's and Firefox's recorder), MP3, MP4/M4A (Safari, iPhone) and WAV.
    Raises ``AudioRefused`` with the code ``empty``, ``too_large``, ``not_audio`` or ``damaged``
    (cut off, or not whole).
    """
    if not data:
        raise _refuse_empty()
    if len(data) > settings.MEDIA_MAX_AUDIO_BYTES:
        raise refuse_too_large(len(data))
    mime = identify(data)
    try:
        _COMPLETE[mime](data)
    except Damaged as damaged:
        raise AudioRefused(
            "damaged",
            _("This recording is incomplete or damaged. Record again, or choose another file."),
        ) from damaged
    return mime
