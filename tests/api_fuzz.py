"""What the schemathesis runs share: the committed description, the command, the seeded rules.

Used by tests/portal/backoffice/test_schemathesis.py (bearer token) and
tests/security/test_schemathesis_sessions.py (session cookie).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from django.apps import apps as django_apps

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml"
SEED = "20261130"  # the same generated requests on every run: a failure can be replayed


def first_rule_set_seed() -> None:
    """The rule set the data migration writes (transactional tests start from empty tables)."""
    import_module("learner.trajectory.migrations.0002_first_rule_set_and_declaration").seed(
        django_apps, None
    )


def schemathesis_run(
    url: str,
    headers: list[str],
    *,
    max_examples: int,
    cwd: Path,
    timeout: int,
    paths: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``schemathesis run`` of the committed description at ``url``: only server errors fail."""
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency"
    command = [st, "run", str(SCHEMA), "--url", url]
    for header in headers:
        command += ["--header", header]
    if paths:
        command += ["--include-path-regex", paths]
    command += [
        "--checks", "not_a_server_error",
        "--max-examples", str(max_examples),
        "--seed", SEED,
        "--request-timeout", "30",
        "--warnings", "off",
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False
    )
