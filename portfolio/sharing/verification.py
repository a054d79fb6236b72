"""Checking an exported presentatiedossier against the portal.

The PDF carries its certified statements three times: printed (each with its language-neutral
ref), as an embedded JSON file (``EMBEDDED_NAME``: the canonical payload and the verification
code), and as a QR code of the verification URL ``/verify/portfolio/<public id>.<signature>/``.
The signature is an HMAC-SHA256 (Django's ``salted_hmac``, salt ``SALT``) of the canonical JSON,
so neither the URL nor the embedded file can be changed without the server's secret key.

The verification page (and ``verify_pdf`` for a whole file) answers "verified" only if the
export exists, its signature matches the statements it recorded, and every statement still
holds against the portal's current data (``rules.statement_holds``).
"""

from __future__ import annotations

import base64
import hmac
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.crypto import salted_hmac

from portfolio.sharing import rules, selectors
from portfolio.sharing.models import PortfolioExport

SALT = "portfolio.sharing.export"
EMBEDDED_NAME = "presentatiedossier.json"
# The printed form of a ref: "ref: exam/nt2/A2/2026-03-12" (see export template).
_PRINTED_REF = re.compile(r"ref:\s*((?:exam|hours|attest)/\S+)")


def digest(payload: Mapping[str, Any]) -> str:
    """HMAC-SHA256 (hex) of the canonical payload under the server's secret key."""
    return salted_hmac(SALT, rules.canonical_json(payload), algorithm="sha256").hexdigest()


def signature(payload: Mapping[str, Any]) -> str:
    """The URL form of the digest: its first 16 bytes, base64url (22 characters)."""
    raw = bytes.fromhex(digest(payload))[:16]
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def code_for(export: PortfolioExport) -> str:
    """``<public id>.<signature>``: what the QR code's URL ends with."""
    return f"{export.public_id}.{signature(export.payload)}"


@dataclass(frozen=True)
class Checked:
    """One statement and whether the portal's data still backs it."""

    statement: dict[str, Any]
    ref: str
    holds: bool


@dataclass(frozen=True)
class Verdict:
    """The answer for a code or a PDF. ``export`` is None when nothing matched."""

    verified: bool
    reason: str
    export: PortfolioExport | None = None
    checked: list[Checked] = field(default_factory=list)


def verify_code(code: str) -> Verdict:
    """Check a verification code (from the QR code's URL) against the stored export.

    ``reason``: ``unknown`` (no such export, or a signature that does not match it),
    ``changed`` (a statement no longer holds: shown, with which), or ``ok``.
    """
    public_id, _dot, given = code.partition(".")
    export = selectors.export_by_public_id(public_id) if given else None
    if export is None:
        return Verdict(verified=False, reason="unknown")
    expected = signature(export.payload)
    if not hmac.compare_digest(expected, given) or not hmac.compare_digest(
        digest(export.payload), export.digest
    ):
        return Verdict(verified=False, reason="unknown")
    return _against_portal(export)


def _against_portal(export: PortfolioExport) -> Verdict:
    now = selectors.certified_statements(export.learner)
    checked = [
        Checked(statement=s, ref=rules.statement_ref(s), holds=rules.statement_holds(s, now))
        for s in export.payload.get("statements", [])
    ]
    verified = all(c.holds for c in checked)
    return Verdict(
        verified=verified, reason="ok" if verified else "changed", export=export, checked=checked
    )


def embedded_document(*, export: PortfolioExport) -> bytes:
    """The JSON file the PDF embeds: the canonical payload and its verification code."""
    return json.dumps(
        {"payload": export.payload, "code": code_for(export)},
        ensure_ascii=False,
        indent=1,
        sort_keys=True,
    ).encode()


def verify_pdf(pdf: bytes) -> Verdict:
    """Check a whole exported PDF: embedded statements, their signature, the printed refs.

    Not verified (``reason``) when the PDF cannot be read or has no embedded statements
    (``unreadable``), when the embedded payload or its code does not match what the portal
    signed (``unknown``), when the printed refs differ from the signed ones (``printed``), or
    when a statement no longer holds (``changed``).
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf))
        embedded = reader.attachments.get(EMBEDDED_NAME) or []
        document = json.loads(embedded[0]) if embedded else None
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError):
        return Verdict(verified=False, reason="unreadable")
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        return Verdict(verified=False, reason="unreadable")
    payload = document["payload"]
    code = str(document.get("code", ""))
    verdict = verify_code(code)
    if verdict.export is None or not hmac.compare_digest(digest(payload), verdict.export.digest):
        return Verdict(verified=False, reason="unknown")
    signed = sorted(rules.statement_ref(s) for s in payload.get("statements", []))
    if sorted(_PRINTED_REF.findall(text)) != signed:
        return Verdict(
            verified=False, reason="printed", export=verdict.export, checked=verdict.checked
        )
    return verdict
