"""Files and facts for the portfolio tests, built in memory (pypdf, Pillow) and through the ORM."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from learner.participation.models import (
    Activity,
    ActivityKind,
    Confirmation,
    Decision,
    HourEntry,
)
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Attest, ExamSession
from portal.accounts.models import User
from tests.portal.media import samples as media_samples


def pdf(marker: str = "portfolio") -> bytes:
    """A real one-page PDF; ``marker`` is in its bytes (the document title)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": marker})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """A PDF that runs a script on opening (``/OpenAction`` of type ``/JavaScript``)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def handmade_pdf(*objects: bytes) -> bytes:
    """A PDF of these objects (1 is the catalog), with a correct cross-reference table."""
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return body + f"startxref\n{xref}\n%%EOF\n".encode()


def pdf_with_escaped_javascript() -> bytes:
    """The script action spelled with ``#xx`` escapes (/J#61vaScript is /JavaScript): the raw
    bytes never show the word, only parsing the file finds it."""
    return handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>",
    )


def pdf_plain_handmade() -> bytes:
    return handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    )


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo_with_gps(seed: int = 1) -> bytes:
    picture = media_samples.photo(1200, 900, seed=seed)
    exif = media_samples.private_exif(orientation=1)
    return media_samples.encode(picture, "JPEG", quality=90, exif=exif)


def wav(seconds: float = 0.2) -> bytes:
    return media_samples.wav(seconds)


# Facts -------------------------------------------------------------------------------------------


def exam(
    learner: LearnerProfile, *, kind: str = "nt2", outcome: str = "passed", level: str = "A2"
) -> ExamSession:
    return ExamSession.objects.create(
        learner=learner,
        kind=kind,
        session_on=date(2026, 3, 10),
        outcome=outcome,
        level=level if kind in {"nt2", "b1"} else "",
        location="Huis van het Nederlands Leuven",
    )


def confirmed_hours(
    learner: LearnerProfile, *, contact: User, minutes: int = 120, title: str = "Repair café"
) -> HourEntry:
    activity = Activity.objects.create(
        municipality=learner.municipality, kind=ActivityKind.VOLUNTEERING, title=title
    )
    entry = HourEntry.objects.create(
        learner=learner,
        activity=activity,
        day=date(2026, 3, 2),
        minutes=minutes,
        client_uuid=uuid.uuid4(),
        client_time=timezone.now(),
    )
    Confirmation.objects.create(
        entry=entry, decision=Decision.CONFIRMED, decided_by=contact, decided_at=timezone.now()
    )
    return entry


def attest(learner: LearnerProfile, *, issued_by: User) -> Attest:
    return Attest.objects.create(
        learner=learner,
        number=f"ATT-{learner.dossier_number}",
        attest_on=date(2026, 6, 1),
        issued_at=datetime(2026, 6, 2, 10, tzinfo=UTC),
        issued_by=issued_by,
    )


HOURS_2 = Decimal("2.00")
