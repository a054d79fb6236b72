"""Phone performance of the learner home: Lighthouse, default mobile profile, cold and repeat.

Runs the portal with production settings on loopback (daphne, SQLite by default or
PORTAL_DATABASE_URL), signs in a demo learner, and runs Lighthouse (npm, in bench/node_modules)
against the learner home with Debian's chromium. Prints the median of N runs of LCP, TBT, CLS,
total bytes and JS bytes, with the targets of QUALITY.md beside them.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8123]

Cold: a fresh browser profile each run. Repeat: the same profile after one visit, with storage
kept (--disable-storage-reset), so the service worker and its caches are in place.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
PYTHON = sys.executable
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update"
)
TARGETS: dict[str, dict[str, float]] = {
    "cold": {"lcp_ms": 2000, "total_kib": 200, "js_kib": 40, "tbt_ms": 150, "cls": 0.05},
    "repeat": {"lcp_ms": 1000},
}
DEMO_LEARNER = "INB-2026-0001"


def portal_env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        {
            "PORTAL_ENV": "production",
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(64),
            "PORTAL_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "PORTAL_SSL_REDIRECT": "false",  # loopback over HTTP; Chrome treats localhost as secure
            "PORTAL_DATA_DIR": str(data_dir),
        }
    )
    for name in ("PORTAL_DATABASE_URL", "PORTAL_REDIS_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


SESSION_SNIPPET = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from portal.accounts.models import User
user = User.objects.get(username={username!r})
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print("SESSION", s.session_key, user.preferred_language)
"""


def start_portal(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "compilemessages", "--ignore", ".venv", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "demo_data", "--scratch-production")
    server = subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the portal did not start")


def lighthouse(url: str, cookie: str, profile: Path, *, keep_storage: bool) -> dict[str, float]:
    out = profile.parent / f"report-{time.monotonic_ns()}.json"
    args = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance",
        f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    if keep_storage:
        args.append("--disable-storage-reset")
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "chromium"}
    subprocess.run(args, check=True, env=env, capture_output=True)
    report = json.loads(out.read_text())
    if report.get("finalDisplayedUrl") != url or report.get("runtimeError"):
        # A redirect to the login page would measure the wrong screen.
        raise SystemExit(f"measured {report.get('finalDisplayedUrl')}, not {url}")
    audits = report["audits"]
    scripts = next(
        (
            item
            for item in audits["resource-summary"]["details"]["items"]
            if item["resourceType"] == "script"
        ),
        {"transferSize": 0},
    )
    return {
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "total_kib": audits["total-byte-weight"]["numericValue"] / 1024,
        "js_kib": scripts["transferSize"] / 1024,
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8123)
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("npm install --prefix bench  (Lighthouse is a dev dependency there)")

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        scratch_dir = Path(scratch)
        env = portal_env(scratch_dir / "data", options.port)
        server = start_portal(env, options.port)
        try:
            line = manage(env, "shell", "-c", SESSION_SNIPPET.format(username=DEMO_LEARNER))
            session_key, language = line.split("SESSION")[1].split()[:2]
            cookie = f"sessionid={session_key}; django_language={language}"
            url = f"http://localhost:{options.port}/"
            cold, repeat = [], []
            for run in range(options.runs):
                profile = scratch_dir / f"profile-{run}"
                cold.append(lighthouse(url, cookie, profile, keep_storage=False))
                # One visit installs the service worker; the measured one is served by it.
                lighthouse(url, cookie, profile, keep_storage=True)
                repeat.append(lighthouse(url, cookie, profile, keep_storage=True))
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"Learner home ({DEMO_LEARNER}), Lighthouse mobile, median of {options.runs}")
    print(f"{'load':<8}{'metric':<12}{'value':>10}{'target':>10}  ok")
    for name, runs in (("cold", cold), ("repeat", repeat)):
        for key, value in median_of(runs).items():
            target = TARGETS[name].get(key)
            ok = "" if target is None else ("yes" if value <= target else "NO")
            target_text = "" if target is None else f"{target:g}"
            print(f"{name:<8}{key:<12}{value:>10.3f}{target_text:>10}  {ok}")


if __name__ == "__main__":
    main()
