"""schemathesis over the session-authenticated APIs, signed in as a learner and as staff.

The back-office run (tests/portal/backoffice/test_schemathesis.py) holds a bearer token only, so
there /api/learner/…, /api/staff/… and /api/sync/… answer 403 before any input is read. Here the
same committed description drives them with a real session cookie, and the CSRF cookie and
header that unsafe methods need: no generated request may make the server fail.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from tests.conftest import verify_second_factor

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# A CSRF secret of the form Django makes (32 letters and digits); the header may carry it as is.
CSRF = "Sec0rityHelperCsrfToken000000000"

pytestmark = pytest.mark.django_db(transaction=True)


def _session_cookie(user: User) -> str:
    client = Client()
    if user.is_staff_role:
        verify_second_factor(client, user)
    else:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _run(live_server: Any, cookie: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency"
    return subprocess.run(
        [
            st,
            "run",
            str(SCHEMA),
            "--url",
            live_server.url,
            "--header",
            f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}",
            "--header",
            f"X-CSRFToken: {CSRF}",
            "--include-path-regex",
            "^/api/(learner|staff|sync)/",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "15",
            "--seed",
            "20261130",
            "--request-timeout",
            "30",
            "--warnings",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )


@pytest.fixture
def rules_seeded() -> None:
    from importlib import import_module

    import_module("learner.trajectory.migrations.0002_first_rule_set_and_declaration").seed(
        django_apps, None
    )


@pytest.mark.usefixtures("rules_seeded")
@pytest.mark.parametrize("who", ["learner", "case_manager"])
def test_no_request_of_a_signed_in_person_causes_a_server_error(
    who: str,
    live_server: Any,
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Any],
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
    run = _run(live_server, _session_cookie(user), tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
    # Signed in and past the CSRF check: the outbox read and refused bodies (400), where without
    # the session or the token every call would have stopped at 403.
    refused = {r.getMessage() for r in caplog.records if r.getMessage().startswith("Bad Request")}
    assert "Bad Request: /api/sync/commands" in refused
