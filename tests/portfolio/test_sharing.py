"""Sharing by consent: a link shows only the chosen items, stops on revoke and on expiry, and the
learner sees every opening."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from portal.events.models import Event
from portfolio.models import Attachment, AttachmentKind, Item, Kind
from portfolio.sharing import rules, selectors, services
from portfolio.sharing.links import link_token, retrievable_token
from portfolio.sharing.models import RecipientKind, Share, ShareOpening

PHONE_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)


def item(learner: LearnerProfile, title: str, kind: str = Kind.WORK_EXPERIENCE) -> Item:
    return Item.objects.create(learner=learner, kind=kind, title=title, description=f"{title}.")


@pytest.fixture
def items(learner: LearnerProfile) -> dict[str, Item]:
    return {
        "welder": item(learner, "Lasser bij Metaal NV"),
        "diploma": item(learner, "Diploma elektriciteit", Kind.DIPLOMA),
        "private": item(learner, "Vrijwilliger in de moskee", Kind.COMPETENCE),
    }


def share_with_employer(learner: LearnerProfile, *chosen: Item, days: int = 30) -> Share:
    return services.share_create(
        learner=learner,
        recipient_kind=RecipientKind.EMPLOYER,
        recipient_name="Metaal NV",
        item_ids=[i.pk for i in chosen],
        days=days,
    )


def stored_pdf(name: str, content: bytes) -> str:
    # Imported here: importing the storage while tests are collected would fix the storages
    # before the suite's settings (tests/conftest.py) are in place.
    from django.core.files.storage import default_storage

    return default_storage.save(name, ContentFile(content))


def link(share: Share) -> str:
    return reverse("portfolio_shared:view", args=[link_token(share)])


@pytest.mark.django_db
def test_an_employer_link_shows_only_the_chosen_items_without_an_account(
    learner: LearnerProfile, items: dict[str, Item]
) -> None:
    share = share_with_employer(learner, items["welder"], items["diploma"])

    response = Client().get(link(share), HTTP_USER_AGENT=PHONE_CHROME)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Lasser bij Metaal NV" in page
    assert "Diploma elektriciteit" in page
    assert "Vrijwilliger in de moskee" not in page
    assert f'data-item="{items["private"].pk}"' not in page
    # Private by construction: no index, no cache, no referrer.
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in page


@pytest.mark.django_db
def test_a_revoked_link_stops_at_once_and_its_files_too(
    learner: LearnerProfile, items: dict[str, Item]
) -> None:
    name = stored_pdf("portfolio/diploma.pdf", b"%PDF-1.4 test")
    attachment = Attachment.objects.create(
        item=items["diploma"], kind=AttachmentKind.PDF, file=name, name="diploma.pdf", bytes=13
    )
    share = share_with_employer(learner, items["diploma"])
    file_url = reverse("portfolio_shared:file", args=[link_token(share), attachment.pk])
    recipient = Client()
    assert recipient.get(link(share)).status_code == 200
    downloaded = recipient.get(file_url)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    assert downloaded["Content-Disposition"].startswith("attachment")

    services.share_revoke(learner=learner, share_id=share.pk)

    gone = recipient.get(link(share))
    assert gone.status_code == 404
    assert b'data-shared="gone"' in gone.content
    assert gone["Cache-Control"] == "private, no-store"
    assert recipient.get(file_url).status_code == 404
    assert Event.objects.filter(code="portfolio.share.revoked").count() == 1
    # Revoking again changes nothing.
    services.share_revoke(learner=learner, share_id=share.pk)
    assert Event.objects.filter(code="portfolio.share.revoked").count() == 1


@pytest.mark.django_db
def test_a_file_of_an_item_that_was_not_shared_is_not_found(
    learner: LearnerProfile, items: dict[str, Item]
) -> None:
    name = stored_pdf("portfolio/private.pdf", b"%PDF-1.4 private")
    private = Attachment.objects.create(
        item=items["private"], kind=AttachmentKind.PDF, file=name, name="p.pdf", bytes=16
    )
    share = share_with_employer(learner, items["welder"])
    url = reverse("portfolio_shared:file", args=[link_token(share), private.pk])
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_a_link_stops_working_when_it_expires(
    learner: LearnerProfile, items: dict[str, Item]
) -> None:
    share = share_with_employer(learner, items["welder"], days=7)
    recipient = Client()
    assert recipient.get(link(share)).status_code == 200

    # The link works to the end of the seventh day, local time, and not a moment longer.
    assert timezone.localtime(share.expires_at).time().hour == 0
    assert (timezone.localdate(share.expires_at) - timezone.localdate()).days == 8
    assert share.last_day == timezone.localdate() + timedelta(days=7)
    Share.objects.filter(pk=share.pk).update(
        created_at=timezone.now() - timedelta(days=9), expires_at=timezone.now()
    )
    assert recipient.get(link(share)).status_code == 404


@pytest.mark.django_db
def test_openings_are_listed_for_the_learner_with_who_and_when_only(
    learner: LearnerProfile, items: dict[str, Item], signed_in: Callable[..., Client]
) -> None:
    share = share_with_employer(learner, items["welder"])
    Client().get(link(share), HTTP_USER_AGENT=PHONE_CHROME, REMOTE_ADDR="203.0.113.9")
    Client().get(link(share), HTTP_USER_AGENT="curl/8.5")

    openings = list(ShareOpening.objects.filter(share=share).order_by("at", "id"))
    assert [(o.browser, o.device) for o in openings] == [("Chrome", "phone"), ("", "computer")]
    # No IP address is kept anywhere in the opening.
    assert "203.0.113" not in repr([vars(o) for o in openings])

    page = signed_in(learner.user).get(reverse("portfolio_sharing:shares"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Metaal NV" in text
    assert text.count("<li>", text.index("data-openings")) >= 2
    assert "Chrome" in text
    # The learner can copy the link again while it works.
    assert link(share) in text
    assert page["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_learner_makes_and_revokes_a_share_through_the_screens(
    learner: LearnerProfile, items: dict[str, Item], signed_in: Callable[..., Client]
) -> None:
    client = signed_in(learner.user)
    assert client.get(reverse("portfolio_sharing:share_new")).status_code == 200
    response = client.post(
        reverse("portfolio_sharing:share_new"),
        {
            "items": [items["welder"].pk],
            "recipient_kind": RecipientKind.VDAB,
            "recipient_name": "VDAB Leuven",
            "days": "90",
        },
    )
    assert response.status_code == 302
    share = Share.objects.get(learner=learner)
    assert list(share.items.all()) == [items["welder"]]
    assert Client().get(link(share)).status_code == 200

    revoked = client.post(reverse("portfolio_sharing:share_revoke", args=[share.pk]))
    assert revoked.status_code == 302
    assert Client().get(link(share)).status_code == 404
    assert "VDAB Leuven" in client.get(reverse("portfolio_sharing:shares")).content.decode()


@pytest.mark.django_db
def test_a_share_takes_only_the_learners_own_items_and_a_bounded_expiry(
    learner: LearnerProfile,
    items: dict[str, Item],
    make_learner: Callable[..., LearnerProfile],
    signed_in: Callable[..., Client],
) -> None:
    other = make_learner("INB-0002")
    theirs = item(other, "Someone else's job")
    with pytest.raises(ValidationError):
        share_with_employer(learner, items["welder"], theirs)
    with pytest.raises(ValidationError):
        share_with_employer(learner)
    with pytest.raises(ValidationError):
        share_with_employer(learner, items["welder"], days=91)
    assert not Share.objects.exists()

    # The form offers only the learner's items: another's id is refused with the reason.
    response = signed_in(learner.user).post(
        reverse("portfolio_sharing:share_new"),
        {"items": [theirs.pk], "recipient_kind": "employer", "recipient_name": "X", "days": "7"},
    )
    assert response.status_code == 400
    assert not Share.objects.exists()


@pytest.mark.django_db
def test_another_learner_cannot_revoke_or_see_a_share(
    learner: LearnerProfile,
    items: dict[str, Item],
    make_learner: Callable[..., LearnerProfile],
    signed_in: Callable[..., Client],
    case_manager: object,
) -> None:
    share = share_with_employer(learner, items["welder"])
    other = make_learner("INB-0002", case_manager=case_manager, pin="482915")
    client = signed_in(other.user)
    assert (
        client.post(reverse("portfolio_sharing:share_revoke", args=[share.pk])).status_code == 404
    )
    assert "Metaal NV" not in client.get(reverse("portfolio_sharing:shares")).content.decode()
    assert Client().get(link(share)).status_code == 200


@pytest.mark.django_db
def test_only_a_hash_of_the_link_is_stored(learner: LearnerProfile, items: dict[str, Item]) -> None:
    share = share_with_employer(learner, items["welder"])
    token = link_token(share)
    stored = repr(list(Share.objects.filter(pk=share.pk).values()))
    assert token not in stored
    assert selectors.open_share(token) == share
    assert selectors.open_share(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert retrievable_token(share) == token


@pytest.mark.django_db
def test_a_link_made_under_an_old_secret_key_still_opens_but_cannot_be_shown(
    learner: LearnerProfile, items: dict[str, Item], settings: object
) -> None:
    share = share_with_employer(learner, items["welder"])
    token = link_token(share)
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 40  # type: ignore[attr-defined]
    assert retrievable_token(share) is None
    assert selectors.open_share(token) == share


def test_expiry_is_the_end_of_the_last_day_and_never_beyond_90_days() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    ends = rules.share_expires_at(today=date(2026, 3, 28), days=1, tz=brussels)
    assert ends == datetime(2026, 3, 30, 0, 0, tzinfo=brussels)
    assert ends.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # summer time began
    for days in (0, -1, 91):
        with pytest.raises(ValueError, match="outside"):
            rules.share_expires_at(today=date(2026, 3, 28), days=days, tz=brussels)


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (PHONE_CHROME, ("Chrome", "phone")),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
            ("Edge", "computer"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            ("Safari", "phone"),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            ("Firefox", "computer"),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/156.0.0.0 Safari/537.36",
            ("Chrome", "computer"),
        ),
        ("", ("", "")),
    ],
)
def test_browser_family_is_coarse(agent: str, expected: tuple[str, str]) -> None:
    assert rules.browser_family(agent) == expected
