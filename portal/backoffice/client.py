"""A reference back-office client for API v1: what a back-office team's integration looks like.

Stdlib only (it runs beside any back office, not inside the portal). Used by the
``backoffice_client`` command, the demo, the loopback tests and ``bench/backoffice.py``.

Writes are retried with the *same* ``Idempotency-Key`` on a dropped connection, a timeout, 429
or a 5xx, with exponential backoff and jitter: the portal applies a batch at most once, so
retrying until an answer arrives gives exactly once.
"""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class ClientError(RuntimeError):
    """An answer that retrying will not change (4xx other than 429)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class BackOfficeClient:
    base_url: str
    token: str
    timeout: float = 30.0
    max_attempts: int = 8
    backoff_base: float = 0.2
    backoff_cap: float = 10.0
    attempts_made: int = field(default=0, init=False)

    def _url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/api/backoffice/v1/{path}"

    def _once(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's portal)
            self._url(path),
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = raw.decode(errors="replace")
            return error.code, dict(error.headers), parsed

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """One request, retried while the portal is unreachable or answers 429/5xx."""
        for attempt in range(1, self.max_attempts + 1):
            self.attempts_made += 1
            try:
                status, answer_headers, answer = self._once(method, path, body, headers or {})
            except (OSError, ValueError):  # refused, reset, timed out, cut-off body
                status, answer_headers, answer = 0, {}, None
            if status and status not in RETRYABLE_STATUS:
                if status >= 400 and status != 422 and status != 404:
                    raise ClientError(status, answer)
                return status, answer_headers, answer
            if attempt == self.max_attempts:
                break
            retry_after = answer_headers.get("Retry-After", "")
            delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
            delay = float(retry_after) if retry_after.isdigit() else random.uniform(0, delay)  # noqa: S311
            time.sleep(delay)
        raise ClientError(status, answer)

    def ingest(self, items: list[dict[str, Any]], key: str | None = None) -> dict[str, Any]:
        """Send one batch (at most 1,000 items); the per-item results."""
        key = key or str(uuid.uuid4())
        status, _headers, body = self.call(
            "POST", "ingest", {"items": items}, {"Idempotency-Key": key}
        )
        if status not in {200, 207}:
            raise ClientError(status, body)
        return dict(body)

    def changes(self, after: str = "", limit: int = 1000) -> dict[str, Any]:
        status, _headers, body = self.call("GET", f"changes?after={after}&limit={limit}")
        if status != 200:
            raise ClientError(status, body)
        return dict(body)

    def follow(self, after: str = "", limit: int = 1000) -> Iterator[tuple[list[Any], str]]:
        """Every page of the feed after ``after`` until it is read to the end: (changes, cursor).

        Store the cursor with the changes you applied, and start there next time.
        """
        while True:
            page = self.changes(after, limit)
            after = page["next_cursor"]
            yield page["changes"], after
            if not page["has_more"]:
                return


# Sample facts -------------------------------------------------------------------------------------


def sample_dossier(dossier: str, *, nis_code: str, signed_on: date) -> list[dict[str, Any]]:
    """A whole dossier as a back office sends it at the first sync: ten records."""

    def item(kind: str, suffix: str, values: dict[str, Any]) -> dict[str, Any]:
        external_id = dossier if kind == "learner" else f"{dossier}-{suffix}"
        return {
            "kind": kind,
            "learner": dossier,
            "external_id": external_id,
            "version": 1,
            "values": values,
        }

    def day(offset: int) -> str:
        return (signed_on + timedelta(days=offset)).isoformat()

    return [
        item(
            "learner",
            "",
            {
                "first_name": "Sample",
                "last_name": dossier,
                "preferred_language": "ar",
                "spoken_languages": ["ar", "en"],
                "literacy": "literate-other",
                "municipality_nis_code": nis_code,
                "obligation": "obligated",
                "employment": "not-working",
                "birth_date": "1991-04-12",
            },
        ),
        item("eligibility", "E", {"register": "foreigners", "protection": "none"}),
        item(
            "contract",
            "C",
            {
                "signed_on": signed_on.isoformat(),
                "richttermijn": (signed_on + timedelta(days=365)).isoformat(),
                "declaration_signed_on_paper": True,
            },
        ),
        item("mo_course", "MO", {"kind": "course", "started_on": day(14)}),
        item(
            "exam",
            "MOT",
            {"kind": "mo", "session_on": day(90), "outcome": "passed", "location": "Leuven"},
        ),
        item("nt2_route", "R", {"provider_type": "cvo", "provider_name": "CVO Leuven"}),
        item(
            "nt2_module",
            "M1",
            {
                "name": "Richtgraad 1.1",
                "lestijden": 120,
                "started_on": day(20),
                "ended_on": day(80),
            },
        ),
        item(
            "nt2_module",
            "M2",
            {"name": "Richtgraad 1.2", "lestijden": 120, "started_on": day(85)},
        ),
        item("employment_registration", "V", {"service": "vdab", "registered_on": day(30)}),
        item(
            "fee_payment",
            "F",
            {
                "item": "mo_course",
                "amount": "90.00",
                "paid_on": day(15),
                "reference": f"+++{dossier}+++",
            },
        ),
    ]
