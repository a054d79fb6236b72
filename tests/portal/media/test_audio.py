"""Recordings are recognised by their first bytes and read to their end; anything else, and a
recording cut off, gets a clear refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from portal.media import audio
from portal.media.audio import AudioRefused
from tests.portal.media import samples

ACCEPTED: list[tuple[str, bytes, str]] = [
    ("ogg opus", samples.ogg_opus(), "audio/ogg"),
    ("webm from chrome", samples.ebml(b"webm"), "audio/webm"),
    ("matroska", samples.ebml(b"matroska"), "audio/webm"),
    ("mp3 with an id3 tag", samples.mp3(id3=True), "audio/mpeg"),
    ("mp3 frames", samples.mp3(), "audio/mpeg"),
    ("mp3 with an id3v1 tag at the end", samples.mp3() + b"TAG" + bytes(125), "audio/mpeg"),
    ("m4a voice memo", samples.ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "audio/mp4"),
    ("mp4 from safari", samples.ftyp(b"iso5", b"iso5", b"mp41"), "audio/mp4"),
    ("wav", samples.wav(), "audio/wav"),
]


@pytest.mark.parametrize(("data", "mime"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_each_recording_format_is_recognised(data: bytes, mime: str) -> None:
    assert audio.check(data) == mime
    assert mime in audio.EXTENSIONS


REFUSALS: list[tuple[str, Callable[[], bytes], str]] = [
    ("a jpeg renamed .mp3", lambda: samples.jpeg(200, 150), "not_audio"),
    ("a png", lambda: samples.encode(samples.photo(100, 100), "PNG"), "not_audio"),
    ("a heic photo (an mp4 box too)", lambda: samples.ftyp(b"heic", b"mif1", b"heic"), "not_audio"),
    ("html", lambda: b"<!doctype html><script>alert(1)</script>", "not_audio"),
    ("an ebml file of another kind", lambda: samples.ebml(b"other"), "not_audio"),
    ("a bad mpeg header", lambda: b"\xff\xff\xff\xff" + b"\x00" * 100, "not_audio"),
    (
        "a riff that is not wave",
        lambda: b"RIFF\x10\x00\x00\x00AVI LIST" + b"\x00" * 40,
        "not_audio",
    ),
    ("empty", lambda: b"", "empty"),
]


@pytest.mark.parametrize(("build", "code"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_each_refusal_has_a_code_and_a_message(build: Callable[[], bytes], code: str) -> None:
    with pytest.raises(AudioRefused) as refused:
        audio.check(build())

    assert refused.value.code == code
    assert refused.value.message.strip()
    assert isinstance(refused.value, ValidationError)


def test_a_recording_over_the_limit_is_refused(settings: Any) -> None:
    settings.MEDIA_MAX_AUDIO_BYTES = 2 * 1024 * 1024
    data = samples.ogg_opus(2) + b"\x00" * (2 * 1024 * 1024)

    with pytest.raises(AudioRefused) as refused:
        audio.check(data)

    assert refused.value.code == "too_large"
    assert refused.value.message == ("This recording is too large (2.1 MB). The limit is 2 MB.")


def _cut_in_the_middle_of_its_last_element(data: bytes) -> bytes:
    return data[:-3]


def _ogg_with_a_flipped_byte() -> bytes:
    data = bytearray(samples.ogg_opus())
    data[-1] ^= 0x01  # the last packet's byte: only the page's CRC tells
    return bytes(data)


def _ogg_without_end_of_stream() -> bytes:
    # Whole pages, each with a right CRC, but the recorder stopped before the last page.
    return samples.ogg_opus(3)[: -len(samples.ogg_page(b"\xf8", flags=4, granule=0, sequence=4))]


def _wav_declaring_more_samples() -> bytes:
    data = bytearray(samples.wav())
    data[40:44] = (int.from_bytes(data[40:44], "little") + 100).to_bytes(4, "little")
    return bytes(data)


DAMAGED: list[tuple[str, Callable[[], bytes]]] = [
    ("wav cut off", lambda: samples.wav()[:-1000]),
    ("wav header only", lambda: samples.wav()[:44]),
    ("wav data chunk longer than the file", _wav_declaring_more_samples),
    ("wav without a data chunk", lambda: samples.wav()[:36].replace(b"$", b"\x1c", 1)),
    ("ogg capture pattern only", lambda: b"OggS"),
    ("ogg cut in a page", lambda: samples.ogg_opus()[:-1]),
    ("ogg without its end of stream page", _ogg_without_end_of_stream),
    ("ogg page with a wrong crc", _ogg_with_a_flipped_byte),
    ("ogg headers without sound", lambda: samples.ogg_opus()[: 47 + 28 + 26]),
    ("webm cut in a block", lambda: samples.ebml(b"webm")[:-3]),
    ("webm header only", lambda: samples.ebml(b"webm")[:40]),
    ("webm without blocks", lambda: samples.ebml(b"webm", blocks=0)),
    ("mp3 cut in a frame", lambda: samples.mp3()[:-3]),
    ("mp3 id3 tag only", lambda: samples.mp3(id3=True)[:20]),
    ("mp3 with junk after its frames", lambda: samples.mp3() + b"<html>"),
    ("m4a cut in its data", lambda: samples.ftyp(b"M4A ", b"M4A ")[:-3]),
    ("m4a without its movie box", lambda: samples.ftyp(b"M4A ", b"M4A ")[:28]),
]


@pytest.mark.parametrize("build", [d[1] for d in DAMAGED], ids=[d[0] for d in DAMAGED])
def test_a_recording_that_is_cut_off_or_not_whole_is_refused(build: Callable[[], bytes]) -> None:
    with pytest.raises(AudioRefused) as refused:
        audio.check(build())

    assert refused.value.code == "damaged"
    assert refused.value.message.strip()


@pytest.mark.parametrize(("data", "mime"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_every_cut_of_a_recording_is_refused_or_a_whole_shorter_one(data: bytes, mime: str) -> None:
    """Cut anywhere, a recording is refused, unless the cut falls between two whole frames or
    blocks (then it is a shorter recording, still whole; where those boundaries are is known)."""
    accepted, codes = [], set()
    for length in range(1, len(data)):
        try:
            audio.check(data[:length])
        except AudioRefused as refused:
            codes.add(refused.code)
        else:
            accepted.append(length)
    assert codes <= {"damaged", "not_audio"}
    frames_from = 20 if data.startswith(b"ID3") else 0
    block = 9 + 4 + 40  # a SimpleBlock of samples.ebml: id and size, its header, its bytes
    boundaries = {
        "audio/mpeg": {frames_from + samples.MP3_FRAME_BYTES * k for k in range(1, 5)},
        "audio/webm": {len(data) - block * k for k in range(1, 3)},
    }.get(mime, set())
    assert set(accepted) <= boundaries


def test_the_ogg_crc_is_the_one_of_rfc_3533() -> None:
    for page in (b"", b"OggS", bytes(range(256)) * 3, samples.ogg_opus()[:47]):
        assert audio.ogg_crc(page) == samples._ogg_crc(page)
