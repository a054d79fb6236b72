"""The presentatiedossier PDF: its QR code verifies the certified facts against the portal, a
tampered PDF fails, and Arabic and Tigrinya text is drawn with real glyphs (rendered to an
image and read back)."""

from __future__ import annotations

import ctypes
import io
import json
import subprocess
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from learner.participation import services as participation
from learner.participation.models import ActivityKind
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Attest, ExamSession
from learner.trajectory.models.facts import ExamKind, ExamOutcome
from portal.accounts.models import Role, User
from portal.sync.services import commands_apply
from portfolio.models import Item, Kind
from portfolio.sharing import export as pdf_export
from portfolio.sharing import services, verification
from portfolio.sharing.models import PortfolioExport

ARABIC = "مهندس كهرباء في حلب"
TIGRINYA = "ኣብ ኣስመራ ኤሌክትሪሻን ነይረ"


@pytest.fixture
def certified(
    learner: LearnerProfile, case_manager: User, make_staff: Callable[..., User], leuven: Any
) -> LearnerProfile:
    """A passed NT2 A2 test and MO test, 40 confirmed participation hours, and the attest."""
    ExamSession.objects.create(
        learner=learner,
        kind=ExamKind.NT2,
        session_on=date(2026, 3, 12),
        outcome=ExamOutcome.PASSED,
        level="A2",
    )
    ExamSession.objects.create(
        learner=learner, kind=ExamKind.MO, session_on=date(2026, 2, 2), outcome=ExamOutcome.PASSED
    )
    ExamSession.objects.create(
        learner=learner, kind=ExamKind.B1, session_on=date(2026, 4, 2), outcome=ExamOutcome.FAILED
    )
    coordinator = make_staff(Role.COORDINATOR, "coord", municipality=leuven)
    buddy = make_staff(Role.BUDDY, "buddy.jan")
    activity = participation.activity_publish(
        actor=coordinator, kind=ActivityKind.BUDDY, title="Buddy project Leuven"
    )
    participation.contact_link(actor=coordinator, learner=learner, contact=buddy, activity=activity)
    entries = []
    for _ in range(4):
        [answer] = commands_apply(
            user=learner.user,
            commands=[
                {
                    "uuid": uuid.uuid4(),
                    "type": "participation.hours.log",
                    "payload": {
                        "activity": activity.pk,
                        "day": timezone.localdate().isoformat(),
                        "minutes": 600,
                        "note": "",
                    },
                    "created_at": timezone.now(),
                }
            ],
        )
        entries.append(answer.result["entry"])
    participation.hours_decide(contact=buddy, entry_ids=entries, confirm=True)
    Attest.objects.create(
        learner=learner,
        number="ATT-2026-0001",
        attest_on=date(2026, 5, 1),
        issued_at=timezone.now(),
        issued_by=case_manager,
    )
    return learner


@pytest.fixture
def own_items(learner: LearnerProfile) -> list[Item]:
    return [
        Item.objects.create(
            learner=learner,
            kind=Kind.WORK_EXPERIENCE,
            title=ARABIC,
            description="Onderhoud van installaties.",
            place="Aleppo",
        ),
        Item.objects.create(
            learner=learner, kind=Kind.COMPETENCE, title="Elektricien", description=TIGRINYA
        ),
    ]


def export_pdf(
    client: Client, refs: list[str] | None = None, items: list[Item] | None = None
) -> bytes:
    url = reverse("portfolio_sharing:export")
    form = client.get(url)
    assert form.status_code == 200
    chosen = refs if refs is not None else form.context["form"].initial["refs"]
    response = client.post(url, {"refs": chosen, "items": [i.pk for i in items or []]})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def page_image(pdf: bytes, scale: float = 2) -> Any:
    document = pdfium.PdfDocument(pdf)
    return document[0].render(scale=scale).to_pil()


def qr_url(pdf: bytes) -> str:
    """Read the QR code off the rendered first page, as a phone camera would."""
    codes = [c.text for c in zxingcpp.read_barcodes(page_image(pdf)) if c.text]
    assert len(codes) == 1, codes
    return codes[0]


def statements_of(pdf: bytes) -> dict[str, Any]:
    embedded = PdfReader(io.BytesIO(pdf)).attachments[verification.EMBEDDED_NAME][0]
    document: dict[str, Any] = json.loads(embedded)
    return document


