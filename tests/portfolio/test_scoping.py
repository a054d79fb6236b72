"""Portfolio files are for their owner and the staff following them: nobody else, not even by
the media address, while lesson media stay shared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.media.services import image_store
from portfolio import services
from portfolio.models import Attachment, DossierAccess, Kind
from tests.portfolio import samples


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(
    learner: LearnerProfile,
    case_manager: User,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    leuven: Any,
) -> dict[str, User]:
    other_case_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    other = make_learner("INB-0002", case_manager=other_case_manager, pin="482915")
    return {
        "owner": learner.user,
        "case_manager": case_manager,
        "agency_admin": make_staff(Role.AGENCY_ADMIN, "admin.own"),
        "other_learner": other.user,
        "other_case_manager": other_case_manager,
        "coordinator": make_staff(Role.COORDINATOR, "coord", municipality=leuven),
        "teacher": make_staff(Role.TEACHER, "teacher"),
    }


@pytest.fixture
def attachments(learner: LearnerProfile) -> dict[str, Attachment]:
    item = services.item_add(
        learner=learner,
        actor=learner.user,
        kind=Kind.EVIDENCE,
        fields={"title": "Volunteer work"},
        upload=samples.upload("photo.jpg", samples.photo_with_gps()),
    )
    for name, data in (("note.wav", samples.wav()), ("letter.pdf", samples.pdf())):
        services.attachment_add(item=item, actor=learner.user, upload=samples.upload(name, data))
    return {a.kind: a for a in Attachment.objects.filter(item=item)}


EXPECTED = {
    "owner": 200,
    "case_manager": 200,
    "agency_admin": 200,
    "other_learner": 404,
    "other_case_manager": 404,
    "coordinator": 404,
    "teacher": 404,
}


def _status(client: Client, url: str) -> int:
    response = client.get(url)
    if response.streaming:  # read to the end: that closes the file
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.status_code


def _media_urls(attachments: dict[str, Attachment]) -> list[str]:
    image, audio = attachments["image"].image, attachments["audio"].audio
    assert image is not None
    assert audio is not None
    return [*image.urls(), audio.url]


@pytest.mark.django_db
def test_portfolio_media_are_served_to_the_owner_and_their_staff_only(
    people: dict[str, User],
    attachments: dict[str, Attachment],
    signed_in: Callable[[User], Client],
) -> None:
    urls = _media_urls(attachments)
    for who, user in people.items():
        client = signed_in(user)
        statuses = {_status(client, url) for url in urls}
        assert statuses == {EXPECTED[who]}, who


@pytest.mark.django_db
def test_portfolio_files_are_served_to_the_owner_and_their_staff_only(
    people: dict[str, User],
    attachments: dict[str, Attachment],
    signed_in: Callable[[User], Client],
) -> None:
    for who, user in people.items():
        client = signed_in(user)
        for attachment in attachments.values():
            response = client.get(reverse("portfolio:file", args=[attachment.pk]))
            expected = EXPECTED[who] if who != "teacher" and who != "coordinator" else 403
            assert response.status_code == expected, (who, attachment.kind)
            if response.status_code == 200:
                body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
                assert body
                assert response["X-Content-Type-Options"] == "nosniff"
    pdf = attachments["pdf"]
    response = signed_in(people["owner"]).get(reverse("portfolio:file", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == samples.pdf()  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_staff_download_of_a_file_is_in_the_access_log(
    people: dict[str, User],
    attachments: dict[str, Attachment],
    signed_in: Callable[[User], Client],
    learner: LearnerProfile,
) -> None:
    url = reverse("portfolio:file", args=[attachments["pdf"].pk])
    assert _status(signed_in(people["owner"]), url) == 200
    assert not DossierAccess.objects.exists()
    assert _status(signed_in(people["case_manager"]), url) == 200
    access = DossierAccess.objects.get()
    assert (access.learner, access.staff, access.what) == (
        learner,
        people["case_manager"],
        "portfolio:file",
    )


@pytest.mark.django_db
def test_lesson_media_stay_shared(
    people: dict[str, User], attachments: dict[str, Attachment], signed_in: Callable[[User], Client]
) -> None:
    lesson_picture = image_store(
        upload=ContentFile(samples.photo_with_gps(), name="cover.jpg"), owner=people["teacher"]
    )
    for user in people.values():
        assert _status(signed_in(user), lesson_picture.urls()[0]) == 200


@pytest.mark.django_db
def test_another_learner_cannot_open_change_or_remove_an_item(
    people: dict[str, User], attachments: dict[str, Attachment], signed_in: Callable[[User], Client]
) -> None:
    item = attachments["pdf"].item
    client = signed_in(people["other_learner"])
    assert client.get(reverse("portfolio:item", args=[item.pk])).status_code == 404
    assert client.post(reverse("portfolio:item", args=[item.pk]), {"title": "x"}).status_code == 404
    assert client.post(reverse("portfolio:item_delete", args=[item.pk])).status_code == 404
    for attachment in attachments.values():
        url = reverse("portfolio:attachment_delete", args=[attachment.pk])
        assert client.post(url).status_code == 404
    assert Attachment.objects.filter(item=item).count() == 3
