"""The presentatiedossier: a PDF of chosen portfolio items and certified facts, in Dutch and the
learner's language, with a QR code that checks the certified facts against the portal.

Texts are built here in both languages (``Pair``) so the template only lays them out: Dutch on
the left, the learner's language on the right (right to left for Arabic, Persian and Pashto).
What the learner wrote is printed once, in the direction of its own script. Fonts: Noto Sans and
its Arabic and Ethiopic companions (Debian's ``fonts-noto-core``), then DejaVu Sans.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML, Attachment

from learner.trajectory.models.facts import ExamKind
from portfolio.models import Item, Kind
from portfolio.sharing import rules, verification
from portfolio.sharing.models import PortfolioExport


@dataclass(frozen=True)
class Pair:
    """One text in Dutch and in the learner's language (empty when that is Dutch too)."""

    nl: str
    own: str


def _both(language: str, text: Callable[..., str], *args: Any) -> Pair:
    """``text(*args)`` rendered in Dutch and in ``language``."""
    with translation.override("nl"):
        dutch = str(text(*args))
    if language == "nl":
        return Pair(dutch, "")
    with translation.override(language):
        return Pair(dutch, str(text(*args)))


def _label(choice: Kind) -> str:
    return str(choice.label)


def _day(iso: str) -> str:
    # Day/month/year in every column: as Belgian readers expect, and no locale turns it around.
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def statement_text(statement: dict[str, Any]) -> str:
    """One certified fact as a sentence, in the active language."""
    kind = statement["type"]
    if kind == "exam":
        test = ExamKind(statement["exam"]).label
        if statement.get("level"):
            return _("%(test)s passed at level %(level)s on %(date)s.") % {
                "test": test,
                "level": statement["level"],
                "date": _day(statement["date"]),
            }
        return _("%(test)s passed on %(date)s.") % {"test": test, "date": _day(statement["date"])}
    if kind == "hours":
        return _("%(hours)s hours of participation, confirmed by the host organisation.") % {
            "hours": rules.hours_text(int(statement["minutes"]))
        }
    return _(
        "Civic integration certificate (inburgeringsattest) number %(number)s of %(date)s."
    ) % {
        "number": statement["number"],
        "date": _day(statement["date"]),
    }


def _item_rows(items: Iterable[Item], language: str) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        rows.append(
            {
                "item": item,
                "kind": _both(language, _label, Kind(item.kind)),
                "dir": rules.text_direction(item.title),
                "place_dir": rules.text_direction(item.place),
                # Each paragraph in the direction of its own script.
                "paragraphs": [
                    (p, rules.text_direction(p)) for p in item.description.splitlines() if p.strip()
                ],
                "files": [a.name or a.get_kind_display() for a in item.attachments.all()],
            }
        )
    return rows


def presentation_html(*, export: PortfolioExport, items: Iterable[Item], verify_url: str) -> str:
    """The HTML WeasyPrint lays out; ``items`` are the learner's chosen own items."""
    language = export.language
    statements = export.payload.get("statements", [])
    context = {
        "export": export,
        "name": export.payload.get("name", ""),
        "made_on": timezone.localtime(export.created_at).strftime("%d/%m/%Y"),
        "language": language,
        "own_dir": "rtl" if language in settings.LANGUAGES_BIDI else "ltr",
        "bilingual": language != "nl",
        "language_names": Pair(
            settings.LANGUAGE_NATIVE_NAMES["nl"], settings.LANGUAGE_NATIVE_NAMES.get(language, "")
        ),
        "title": _both(language, lambda: _("Presentation portfolio")),
        "certified_heading": _both(language, lambda: _("Confirmed by the inburgering portal")),
        "statements": [
            {
                "ref": rules.statement_ref(s),
                "text": _both(language, statement_text, s),
            }
            for s in statements
        ],
        "check_text": _both(
            language,
            lambda: _(
                "Scan the QR code or open the address below to check these facts with the "
                "portal. Only the facts in this box are confirmed; the rest is the learner's own."
            ),
        ),
        "items_heading": _both(language, lambda: _("My portfolio")),
        "files_label": _both(language, lambda: _("Attached files")),
        "verify_url": verify_url,
        "qr_svg": segno.make(verify_url, error="m").svg_inline(scale=4, border=0),
        "items": _item_rows(items, language),
    }
    return render_to_string("portfolio/export/presentatiedossier.html", context)


def pdf_from_html(html: str, *, export: PortfolioExport) -> bytes:
    """Lay out ``html`` and embed the signed statements (``verification.EMBEDDED_NAME``)."""
    embedded = Attachment(
        file_obj=io.BytesIO(verification.embedded_document(export=export)),
        name=verification.EMBEDDED_NAME,
        description="Certified statements and verification code",
    )
    pdf: bytes = HTML(string=html).write_pdf(attachments=[embedded])
    return pdf


def presentation_pdf(*, export: PortfolioExport, items: Iterable[Item], verify_url: str) -> bytes:
    return pdf_from_html(
        presentation_html(export=export, items=items, verify_url=verify_url), export=export
    )
