"""Phone performance of learner screens: Lighthouse, default mobile profile, cold and repeat.

Runs the portal with production settings on loopback (daphne, SQLite by default or
PORTAL_DATABASE_URL), signs in a demo learner, and runs Lighthouse (npm, in bench/node_modules)
against each screen with Debian's chromium. Prints the median of N runs of LCP, TBT, CLS,
total bytes and JS bytes, with the targets of QUALITY.md beside them.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8123] [--screens home,lessons,lesson]

Screens: ``home`` (the learner home), ``lessons`` (the lesson list), ``lesson`` (the first lesson
of the demo course, with its pictures and practice questions).

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
import tempfile
import time
from pathlib import Path

from _portal import ROOT, SESSION_SNIPPET, manage, portal_env, start_portal

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update"
)
TARGETS: dict[str, dict[str, float]] = {
    "cold": {"lcp_ms": 2000, "total_kib": 200, "js_kib": 40, "tbt_ms": 150, "cls": 0.05},
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
    return {"home": "/", "lessons": "/lessons/", "lesson": f"/lessons/{lesson}/"}


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
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
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
    parser.add_argument("--screens", default="home", help="comma-separated: home,lessons,lesson")
    parser.add_argument("--reports", default="", help="a folder to keep the JSON reports in")
    options = parser.parse_args()
    parser_reports = options.reports
    screens = [name.strip() for name in options.screens.split(",") if name.strip()]
    if parser_reports:
        global REPORTS
        REPORTS = Path(parser_reports)
        REPORTS.mkdir(parents=True, exist_ok=True)
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
            paths = screen_paths(env)
            results: dict[str, tuple[list[dict[str, float]], list[dict[str, float]]]] = {}
            for screen in screens:
                url = f"http://localhost:{options.port}{paths[screen]}"
                cold, repeat = [], []
                for run in range(options.runs):
                    profile = scratch_dir / f"profile-{screen}-{run}"
                    cold.append(lighthouse(url, cookie, profile, keep_storage=False))
                    # One visit installs the service worker; the measured one is served by it.
                    lighthouse(url, cookie, profile, keep_storage=True)
                    repeat.append(lighthouse(url, cookie, profile, keep_storage=True))
                results[screen] = (cold, repeat)
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"Learner screens ({DEMO_LEARNER}), Lighthouse mobile, median of {options.runs}")
    print(f"{'screen':<9}{'load':<8}{'metric':<12}{'value':>10}{'target':>10}  ok")
    for screen, (cold, repeat) in results.items():
        for name, runs in (("cold", cold), ("repeat", repeat)):
            for key, value in median_of(runs).items():
                target = TARGETS[name].get(key)
                ok = "" if target is None else ("yes" if value <= target else "NO")
                target_text = "" if target is None else f"{target:g}"
                print(f"{screen:<9}{name:<8}{key:<12}{value:>10.3f}{target_text:>10}  {ok}")


if __name__ == "__main__":
    main()
