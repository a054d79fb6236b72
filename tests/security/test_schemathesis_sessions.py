"""schemathesis over the session-authenticated APIs, signed in as a learner and as staff.

The back-office run (tests/portal/backoffice/test_schemathesis.py) holds a bearer token only, so
there /api/learner/…, /api/staff/… and /api/sync/… answer 403 before any input is read. Here the
same committed description drives them with a real session cookie, and the CSRF cookie and
header that unsafe methods need: no generated request may make the server fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from tests.api_fuzz import first_rule_set_seed, schemathesis_run

# A CSRF secret of the form Django makes (32 letters and digits); the header may carry it as is.
CSRF = "Sec0rityHelperCsrfToken000000000"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rules_seeded() -> None:
    first_rule_set_seed()


@pytest.mark.usefixtures("rules_seeded")
@pytest.mark.parametrize("who", ["learner", "case_manager"])
def test_no_request_of_a_signed_in_person_causes_a_server_error(
    who: str,
    live_server: Any,
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Any],
    signed_in: Callable[[User], Client],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The point is the handlers, not the throttles: a 429 would end the probing early.
    from rest_framework.throttling import UserRateThrottle

    from portal.sync.api import SyncThrottle

    for throttle in (UserRateThrottle, SyncThrottle):
        monkeypatch.setattr(throttle, "rate", "100000/minute", raising=False)
    sign_contract(learner)
    user = learner.user if who == "learner" else case_manager
    cookie = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    run = schemathesis_run(
        live_server.url,
        [
            f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}",
            f"X-CSRFToken: {CSRF}",
        ],
        paths="^/api/(learner|staff|sync)/",
        max_examples=15,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
    # Signed in and past the CSRF check: the outbox read and refused bodies (400), where without
    # the session or the token every call would have stopped at 403.
    refused = {r.getMessage() for r in caplog.records if r.getMessage().startswith("Bad Request")}
    assert "Bad Request: /api/sync/commands" in refused
