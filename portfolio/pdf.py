"""Uploaded PDFs, checked by content: a real, readable PDF without scripts, launch actions or
embedded files (never by file name or the browser's word).

The file is parsed with pypdf and every object reachable from its trailer is visited (object
streams included, where a raw byte search would not look), so a name hidden behind ``#xx``
escapes or compression is still seen. A raw search of the bytes is done as well, for objects
nothing refers to. Encrypted files are refused: their contents cannot be checked.
"""

from __future__ import annotations

import io
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from portal.media.images import megabytes

MAGIC = b"%PDF-"
# Names whose presence makes a PDF do things when opened: refused wherever they appear.
FORBIDDEN_KEYS = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
# Action types (``/S``) that run, start or fetch something.
FORBIDDEN_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
    }
)
# The same names in the raw bytes, delimited (so "/JSON" is not "/JS").
_RAW_FORBIDDEN = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])")
# More objects than a scanned certificate has; a file past it is refused rather than walked.
MAX_OBJECTS = 100_000


class PdfRefused(ValidationError):
    """The upload is not a PDF we keep; ``code`` says why, ``message`` tells the person."""

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


def refuse_too_large(size: int) -> PdfRefused:
    return PdfRefused(
        "too_large",
        _("This PDF is too large (%(size)s MB). The limit is %(limit)s MB.")
        % {"size": megabytes(size), "limit": megabytes(settings.PORTFOLIO_MAX_PDF_BYTES)},
    )


def _not_a_pdf() -> PdfRefused:
    return PdfRefused("not_pdf", _("This file is not a PDF document."))


def _corrupt() -> PdfRefused:
    return PdfRefused(
        "corrupt", _("This PDF cannot be read. It may be damaged. Try to save or scan it again.")
    )


def _active() -> PdfRefused:
    return PdfRefused(
        "active_content",
        _(
            "This PDF contains a script, an action or an attached file, which we do not keep. "
            "Print it to a new PDF or scan the paper, and add that."
        ),
    )


def _encrypted() -> PdfRefused:
    return PdfRefused(
        "encrypted",
        _("This PDF is protected with a password. Add a copy without the password."),
    )


def _is_active(dictionary: DictionaryObject) -> bool:
    if any(str(key) in FORBIDDEN_KEYS for key in dictionary):
        return True
    action = dictionary.get("/S")
    return isinstance(action, NameObject) and str(action) in FORBIDDEN_ACTIONS


def _walk(root: PdfObject) -> bool:
    """True when an object reachable from ``root`` does something on opening."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            resolved = node.get_object()
            if resolved is None:
                continue
            node = resolved
        visited += 1
        if visited > MAX_OBJECTS:
            raise _corrupt()
        if isinstance(node, DictionaryObject):  # streams too: their dictionary
            if _is_active(node):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def check(data: bytes) -> int:
    """The number of pages of ``data`` if it is a PDF we keep; raises ``PdfRefused`` otherwise."""
    if len(data) > settings.PORTFOLIO_MAX_PDF_BYTES:
        raise refuse_too_large(len(data))
    if not data.startswith(MAGIC):
        raise _not_a_pdf()
    if _RAW_FORBIDDEN.search(data):
        raise _active()
    # pypdf logs what it repairs in a damaged file; the refusal (or not) is what matters here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _encrypted()
        active = _walk(reader.trailer)
        pages = len(reader.pages)
    except PdfRefused:
        raise
    except Exception as exc:  # any parser failure means "cannot be read"
        raise _corrupt() from exc
    if active:
        raise _active()
    if pages < 1:
        raise _corrupt()
    return pages
