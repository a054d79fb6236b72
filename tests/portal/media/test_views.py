"""Serving stored media: signed-in people only, cached for good, typed by what was checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Not default_storage itself: a lazy object at module level would be set up while pytest
# collects, before the test settings exist, and keep production's storages for the session.
from django.core.files import storage
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.media import services
from portal.media.models import Audio, Image
from tests.portal.media import samples

pytestmark = pytest.mark.django_db

RECORDING = samples.ebml(b"webm", blocks=8, block_bytes=120)


@pytest.fixture
def image(case_manager: User, media_root: Path) -> Image:
    return services.image_store(
        upload=SimpleUploadedFile("cover.jpg", samples.jpeg(800, 600)), owner=case_manager
    )


@pytest.fixture
def recording(case_manager: User, media_root: Path) -> Audio:
    return services.audio_store(
        upload=SimpleUploadedFile("word.webm", RECORDING), owner=case_manager
    )


def body(response: Any) -> bytes:
    """The streamed content; reading it to the end closes the file, as a server would."""
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("who", ["learner", "teacher", "case_manager"])
def test_signed_in_people_get_the_file_cached_for_good(
    who: str,
    image: Image,
    learner: LearnerProfile,
    case_manager: User,
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
    media_root: Path,
) -> None:
    user = {
        "learner": lambda: learner.user,
        "teacher": lambda: make_staff(Role.TEACHER, "mo.teacher"),
        "case_manager": lambda: case_manager,
    }[who]()
    [thumbnail] = [v for v in image.variants if v["width"] == 360 and v["format"] == "webp"]

    response = signed_in(user).get(image.urls()[0])

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(thumbnail["bytes"])
    assert body(response) == (media_root / thumbnail["name"]).read_bytes()


def test_a_jpeg_is_served_as_a_jpeg(
    image: Image, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(learner.user).get(image.fallback_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert body(response).startswith(b"\xff\xd8\xff")


def test_anonymous_people_are_sent_to_sign_in(image: Image) -> None:
    response = Client().get(image.thumbnail_url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/00000000-0000-4000-8000-000000000000/360.webp",
        "/media/images/not-a-key/360.webp",
        "/media/audio/00000000-0000-4000-8000-000000000000.webm",
        "/media/../portal/settings.py",
        "/media/%2e%2e/portal/settings.py",
        "/media/",
    ],
)
def test_unknown_names_are_not_found(
    path: str, image: Image, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    assert signed_in(learner.user).get(path).status_code == 404


def test_a_file_without_a_row_is_not_served(
    image: Image, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    # In a picture's folder, but not one of its variants (the row is what vouches for a file).
    name = storage.default_storage.save(f"images/{image.key}/999.jpg", ContentFile(b"<html>"))

    assert signed_in(learner.user).get(f"/media/{name}").status_code == 404


def test_a_row_whose_file_is_gone_is_not_found(
    image: Image, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    storage.default_storage.delete(image.variants[0]["name"])

    assert signed_in(learner.user).get(image.urls()[0]).status_code == 404


def test_a_recording_is_served_with_its_checked_type(
    recording: Audio, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(learner.user).get(recording.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/webm"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(RECORDING))
    assert body(response) == RECORDING


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, len(RECORDING) - 1),
        ("bytes=-16", len(RECORDING) - 16, len(RECORDING) - 1),
        ("bytes=50-99999", 50, len(RECORDING) - 1),
    ],
)
def test_a_single_range_is_answered_for_seeking(
    asked: str,
    first: int,
    last: int,
    recording: Audio,
    learner: LearnerProfile,
    signed_in: Callable[[User], Client],
) -> None:
    response = signed_in(learner.user).get(recording.url, headers={"Range": asked})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(RECORDING)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert body(response) == RECORDING[first : last + 1]


def test_a_range_past_the_end_is_unsatisfiable(
    recording: Audio, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(learner.user).get(recording.url, headers={"Range": "bytes=99999-"})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(RECORDING)}"


@pytest.mark.parametrize("asked", ["bytes=0-1,5-9", "bytes=9-2", "items=0-9", "bytes=-"])
def test_other_ranges_get_the_whole_file(
    asked: str, recording: Audio, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(learner.user).get(recording.url, headers={"Range": asked})

    assert response.status_code == 200
    assert body(response) == RECORDING


def test_only_reading_is_allowed(
    image: Image, learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    head = client.head(image.thumbnail_url)

    assert head.status_code == 200
    assert body(head) == b""
    assert client.post(image.thumbnail_url).status_code == 405
