"""Phone performance of learner screens: Lighthouse, default mobile profile, cold and repeat.

Runs the portal with production settings on loopback (daphne, SQLite by default or
PORTAL_DATABASE_URL), signs in a demo learner, and runs Lighthouse (npm, in bench/node_modules)
against each screen with Debian's chromium. Prints the median of N runs of LCP, TBT, CLS,
total bytes, JS bytes and HTML+CSS bytes, with the targets of QUALITY.md beside them (the
targets QUALITY.md sets for the home are applied to every screen).

    .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8123] [--screens home,agenda,...]

Screens, the five core screens of a learner's phone: ``home`` (the learner home), ``agenda``
(appointments), ``hours`` (log participation hours), ``lessons`` (the lesson list), ``lesson``
(the first lesson of the demo course, with its pictures and practice questions).

Cold: a fresh browser profile each run. Repeat: the same profile after one visit, with storage
kept (--disable-storage-reset), so the service worker and its caches are in place.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _portal import ROOT, SESSION_SNIPPET, manage, portal_env, start_portal
from _table import Row, render

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update"
)
TARGETS: dict[str, dict[str, float]] = {
    "cold": {
        "lcp_ms": 2000,
        "total_kib": 200,
        "js_kib": 40,
        "html_css_kib": 60,
        "tbt_ms": 150,
        "cls": 0.05,
    },
    "repeat": {"lcp_ms": 1000},
}
DEMO_LEARNER = "INB-2026-0001"
REPORTS: Path | None = None  # --reports: keep each Lighthouse JSON report there
# The first lesson of the demo course (its id depends on the load order).
FIRST_LESSON_SNIPPET = """
from learner.lessons.models import Lesson
print("LESSON", Lesson.objects.order_by("module__position", "position", "id").first().pk)
"""


def screen_paths(env: dict[str, str]) -> dict[str, str]:
    lesson = manage(env, "shell", "-c", FIRST_LESSON_SNIPPET).split("LESSON")[1].split()[0]
    return {
        "home": "/",
        "agenda": "/appointments/",
        "hours": "/participation/",
        "lessons": "/lessons/",
        "lesson": f"/lessons/{lesson}/",
    }


# Lighthouse's words for a run that failed by chance (a trace without its navigation start).
RUN_AGAIN = "Please run Lighthouse again"
ATTEMPTS = 3


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
    for attempt in range(1, ATTEMPTS + 1):
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        # Chromium's trace sometimes misses the navigation start on a loaded machine
        # (NO_NAVSTART); Lighthouse itself says to run it again. Any other failure is final.
        if done.returncode == 0 or RUN_AGAIN not in done.stderr or attempt == ATTEMPTS:
            break
        print(f"Lighthouse asked to be run again on {url} (attempt {attempt})", file=sys.stderr)
    if done.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    report = json.loads(out.read_text())
    if REPORTS is not None:
        shutil.copy(out, REPORTS / f"{url.rstrip('/').rsplit('/', 1)[-1] or 'home'}-{out.name}")
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
    by_type = {
        item["resourceType"]: item["transferSize"]
        for item in audits["resource-summary"]["details"]["items"]
    }
    return {
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "total_kib": audits["total-byte-weight"]["numericValue"] / 1024,
        "js_kib": scripts["transferSize"] / 1024,
        "html_css_kib": (by_type.get("document", 0) + by_type.get("stylesheet", 0)) / 1024,
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


UNITS = {
    "lcp_ms": "ms",
    "tbt_ms": "ms",
    "cls": "",
    "total_kib": "KiB",
    "js_kib": "KiB",
    "html_css_kib": "KiB",
}
LABELS = {
    "lcp_ms": "LCP",
    "tbt_ms": "total blocking time",
    "cls": "CLS",
    "total_kib": "bytes (compressed)",
    "js_kib": "JS bytes",
    "html_css_kib": "HTML+CSS bytes",
}
ALL_SCREENS = ("home", "agenda", "hours", "lessons", "lesson")


def measure(
    *, screens: tuple[str, ...] = ALL_SCREENS, runs: int = 3, port: int = 8123
) -> list[Row]:
    """Median of ``runs`` Lighthouse runs per screen, cold and repeat, as table rows."""
    if not LIGHTHOUSE.exists():
        raise SystemExit("npm ci --prefix bench  (Lighthouse is a dev dependency there)")
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        scratch_dir = Path(scratch)
        env = portal_env(scratch_dir / "data", port)
        server = start_portal(env, port)
        try:
            line = manage(env, "shell", "-c", SESSION_SNIPPET.format(username=DEMO_LEARNER))
            session_key, language = line.split("SESSION")[1].split()[:2]
            cookie = f"sessionid={session_key}; django_language={language}"
            paths = screen_paths(env)
            results: dict[str, tuple[list[dict[str, float]], list[dict[str, float]]]] = {}
            for screen in screens:
                url = f"http://localhost:{port}{paths[screen]}"
                cold, repeat = [], []
                for run in range(runs):
                    profile = scratch_dir / f"profile-{screen}-{run}"
                    cold.append(lighthouse(url, cookie, profile, keep_storage=False))
                    # One visit installs the service worker; the measured one is served by it.
                    lighthouse(url, cookie, profile, keep_storage=True)
                    repeat.append(lighthouse(url, cookie, profile, keep_storage=True))
                results[screen] = (cold, repeat)
        finally:
            server.terminate()
            server.wait(timeout=10)

    rows = []
    for screen, (cold, repeat) in results.items():
        for load, measured in (("cold", cold), ("repeat", repeat)):
            for key, value in median_of(measured).items():
                if load == "repeat" and key != "lcp_ms":
                    continue  # served by the worker: only the paint time is a target
                target = TARGETS[load].get(key)
                rows.append(
                    Row(
                        "phone",
                        f"{screen} ({paths[screen]}), {load}: {LABELS[key]}",
                        value,
                        UNITS[key],
                        "" if target is None else f"<= {target:g}",
                        note=f"median of {runs}",
                    )
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--screens", default=",".join(ALL_SCREENS), help="comma-separated: " + ",".join(ALL_SCREENS)
    )
    parser.add_argument("--reports", default="", help="a folder to keep the JSON reports in")
    options = parser.parse_args()
    if options.reports:
        global REPORTS
        REPORTS = Path(options.reports)
        REPORTS.mkdir(parents=True, exist_ok=True)
    screens = tuple(name.strip() for name in options.screens.split(",") if name.strip())
    rows = measure(screens=screens, runs=options.runs, port=options.port)
    print(f"Learner screens ({DEMO_LEARNER}), Lighthouse mobile")
    print(render(rows))


if __name__ == "__main__":
    main()
