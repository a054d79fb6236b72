"""Pages travel compressed over slow mobile data; streamed files (media, asked for in byte
ranges by audio players) are never re-compressed."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portal.media import services as media_services
from tests.portal.media import samples as media_samples

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_when_the_phone_accepts_it(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    page = client.get(reverse("shell:home"), headers={"Accept-Encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.content)
    plain = client.get(reverse("shell:home"))
    assert not plain.has_header("Content-Encoding")


def test_a_recording_is_served_as_stored_and_in_ranges(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    body = media_samples.ogg_opus(20)
    audio = media_services.audio_store(  # the test settings' media folder
        upload=SimpleUploadedFile("a.ogg", body, "audio/ogg"), owner=None
    )
    client = signed_in(learner.user)
    whole = client.get(audio.url, headers={"Accept-Encoding": "gzip"})
    assert not whole.has_header("Content-Encoding")
    assert b"".join(whole.streaming_content) == body  # read to the end, which closes it
    part = client.get(audio.url, headers={"Accept-Encoding": "gzip", "Range": "bytes=4-9"})
    assert part.status_code == 206
    assert not part.has_header("Content-Encoding")
    assert b"".join(part.streaming_content) == body[4:10]
