"""schemathesis against the committed OpenAPI description: no request makes the server fail.

It generates requests from docs/openapi.yaml (examples, boundary values, fuzzing and stateful
sequences) and sends them over HTTP to the live test server with a valid back-office token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.accounts.models import Agency, Municipality
from portal.backoffice import services
from tests.api_fuzz import first_rule_set_seed, schemathesis_run

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_generated_request_causes_a_server_error(
    live_server: Any, agency: Agency, leuven: Municipality, tmp_path: Path
) -> None:
    first_rule_set_seed()
    _token, secret = services.token_create(agency=agency, name="fuzz", actor=None)
    run = schemathesis_run(
        live_server.url,
        [f"Authorization: Bearer {secret}"],
        max_examples=40,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
