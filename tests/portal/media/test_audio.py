"""Recordings are recognised by their first bytes; anything else gets a clear refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from portal.media import audio
from portal.media.audio import AudioRefused
from tests.portal.media import samples

ACCEPTED: list[tuple[str, bytes, str]] = [
    ("ogg opus", b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + b"\x00" * 40, "audio/ogg"),
    ("webm from chrome", samples.ebml(b"webm"), "audio/webm"),
    ("matroska", samples.ebml(b"matroska"), "audio/webm"),
    (
        "mp3 with an id3 tag",
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" * 16,
        "audio/mpeg",
    ),
    ("mp3 frame", b"\xff\xfb\x90\x64" + b"\x00" * 400, "audio/mpeg"),
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
    data = b"OggS" + b"\x00" * (2 * 1024 * 1024)

    with pytest.raises(AudioRefused) as refused:
        audio.check(data)

    assert refused.value.code == "too_large"
    assert refused.value.message == ("This recording is too large (2.1 MB). The limit is 2 MB.")