def with_embedded(pdf: bytes, document: dict[str, Any]) -> bytes:
    """The same PDF with the embedded statements file replaced (a forger's edit)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]  # type: ignore[index]
    spec = names[1].get_object()
    stream = spec["/EF"]["/F"].get_object()
    stream.set_data(json.dumps(document).encode())
    if "/Params" in stream:
        del stream[NameObject("/Params")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_qr_code_of_the_exported_pdf_verifies_the_certified_facts(
    certified: LearnerProfile, own_items: list[Item], signed_in: Callable[..., Client]
) -> None:
    pdf = export_pdf(signed_in(certified.user), items=own_items)

    document = statements_of(pdf)
    refs = sorted(verification.rules.statement_ref(s) for s in document["payload"]["statements"])
    assert refs == [
        "attest/ATT-2026-0001/2026-05-01",
        "exam/mo/-/2026-02-02",
        "exam/nt2/A2/2026-03-12",
        "hours/40",
    ]
    url = qr_url(pdf)
    assert url.endswith(f"/verify/portfolio/{document['code']}/")

    page = Client().get(urlsplit(url).path)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-verified="yes"' in text
    for ref in refs:
        assert f'data-ref="{ref}" data-holds="yes"' in text
    assert "Amal Haddad" in text
    assert page["Cache-Control"] == "private, no-store"
    assert verification.verify_pdf(pdf).verified


@pytest.mark.django_db
def test_only_the_facts_the_learner_ticks_are_certified(
    certified: LearnerProfile, signed_in: Callable[..., Client]
) -> None:
    pdf = export_pdf(signed_in(certified.user), refs=["hours/40"])
    assert [s["type"] for s in statements_of(pdf)["payload"]["statements"]] == ["hours"]
    assert verification.verify_pdf(pdf).verified
    # A ref the portal does not hold is refused by the form, and never certified by the service.
    refused = signed_in(certified.user).post(
        reverse("portfolio_sharing:export"), {"refs": ["hours/40", "exam/nt2/C2/2026-03-12"]}
    )
    assert refused.status_code == 400
    record = services.export_create(
        learner=certified, refs=["hours/40", "exam/nt2/C2/2026-03-12"], language="nl"
    )
    assert [s["type"] for s in record.payload["statements"]] == ["hours"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new"), [("A2", "B2"), (2400, 24000), ("ATT-2026-0001", "ATT-2026-9999")]
)
def test_a_pdf_with_changed_embedded_statements_fails_verification(
    certified: LearnerProfile, signed_in: Callable[..., Client], old: Any, new: Any
) -> None:
    pdf = export_pdf(signed_in(certified.user))
    assert verification.verify_pdf(pdf).verified
    document = statements_of(pdf)
    for statement in document["payload"]["statements"]:
        for key, value in statement.items():
            if value == old:
                statement[key] = new
    assert document != statements_of(pdf)

    tampered = with_embedded(pdf, document)

    verdict = verification.verify_pdf(tampered)
    assert not verdict.verified
    assert verdict.reason == "unknown"
    # The untouched copy still verifies: the check is about the content, not a one-time use.
    assert verification.verify_pdf(pdf).verified


@pytest.mark.django_db
def test_a_regenerated_pdf_with_a_forged_statement_fails_and_its_qr_code_too(
    certified: LearnerProfile, signed_in: Callable[..., Client]
) -> None:
    pdf = export_pdf(signed_in(certified.user))
    real = PortfolioExport.objects.get(learner=certified)
    payload = json.loads(json.dumps(real.payload).replace('"A2"', '"B2"'))
    forged = PortfolioExport(
        learner=certified,
        public_id=real.public_id,
        created_at=real.created_at,
        language=real.language,
        payload=payload,
        digest=real.digest,
    )
    url = "http://testserver" + reverse(
        "portfolio_verify:verify", args=[verification.code_for(forged)]
    )
    forged_pdf = pdf_export.presentation_pdf(export=forged, items=[], verify_url=url)

    assert verification.verify_pdf(pdf).verified
    assert verification.verify_pdf(forged_pdf).reason == "unknown"
    page = Client().get(urlsplit(qr_url(forged_pdf)).path)
    assert page.status_code == 404
    assert b'data-verified="unknown"' in page.content


@pytest.mark.django_db
def test_a_pdf_whose_printed_facts_differ_from_its_signed_ones_fails(
    certified: LearnerProfile, signed_in: Callable[..., Client]
) -> None:
    export_pdf(signed_in(certified.user))
    real = PortfolioExport.objects.get(learner=certified)
    url = "http://testserver" + reverse(
        "portfolio_verify:verify", args=[verification.code_for(real)]
    )
    html = pdf_export.presentation_html(export=real, items=[], verify_url=url)
    assert "ref: exam/nt2/A2/2026-03-12" in html
    printed_b2 = html.replace("exam/nt2/A2/", "exam/nt2/B2/").replace(" A2 ", " B2 ")

    verdict = verification.verify_pdf(pdf_export.pdf_from_html(printed_b2, export=real))

    assert not verdict.verified
    assert verdict.reason == "printed"
    assert verification.verify_pdf(pdf_export.pdf_from_html(html, export=real)).verified


@pytest.mark.django_db
def test_a_fact_withdrawn_after_the_export_no_longer_verifies(
    certified: LearnerProfile, signed_in: Callable[..., Client]
) -> None:
    pdf = export_pdf(signed_in(certified.user))
    ExamSession.objects.filter(learner=certified, kind=ExamKind.NT2).update(
        outcome=ExamOutcome.FAILED
    )

    verdict = verification.verify_pdf(pdf)
    assert not verdict.verified
    assert verdict.reason == "changed"
    assert [c.ref for c in verdict.checked if not c.holds] == ["exam/nt2/A2/2026-03-12"]
    page = Client().get(urlsplit(qr_url(pdf)).path)
    assert b'data-verified="changed"' in page.content
    assert b'data-ref="exam/nt2/A2/2026-03-12" data-holds="no"' in page.content


@pytest.mark.django_db
def test_unreadable_or_foreign_pdfs_are_not_verified(
    certified: LearnerProfile, signed_in: Callable[..., Client]
) -> None:
    assert verification.verify_pdf(b"not a pdf").reason == "unreadable"
    html = "<html><body><p>ref: hours/40</p></body></html>"
    from weasyprint import HTML

    assert verification.verify_pdf(HTML(string=html).write_pdf()).reason == "unreadable"
    assert Client().get(reverse("portfolio_verify:verify", args=["nope.nope"])).status_code == 404


def _chars(pdf: bytes) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(character, font name, box in PDF points) of every character on page 1."""
    page = pdfium.PdfDocument(pdf)[0]
    text = page.get_textpage()
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    found = []
    for index in range(text.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text, index))
        pdfium_c.FPDFText_GetFontInfo(text, index, buffer, len(buffer), ctypes.byref(flags))
        found.append((char, buffer.value.decode(), text.get_charbox(index)))
    return found


