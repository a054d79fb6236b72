"""Storing pictures and recordings: files in the storage, a row naming them, nothing on refusal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portal.media import services
from portal.media.audio import AudioRefused
from portal.media.images import ImageRefused
from portal.media.models import Audio, Image
from tests.portal.media import samples

pytestmark = pytest.mark.django_db


class CountingStream(io.RawIOBase):
    """An upload that cannot tell its size (no seek, no tell) and counts what is read of it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        self.read_bytes += len(chunk)
        return chunk


def test_a_picture_is_stored_as_variants_named_by_its_key(
    case_manager: User, media_root: Path
) -> None:
    upload = SimpleUploadedFile("holiday.png", samples.jpeg(1600, 1200))  # The name lies.

    image = services.image_store(upload=upload, owner=case_manager)

    image.refresh_from_db()
    assert image.owner == case_manager
    assert (image.width, image.height) == (1080, 810)
    assert samples.stored_files(media_root) == sorted(
        f"images/{image.key}/{width}.{ext}" for width in (360, 720, 1080) for ext in ("webp", "jpg")
    )
    for variant in image.variants:
        assert (media_root / variant["name"]).stat().st_size == variant["bytes"]
    assert image.total_bytes == sum(
        path.stat().st_size for path in media_root.rglob("*") if path.is_file()
    )
    base = f"/media/images/{image.key}"
    assert image.srcset("webp") == (
        f"{base}/360.webp 360w, {base}/720.webp 720w, {base}/1080.webp 1080w"
    )
    assert (
        image.srcset("jpeg") == f"{base}/360.jpg 360w, {base}/720.jpg 720w, {base}/1080.jpg 1080w"
    )
    assert image.fallback_url == f"{base}/720.jpg"
    assert image.thumbnail_url == f"{base}/360.jpg"
    assert sorted(image.urls()) == sorted(f"/media/{name}" for name in image.names())


def test_a_small_picture_falls_back_to_its_largest_jpeg(media_root: Path) -> None:
    upload = SimpleUploadedFile("small.jpg", samples.jpeg(500, 400))

    image = services.image_store(upload=upload, owner=None)

    assert (image.width, image.height) == (360, 288)
    assert image.fallback_url == image.thumbnail_url == f"/media/images/{image.key}/360.jpg"


def test_a_refused_picture_leaves_nothing_behind(media_root: Path) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>")

    with pytest.raises(ImageRefused):
        services.image_store(upload=upload, owner=None)

    assert not Image.objects.exists()
    assert samples.stored_files(media_root) == []


def test_a_failure_after_writing_deletes_the_files(make_staff: Any, media_root: Path) -> None:
    from portal.accounts.models import Role

    teacher = make_staff(Role.TEACHER, "gone.teacher")
    User.objects.filter(pk=teacher.pk).delete()  # The row fails its check: no such owner.

    with pytest.raises(ValidationError) as failed:
        services.image_store(upload=File(io.BytesIO(samples.jpeg(800, 600))), owner=teacher)

    assert not isinstance(failed.value, ImageRefused)
    assert not Image.objects.exists()
    assert samples.stored_files(media_root) == []


def test_a_large_upload_is_refused_before_it_is_read(settings: Any) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = 1000
    declared = CountingStream(b"\xff\xd8\xff" + b"\x00" * 50_000)
    upload = SimpleUploadedFile("big.jpg", b"")
    upload.file, upload.size = declared, 50_003  # type: ignore[assignment]

    with pytest.raises(ImageRefused) as refused:
        services.image_store(upload=upload, owner=None)

    assert refused.value.code == "too_large"
    assert declared.read_bytes == 0


def test_a_stream_of_unknown_size_is_read_no_further_than_the_limit(settings: Any) -> None:
    settings.MEDIA_MAX_AUDIO_BYTES = 1000
    stream = CountingStream(samples.ogg_opus(200))

    with pytest.raises(AudioRefused) as refused:
        services.audio_store(upload=File(stream), owner=None)

    assert refused.value.code == "too_large"
    assert stream.read_bytes == 1001
    assert not Audio.objects.exists()


def test_a_recording_is_stored_as_it_came(learner: LearnerProfile, media_root: Path) -> None:
    data = samples.ebml(b"webm", blocks=10, block_bytes=100)
    upload = SimpleUploadedFile("recording.mp3", data, content_type="audio/mpeg")

    recording = services.audio_store(upload=upload, owner=learner.user)

    recording.refresh_from_db()
    assert recording.owner == learner.user
    assert (recording.mime, recording.bytes) == ("audio/webm", len(data))
    assert recording.file.name == f"audio/{recording.key}.webm"
    assert recording.url == f"/media/audio/{recording.key}.webm"
    assert (media_root / recording.file.name).read_bytes() == data


def test_a_refused_recording_leaves_nothing_behind(media_root: Path) -> None:
    upload = SimpleUploadedFile("song.mp3", samples.jpeg(200, 150))

    with pytest.raises(AudioRefused) as refused:
        services.audio_store(upload=upload, owner=None)

    assert refused.value.code == "not_audio"
    assert not Audio.objects.exists()
    assert samples.stored_files(media_root) == []
