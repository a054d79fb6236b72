"""The peer row: Kolibri (Learning Equality's LMS) on this machine, under the same Lighthouse.

Installs Kolibri from PyPI into its own virtual environment (``bench/.kolibri-venv/``, made when
missing, ignored by git; none of Kolibri's code is in this repository), provisions a device in a
temporary KOLIBRI_HOME (one facility, formal preset, English, one learner in one class), serves
it on a free loopback port, and measures two pages with ``lighthouse()`` from
``bench/lighthouse.py`` (the same mobile profile, CHROME_FLAGS and chromium as our own screens):

- the sign-in page (``/en/auth/#/signin``), cold: a fresh browser profile, no cookies;
- the page a signed-in learner lands on (``/en/learn/#/library``: Kolibri sends ``#/home`` there
  on a device with no channel imported, and none can be imported offline), cold and repeat.

    .venv/bin/python bench/kolibri.py [--runs 3] [--reports DIR]

Signed in means what it means for a real browser: Kolibri's client sends the CSRF token it reads
from ``document.cookie`` with its first session call, so a Cookie header alone (as our own
screens get) reads as signed out. Each learner profile therefore gets the session and CSRF
cookies in its cookie jar first (Lighthouse keeps cookies when it resets storage), plus the same
values as the Cookie header. Guests may browse that same page too, so a run counts only if the
report shows the learner's own progress request answered.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import lighthouse as lh
from _portal import ROOT
from _table import Row, render

KOLIBRI_SPEC = "kolibri==0.19.5"
VENV = ROOT / "bench" / ".kolibri-venv"
KOLIBRI = VENV / "bin" / "kolibri"
FACILITY = "Bench Facility"
LEARNER, LEARNER_PASSWORD = "learner1", "bench-learner-2026"
# A learner in a class, as in a school; prints what the session API needs.
LEARNER_SNIPPET = f"""
from kolibri.core.auth.models import Classroom, Facility, FacilityUser
facility = Facility.get_default_facility()
user = FacilityUser.objects.create_user(
    username={LEARNER!r}, password={LEARNER_PASSWORD!r}, facility=facility,
    full_name="Bench Learner",
)
Classroom.objects.create(name="Bench class", parent=facility).add_member(user)
print("LEARNER", facility.id, user.id)
"""
METRICS = (  # lighthouse() key, label, unit
    ("lcp_ms", "LCP", "ms"),
    ("tbt_ms", "TBT", "ms"),
    ("cls", "CLS", ""),
    ("total_kib", "total bytes", "KiB"),
    ("js_kib", "JS bytes", "KiB"),
    ("html_css_kib", "HTML+CSS bytes", "KiB"),
)


def installed_version() -> str | None:
    if not KOLIBRI.exists():
        return None
    done = subprocess.run(
        [
            str(VENV / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('kolibri'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


def ensure_kolibri() -> str:
    """Kolibri's version, installed first (about 20 s) if the venv lacks the pinned one."""
    wanted = KOLIBRI_SPEC.split("==")[1]
    if installed_version() != wanted:
        if not (VENV / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        done = subprocess.run([*pip, KOLIBRI_SPEC], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pip install {KOLIBRI_SPEC} failed: {done.stderr.strip()[-1500:]}")
    version = installed_version()
    if version is None:
        raise RuntimeError(f"{KOLIBRI} does not run after pip install {KOLIBRI_SPEC}")
    return version


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def kolibri_env(home: Path) -> dict[str, str]:
    # PYTHONPATH would put our bench/ (with this kolibri.py) before the real package.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLIBRI_", "PYTHON"))}
    env.update(
        {
            "KOLIBRI_HOME": str(home),
            "KOLIBRI_LISTEN_ADDRESS": "127.0.0.1",
            "KOLIBRI_DISABLE_PING": "true",  # no statistics call-home from a bench
        }
    )
    return env


def kolibri(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(KOLIBRI), *args],
        cwd=env["KOLIBRI_HOME"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kolibri {' '.join(args[:2])} failed: {done.stderr.strip()[-1500:]}")
    return done.stdout


def provision(env: dict[str, str]) -> tuple[str, str]:
    """A provisioned device with one learner; (facility id, learner id)."""
    kolibri(
        env,
        "manage",
        "provisiondevice",
        "--facility",
        FACILITY,
        "--superusername",
        "admin",
        "--superuserpassword",
        "bench-admin-2026",
        "--preset",
        "formal",
        "--language_id",
        "en",
        "--noinput",
    )
    out = kolibri(env, "manage", "shell", "--skip-update", "--", "-c", LEARNER_SNIPPET)
    # Kolibri's log echoes the snippet itself: the answer is the line that starts with it.
    line = next(line for line in out.splitlines() if line.startswith("LEARNER "))
    facility, user = line.split()[1:3]
    return facility, user


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """``kolibri start --foreground`` on loopback, once its public API answers."""
    ports = ("--port", str(port), "--zip-port", str(free_port()))
    with open(Path(env["KOLIBRI_HOME"]) / "bench-server.log", "wb") as log:  # the child's copy
        server = subprocess.Popen(
            [str(KOLIBRI), "start", "--skip-update", "--foreground", *ports],
            cwd=env["KOLIBRI_HOME"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/public/info/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    tail = (Path(env["KOLIBRI_HOME"]) / "bench-server.log").read_text(errors="replace")[-1500:]
    raise RuntimeError(f"kolibri start did not answer on port {port}: {tail}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # Kolibri's process bus stops its threads on SIGTERM (about 3 s)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def sign_in(base: str, facility: str) -> dict[str, str]:
    """A fresh learner session from Kolibri's session API: its cookies by name."""
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/api/auth/session/",
        data=json.dumps(
            {"username": LEARNER, "password": LEARNER_PASSWORD, "facility": facility}
        ).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            headers = response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"Kolibri's session API: {error} {error.read()[:500]!r}") from error
    cookies: dict[str, str] = {}
    for header in headers:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        cookies.update({name: morsel.value for name, morsel in parsed.items()})
    if "kolibri" not in cookies or "kolibri_csrftoken" not in cookies:
        raise RuntimeError(f"Kolibri's session API set {sorted(cookies)}, not a session")
    return cookies


def seed_cookie_jar(profile: Path, cookies: dict[str, str]) -> None:
    """Chromium's jar in ``profile`` holding ``cookies`` for 127.0.0.1.

    Cookies belong to a host, not a port: a one-shot server on another loopback port sets them,
    and a headless chromium visit stores them (with a lifetime, so they are kept on disk).
    """

    class SetCookies(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            for name, value in cookies.items():
                self.send_header("Set-Cookie", f"{name}={value}; Path=/; Max-Age=3600")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), SetCookies) as server:
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        chromium = shutil.which("chromium") or "chromium"
        visit = f"http://127.0.0.1:{server.server_address[1]}/"
        subprocess.run(
            [
                chromium,
                *shlex.split(lh.CHROME_FLAGS),
                f"--user-data-dir={profile}",
                "--dump-dom",
                visit,
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        thread.join(timeout=10)


def run(
    url: str, cookie: str, profile: Path, *, keep_storage: bool
) -> tuple[dict[str, float], Any]:
    """lighthouse() from bench/lighthouse.py, and its JSON report (kept through its --reports)."""
    saved = lh.REPORTS
    lh.REPORTS = Path(tempfile.mkdtemp(dir=profile.parent, prefix="reports-"))
    try:
        values = lh.lighthouse(url, cookie, profile, keep_storage=keep_storage)
        (report_file,) = lh.REPORTS.glob("*.json")
        report = json.loads(report_file.read_text())
        if saved is not None:
            shutil.copy(report_file, saved / f"kolibri-{report_file.name}")
    finally:
        lh.REPORTS = saved
    return values, report


def check_signed_in(report: Any, user: str) -> None:
    """Only a signed-in learner asks for (and gets) their own progress; a guest does not."""
    requests = report["audits"]["network-requests"]["details"]["items"]
    if not any(
        f"/api/logger/userprogress/{user}/" in item["url"] and item.get("statusCode") == 200
        for item in requests
    ):
        raise RuntimeError("the learner page loaded as a guest: the session did not take")


def measure_all(runs: int) -> tuple[str, dict[str, list[dict[str, float]]]]:
    """Kolibri's version and, per load (sign-in cold, learner cold, learner repeat), the runs."""
    version = ensure_kolibri()
    with tempfile.TemporaryDirectory(prefix="kolibri-bench-") as scratch:
        scratch_dir = Path(scratch)
        home = scratch_dir / "home"
        home.mkdir()
        env = kolibri_env(home)
        facility, user = provision(env)
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        results: dict[str, list[dict[str, float]]] = {
            "sign-in, cold": [],
            "learner page, cold": [],
            "learner page, repeat": [],
        }
        try:
            for index in range(runs):
                profile = scratch_dir / f"signin-{index}"
                values, _ = run(f"{base}/en/auth/#/signin", "", profile, keep_storage=False)
                results["sign-in, cold"].append(values)

                cookies = sign_in(base, facility)
                cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
                profile = scratch_dir / f"learner-{index}"
                seed_cookie_jar(profile, cookies)
                url = f"{base}/en/learn/#/library"
                values, report = run(url, cookie, profile, keep_storage=False)
                check_signed_in(report, user)
                results["learner page, cold"].append(values)
                # As for our screens: one visit fills the caches, the next one is measured.
                run(url, cookie, profile, keep_storage=True)
                values, report = run(url, cookie, profile, keep_storage=True)
                check_signed_in(report, user)
                results["learner page, repeat"].append(values)
        finally:
            stop(server)
    return version, results


def measure(*, runs: int = 3) -> list[Row]:
    started = time.monotonic()
    try:
        version, results = measure_all(runs)
    except (RuntimeError, SystemExit, OSError, subprocess.SubprocessError) as error:
        # SystemExit: lighthouse() exits when a run fails or lands on another page.
        return [Row("peer", "Kolibri (pip kolibri)", None, "", note=f"not measured: {error}")]
    note = f"median of {runs}; whole measurement {time.monotonic() - started:.0f} s"
    rows = []
    for load, values in results.items():
        median = lh.median_of(values)
        for key, label, unit in METRICS:
            what = f"Kolibri {version} {load}: {label}"
            rows.append(Row("peer", what, median[key], unit, note=note))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reports", default="", help="a folder to keep the JSON reports in")
    options = parser.parse_args()
    if options.reports:
        lh.REPORTS = Path(options.reports)
        lh.REPORTS.mkdir(parents=True, exist_ok=True)
    if not lh.LIGHTHOUSE.exists():
        raise SystemExit("npm install --prefix bench  (Lighthouse is a dev dependency there)")
    print(render(measure(runs=options.runs)))


if __name__ == "__main__":
    main()
