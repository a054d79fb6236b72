"""schemathesis against the committed OpenAPI description: no request makes the server fail.

It generates requests from docs/openapi.yaml (examples, boundary values, fuzzing and stateful
sequences) and sends them over HTTP to the live test server with a valid back-office token.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps

from portal.accounts.models import Agency, Municipality
from portal.backoffice import services

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_generated_request_causes_a_server_error(
    live_server: Any, agency: Agency, leuven: Municipality, tmp_path: Path
) -> None:
    from importlib import import_module

    import_module("learner.trajectory.migrations.0002_first_rule_set_and_declaration").seed(
        django_apps, None
    )
    _token, secret = services.token_create(agency=agency, name="fuzz", actor=None)
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency"
    run = subprocess.run(
        [
            st,
            "run",
            str(SCHEMA),
            "--url",
            live_server.url,
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "40",
            "--seed",
            "20261130",
            "--request-timeout",
            "30",
            "--warnings",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
