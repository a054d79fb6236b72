"""The committed OpenAPI description (docs/openapi.yaml) is the one the code serves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_is_current(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--file", str(generated)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = (ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8")
    assert generated.read_text(encoding="utf-8") == committed, "run `make schema` and commit"