def _families_covering(char: str) -> set[str]:
    """Font families on this machine that have a glyph for ``char`` (fontconfig, as WeasyPrint)."""
    listed = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        name.replace(" ", "").replace("-", "").lower()
        for line in listed.splitlines()
        for name in line.split(",")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ti", "ar"])
def test_arabic_and_tigrinya_are_drawn_with_fonts_that_have_their_glyphs(
    certified: LearnerProfile,
    own_items: list[Item],
    signed_in: Callable[..., Client],
    language: str,
) -> None:
    certified.user.preferred_language = language
    certified.user.save(update_fields=["preferred_language"])
    pdf = export_pdf(signed_in(certified.user), items=own_items)

    # The text comes back out of the PDF as written (shaping and direction kept their meaning).
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert ARABIC in text
    assert TIGRINYA in text

    chars = _chars(pdf)
    image = page_image(pdf, scale=2).convert("L")
    height = pdfium.PdfDocument(pdf)[0].get_height()
    for sample in (ARABIC, TIGRINYA):
        for letter in set(sample.replace(" ", "")):
            drawn = [c for c in chars if c[0] == letter]
            assert drawn, letter
            for _char, font, (left, bottom, right, top) in drawn:
                # The font that drew it is one that has the letter (no .notdef box). Without an
                # Ethiopic font, Pango falls back to one without it and this fails.
                family = font.split("+", 1)[-1].replace("-", "").lower()
                covering = _families_covering(letter)
                assert any(family.startswith(name) for name in covering), (letter, font)
                # And something is drawn there: dark pixels inside the glyph's box.
                box = image.crop(
                    (
                        int(left * 2),
                        int((height - top) * 2),
                        int(right * 2) + 1,
                        int((height - bottom) * 2) + 1,
                    )
                )
                assert box.getextrema()[0] < 128, (letter, font)


@pytest.mark.django_db
def test_the_pdf_is_dutch_with_the_learners_language_beside_it(
    certified: LearnerProfile, signed_in: Callable[..., Client]
) -> None:
    certified.user.preferred_language = "ar"
    certified.user.save(update_fields=["preferred_language"])
    pdf = export_pdf(signed_in(certified.user))
    export = PortfolioExport.objects.get(learner=certified)
    html = pdf_export.presentation_html(export=export, items=[], verify_url="http://x/")
    assert '<html lang="nl">' in html
    assert 'lang="ar" dir="rtl"' in html
    assert "Nederlands" in html
    assert "العربية" in html
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "العربية" in text
