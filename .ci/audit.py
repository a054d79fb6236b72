"""Dependency audit: pip-audit over the installed environment; any known vulnerability fails.

pip-audit asks PyPI's JSON API (or OSV) for the advisories of each installed version. It answers
"No known vulnerabilities found" with exit 0 even when it could audit nothing, so this wrapper
counts what was really audited and says plainly when a service could not be reached (on machines
whose network reaches only the package index, the per-version JSON API answers 404).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    done = subprocess.run(  # noqa: S603 (our own venv's pip-audit, fixed arguments)
        [
            str(BIN / "pip-audit"),
            "--vulnerability-service",
            "pypi",
            "--progress-spinner",
            "off",
            "--skip-editable",  # the portal itself
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(done.stderr, file=sys.stderr)
        return 1
    audited = [dep for dep in report["dependencies"] if "skip_reason" not in dep]
    skipped = [dep for dep in report["dependencies"] if "skip_reason" in dep]
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    print(
        f"pip-audit: {len(audited)} dependencies audited, {len(vulnerable)} vulnerable, "
        f"{len(skipped)} not audited"
    )
    if skipped and not audited:
        print(
            "WARNING: the advisory service could not be reached for any dependency "
            f"({skipped[0]['skip_reason']}); nothing was audited on this machine."
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
