"""Writes of the portfolio: the learner's own items, derived certificates, the quota, uploads."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

# The module, not default_storage: collection would evaluate that lazy object before the
# test settings are in place.
from django.core.files import storage as file_storage
from PIL import Image as PILImage
from pypdf import PdfWriter

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.events.models import Event
from portal.media.audio import AudioRefused
from portal.media.images import ImageRefused
from portal.media.models import Audio, Image
from portfolio import services
from portfolio.models import Attachment, Item, Kind, Recognition
from portfolio.pdf import PdfRefused
from portfolio.selectors import quota_used
from tests.portfolio import samples


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _add(learner: LearnerProfile, kind: str = Kind.EVIDENCE, **extra: Any) -> Item:
    return services.item_add(
        learner=learner,
        actor=learner.user,
        kind=kind,
        fields={"title": "Certificate of first aid", **extra.pop("fields", {})},
        **extra,
    )


# The learner's own items -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_learner_adds_an_item_once_even_if_the_form_is_sent_twice(
    learner: LearnerProfile,
) -> None:
    command = uuid.uuid4()
    first = _add(learner, client_uuid=command)
    again = _add(learner, client_uuid=command)
    assert first.pk == again.pk
    assert Item.objects.filter(learner=learner).count() == 1
    assert not first.certified
    assert first.source_key == ""
    assert Event.objects.filter(code="portfolio.item.added", learner=learner.user).count() == 1


@pytest.mark.django_db
def test_only_the_learner_adds_to_their_portfolio(
    learner: LearnerProfile, case_manager: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.item_add(
            learner=learner, actor=case_manager, kind=Kind.EVIDENCE, fields={"title": "x"}
        )
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_participation_items_come_from_confirmed_hours_only(learner: LearnerProfile) -> None:
    with pytest.raises(ValidationError):
        _add(learner, kind=Kind.PARTICIPATION)


@pytest.mark.django_db
def test_a_competence_says_where_it_was_gained(learner: LearnerProfile) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(learner, kind=Kind.COMPETENCE)
    assert "origin" in refused.value.message_dict
    item = _add(learner, kind=Kind.COMPETENCE, fields={"origin": "country_of_origin"})
    assert item.origin == "country_of_origin"
    # On other kinds the origin is not kept.
    assert _add(learner, fields={"origin": "work"}).origin == ""


@pytest.mark.django_db
def test_dates_in_order_and_not_in_the_future(learner: LearnerProfile) -> None:
    with pytest.raises(ValidationError):
        _add(
            learner,
            kind=Kind.WORK_EXPERIENCE,
            fields={"started_on": date(2024, 5, 1), "ended_on": date(2023, 1, 1)},
        )
    with pytest.raises(ValidationError):
        _add(learner, fields={"started_on": date(2999, 1, 1)})


@pytest.mark.django_db
def test_a_diploma_starts_its_recognition_tracker(learner: LearnerProfile) -> None:
    diploma = _add(learner, kind=Kind.DIPLOMA, fields={"title": "Bachelor of Nursing"})
    assert Recognition.objects.get(item=diploma).step == "explain"


@pytest.mark.django_db
def test_the_tracker_moves_with_its_dates_and_clears_them_moving_back(
    learner: LearnerProfile,
) -> None:
    diploma = _add(learner, kind=Kind.DIPLOMA)
    tracker = diploma.recognition
    ask: dict[str, Any] = dict(
        recognition=tracker,
        actor=learner.user,
        checklist={"diploma_copy": True},
        submitted_on=date(2026, 3, 2),
        acknowledged_on=None,
        decided_on=None,
        decision="",
        today=date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as refused:
        services.recognition_update(**{**ask, "step": "acknowledged"})
    assert set(refused.value.message_dict) == {"acknowledged_on"}
    services.recognition_update(**{**ask, "step": "submitted"})
    tracker.refresh_from_db()
    assert (tracker.step, tracker.submitted_on) == ("submitted", date(2026, 3, 2))
    assert tracker.checklist["diploma_copy"] is True
    services.recognition_update(**{**ask, "step": "documents"})
    tracker.refresh_from_db()
    assert tracker.submitted_on is None


@pytest.mark.django_db
def test_another_learner_cannot_move_the_tracker(
    learner: LearnerProfile, make_learner: Callable[..., LearnerProfile]
) -> None:
    tracker = _add(learner, kind=Kind.DIPLOMA).recognition
    other = make_learner("INB-0002")
    with pytest.raises(PermissionDenied):
        services.recognition_update(
            recognition=tracker,
            actor=other.user,
            step="documents",
            checklist={},
            submitted_on=None,
            acknowledged_on=None,
            decided_on=None,
            decision="",
        )


# Derived items ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_certificates_come_only_from_passed_tests_and_syncing_again_changes_nothing(
    learner: LearnerProfile,
) -> None:
    samples.exam(learner, outcome="planned")
    samples.exam(learner, outcome="failed")
    samples.exam(learner, kind="mo", outcome="failed")
    assert services.portfolio_sync_derived(learner=learner) == services.SyncResult(0, 0, 0)
    assert not Item.objects.filter(learner=learner).exists()

    passed = samples.exam(learner, outcome="passed", level="A2")
    assert services.portfolio_sync_derived(learner=learner).added == 1
    certificate = Item.objects.get(learner=learner)
    assert certificate.kind == Kind.CERTIFICATE
    assert certificate.certified
    assert certificate.level == "A2"
    assert certificate.source_key == f"exam:nt2:{passed.pk}"
    assert certificate.started_on == date(2026, 3, 10)
    assert Event.objects.filter(code="portfolio.certificate.added").count() == 1

    assert services.portfolio_sync_derived(learner=learner) == services.SyncResult(0, 0, 0)
    assert Item.objects.filter(learner=learner).count() == 1


@pytest.mark.django_db
def test_a_result_corrected_to_not_passed_removes_its_certificate(
    learner: LearnerProfile,
) -> None:
    passed = samples.exam(learner, kind="mo", outcome="passed")
    services.portfolio_sync_derived(learner=learner)
    passed.outcome = "failed"
    passed.save()
    assert services.portfolio_sync_derived(learner=learner).removed == 1
    assert not Item.objects.filter(learner=learner).exists()


@pytest.mark.django_db
def test_confirmed_hours_and_the_attest_become_items(
    learner: LearnerProfile, case_manager: User, make_staff: Callable[..., User]
) -> None:
    buddy = make_staff(Role.BUDDY, "buddy")
    samples.confirmed_hours(learner, contact=buddy, minutes=90)
    samples.attest(learner, issued_by=case_manager)
    services.portfolio_sync_derived(learner=learner)
    hours = Item.objects.get(learner=learner, kind=Kind.PARTICIPATION)
    assert (hours.title, str(hours.hours), hours.certified) == ("Repair café", "1.50", True)
    attest = Item.objects.get(learner=learner, source_key="attest")
    assert attest.started_on == date(2026, 6, 1)
    # More confirmed hours on the same activity change the item, not add one.
    samples.confirmed_hours(learner, contact=buddy, minutes=60, title="Other activity")
    result = services.portfolio_sync_derived(learner=learner)
    assert result.added == 1
    assert Item.objects.filter(learner=learner, kind=Kind.PARTICIPATION).count() == 2


@pytest.mark.django_db
def test_derived_items_cannot_be_changed_or_removed_by_the_learner(
    learner: LearnerProfile,
) -> None:
    samples.exam(learner)
    services.portfolio_sync_derived(learner=learner)
    certificate = Item.objects.get(learner=learner)
    with pytest.raises(PermissionDenied):
        services.item_change(item=certificate, actor=learner.user, fields={"title": "C2!"})
    with pytest.raises(PermissionDenied):
        services.item_remove(item=certificate, actor=learner.user)
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            item=certificate, actor=learner.user, upload=samples.upload("a.pdf", samples.pdf())
        )


# Uploads ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_is_kept_with_its_checksum(learner: LearnerProfile, media_root: Path) -> None:
    data = samples.pdf("diploma scan")
    item = _add(learner, upload=samples.upload("diploma.pdf", data, "application/pdf"))
    attachment = Attachment.objects.get(item=item)
    assert (attachment.kind, attachment.name, attachment.bytes) == ("pdf", "diploma.pdf", len(data))
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.file.name.startswith("portfolio/")
    with file_storage.default_storage.open(attachment.file.name) as stored:
        assert stored.read() == data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (samples.pdf_with_javascript(), "active_content"),
        (samples.pdf_with_escaped_javascript(), "active_content"),
        (b"%PDF-1.7\nthis is not a pdf at all", "corrupt"),
    ],
)
@pytest.mark.django_db
def test_a_pdf_with_javascript_or_broken_is_refused_and_nothing_is_kept(
    learner: LearnerProfile, media_root: Path, data: bytes, code: str
) -> None:
    item = _add(learner)
    with pytest.raises(PdfRefused) as refused:
        services.attachment_add(item=item, actor=learner.user, upload=samples.upload("x.pdf", data))
    assert refused.value.code == code
    assert not Attachment.objects.exists()
    assert _stored_files(media_root) == []


@pytest.mark.django_db
def test_an_encrypted_pdf_is_refused(learner: LearnerProfile) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(PdfRefused) as refused:
        _add(learner, upload=samples.upload("locked.pdf", out.getvalue()))
    assert refused.value.code == "encrypted"
    assert not Item.objects.exists()  # the item is not added without its file


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("letter.pdf", b"Dear NARIC, this is plain text named like a PDF."),
        ("cv.docx", b"PK\x03\x04" + b"\x00" * 200),
        ("script.pdf", b"<script>alert(1)</script>"),
    ],
)
@pytest.mark.django_db
def test_a_file_that_is_no_photo_pdf_or_recording_is_refused(
    learner: LearnerProfile, media_root: Path, name: str, data: bytes
) -> None:
    item = _add(learner)
    with pytest.raises(ImageRefused) as refused:
        services.attachment_add(item=item, actor=learner.user, upload=samples.upload(name, data))
    assert refused.value.code == "not_supported"
    assert _stored_files(media_root) == []


@pytest.mark.django_db
def test_a_photo_goes_through_portal_media_and_loses_its_exif(
    learner: LearnerProfile, media_root: Path
) -> None:
    data = samples.photo_with_gps()
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload has GPS
    item = _add(learner, upload=samples.upload("IMG_0001.jpg", data, "image/jpeg"))
    attachment = Attachment.objects.get(item=item)
    assert attachment.kind == "image"
    assert attachment.image is not None
    assert attachment.bytes == attachment.image.total_bytes
    for name in attachment.image.names():
        with file_storage.default_storage.open(name) as stored:
            picture = PILImage.open(io.BytesIO(stored.read()))
            assert len(picture.getexif()) == 0
            assert "exif" not in picture.info


@pytest.mark.django_db
def test_a_voice_note_is_kept_as_a_recording(learner: LearnerProfile) -> None:
    item = _add(learner, upload=samples.upload("note.wav", samples.wav()))
    attachment = Attachment.objects.get(item=item)
    assert attachment.kind == "audio"
    assert attachment.audio is not None
    assert attachment.audio.mime == "audio/wav"


@pytest.mark.django_db
def test_a_broken_recording_is_refused_as_a_recording(learner: LearnerProfile) -> None:
    item = _add(learner)
    with pytest.raises(AudioRefused):
        services.attachment_add(
            item=item, actor=learner.user, upload=samples.upload("empty.ogg", b"")
        )


@pytest.mark.django_db
def test_the_quota_refuses_what_does_not_fit_and_keeps_nothing_of_it(
    learner: LearnerProfile, settings: Any, media_root: Path
) -> None:
    first = samples.pdf("first")
    settings.PORTFOLIO_QUOTA_BYTES = len(first) + 10
    item = _add(learner, upload=samples.upload("a.pdf", first))
    assert quota_used(learner) == len(first)
    files_before = _stored_files(media_root)
    with pytest.raises(services.QuotaExceeded):
        services.attachment_add(
            item=item, actor=learner.user, upload=samples.upload("b.pdf", samples.pdf("second"))
        )
    # A photo is measured by what is stored of it (its variants), and refused the same way.
    with pytest.raises(services.QuotaExceeded):
        services.attachment_add(
            item=item,
            actor=learner.user,
            upload=samples.upload("p.jpg", samples.photo_with_gps()),
        )
    assert Attachment.objects.count() == 1
    assert not Image.objects.exists()
    assert sorted(_stored_files(media_root)) == sorted(files_before)


@pytest.mark.django_db
def test_removing_an_item_removes_its_files_and_media_rows(
    learner: LearnerProfile, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    item = _add(learner, upload=samples.upload("p.jpg", samples.photo_with_gps()))
    services.attachment_add(
        item=item, actor=learner.user, upload=samples.upload("n.wav", samples.wav())
    )
    services.attachment_add(
        item=item, actor=learner.user, upload=samples.upload("d.pdf", samples.pdf())
    )
    assert len(_stored_files(media_root)) > 3
    with django_capture_on_commit_callbacks(execute=True):
        services.item_remove(item=item, actor=learner.user)
    assert not Attachment.objects.exists()
    assert not Image.objects.exists()
    assert not Audio.objects.exists()
    assert _stored_files(media_root) == []
    assert quota_used(learner) == 0
