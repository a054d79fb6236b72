"""Pure rules of sharing and of the certified statements: plain data in, answers out.

A *statement* is one certified fact as a plain dict with a stable, language-neutral ``ref``:

- ``{"type": "exam", "exam": "nt2", "level": "A2", "date": "2026-03-12"}``
  → ``exam/nt2/A2/2026-03-12``
- ``{"type": "hours", "minutes": 2400}`` → ``hours/40`` (confirmed participation hours)
- ``{"type": "attest", "number": "ATT-1", "date": "2026-05-01"}`` → ``attest/ATT-1/2026-05-01``

The PDF prints each ref beside its sentence and embeds the canonical JSON of the set; the
verification page and ``verification.verify_pdf`` recompute the set from the portal's data.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

# The longest a link may work, and the choices the form offers (days).
MAX_SHARE_DAYS = 90
SHARE_DAY_CHOICES = (7, 30, 90)

Statement = dict[str, Any]


def share_expires_at(*, today: date, days: int, tz: ZoneInfo) -> datetime:
    """The end of the last day the link works: midnight, local time, ``days`` days from today.

    Raises ValueError outside 1..MAX_SHARE_DAYS: a link always expires, and soon enough.
    """
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise ValueError(f"{days} days is outside 1..{MAX_SHARE_DAYS}")
    return datetime.combine(today + timedelta(days=days + 1), time(0), tzinfo=tz)


def share_state(*, revoked_at: datetime | None, expires_at: datetime, now: datetime) -> str:
    """``revoked``, ``expired`` or ``open``."""
    if revoked_at is not None:
        return "revoked"
    if now >= expires_at:
        return "expired"
    return "open"


_BROWSERS = (
    # Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari" too.
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Headless)?(Chrome|Chromium|CriOS)/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_PHONE = re.compile(r"Mobi|Android|iPhone|iPad|iPod", re.IGNORECASE)


def browser_family(user_agent: str) -> tuple[str, str]:
    """(browser family, "phone" | "computer" | "") from a User-Agent, nothing finer.

    The learner sees that their link was opened and roughly on what, not by whom: no version,
    no operating system build, no IP address.
    """
    if not user_agent.strip():
        return "", ""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    device = "phone" if _PHONE.search(user_agent) else "computer"
    return browser, device


def text_direction(text: str) -> str:
    """``rtl`` when the first letter with a direction is Arabic or Hebrew script, else ``ltr``."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def hours_text(minutes: int) -> str:
    """Hours with at most two decimals and no trailing zeros: 2400 → "40", 2430 → "40.5"."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return format(hours.normalize(), "f")


def statement_ref(statement: Mapping[str, Any]) -> str:
    """The language-neutral reference printed beside a statement (see the module doc)."""
    kind = statement["type"]
    if kind == "exam":
        return f"exam/{statement['exam']}/{statement['level'] or '-'}/{statement['date']}"
    if kind == "hours":
        return f"hours/{hours_text(int(statement['minutes']))}"
    if kind == "attest":
        return f"attest/{statement['number']}/{statement['date']}"
    raise ValueError(kind)


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """One byte string per payload: sorted keys, no spaces, UTF-8 (what the HMAC covers)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def statement_holds(stated: Mapping[str, Any], now: Iterable[Mapping[str, Any]]) -> bool:
    """Does the portal's data today still back a statement made at export time?

    Exams and the attest: the same fact is still there. Hours: at least as many are confirmed
    now (hours only grow, unless an entry was corrected down: then the old total fails).
    """
    current = list(now)
    if stated.get("type") == "hours":
        return any(
            s.get("type") == "hours" and int(s["minutes"]) >= int(stated["minutes"])
            for s in current
        )
    return any(dict(s) == dict(stated) for s in current)
