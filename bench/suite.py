"""The bench suite: every figure of QUALITY.md, measured in one run and printed beside its target.

    make bench                       # or: .venv/bin/python bench/suite.py
    .venv/bin/python bench/suite.py --long            # adds 200 simulated users for 10 minutes
    .venv/bin/python bench/suite.py --only phone,peer # some parts only
    .venv/bin/python bench/suite.py --out bench-results.md

Everything runs with production settings (``PORTAL_ENV=production``) on the PostgreSQL and Redis
of this machine, on loopback: each part makes a fresh database of its own (PORTAL_BENCH_PG names
the server, default postgres://postgres@127.0.0.1:5432; PORTAL_BENCH_REDIS the Redis, default
redis://127.0.0.1:6379/7). The parts, in order:

- phone: Lighthouse (mobile profile) on the five core learner screens, cold and repeat, median of
  ``--runs``; then the service worker's install size and the screens that render offline
  (``bench/lighthouse.py``, ``bench/offline.py``).
- peer: Kolibri on this machine, measured with the same Lighthouse settings (``bench/kolibri.py``).
- server: learner dashboard and caseload with wrk at 32 connections, peak memory per worker;
  with ``--long``, locust with 200 users for 10 minutes (``bench/server.py``).
- sync: back-office ingest and the change feed of 100,000 events (``bench/backoffice.py``).
- live: notification delivery to 500 sockets after commit (``bench/live.py``).
- offline: the chaos tests, the outbox and the back-office ingest under SIGKILL, and the browser
  outbox across network flips, reloads and closed tabs (``bench/outbox.py``, ``bench/backoffice``).
- rules: the targets QUALITY.md has asserted by tests (queries per page, booking races, back office
  down for an hour, shared-phone logout, uploads, authorization, schemathesis, axe in nl/ar/ti),
  run here on PostgreSQL and Redis, counted from pytest's report.

A part that fails to run gives a row saying why, and the suite goes on. The exit status is 1 when
a figure misses its target or a part could not run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from _portal import PYTHON, ROOT, fresh_postgres
from _table import Row, render

REDIS = os.environ.get("PORTAL_BENCH_REDIS", "redis://127.0.0.1:6379/7")


def on_postgres(name: str) -> None:
    """The next part's portal runs on a fresh PostgreSQL database and on Redis."""
    os.environ["PORTAL_DATABASE_URL"] = fresh_postgres(name)
    os.environ["PORTAL_REDIS_URL"] = REDIS


def phone(options: argparse.Namespace) -> list[Row]:
    import lighthouse
    import offline

    on_postgres("portal_bench_phone")
    rows = lighthouse.measure(runs=options.runs)
    on_postgres("portal_bench_phone")
    return rows + offline.measure()


def peer(options: argparse.Namespace) -> list[Row]:
    import kolibri

    return kolibri.measure(runs=options.runs)


def server(options: argparse.Namespace) -> list[Row]:
    import server as server_bench

    return server_bench.measure(long=options.long)


def sync(options: argparse.Namespace) -> list[Row]:
    import backoffice

    return backoffice.measure("ingest") + backoffice.measure("feed")


def live(options: argparse.Namespace) -> list[Row]:
    import live as live_bench

    return live_bench.measure()


def chaos(options: argparse.Namespace) -> list[Row]:
    import backoffice
    import outbox

    return outbox.measure("kill") + backoffice.measure("kill") + outbox.measure("browser")


# What QUALITY.md asks tests to assert: (row, the tests, as pytest node ids or file::name prefix).
RULES: list[tuple[str, list[str]]] = [
    (
        "SQL queries per page <= 10 (query-budget tests of every app)",
        [
            "tests/learner/lessons/test_views.py::test_the_lesson_list_and_a_lesson_stay_within",
            "tests/learner/trajectory/test_views.py::test_home_timeline_dossier_and_caseload",
            "tests/learner/plan/test_views.py::test_each_plan_page_needs_at_most_ten_queries",
            "tests/learner/appointments/test_views.py::test_pages_stay_within_the_query_budget",
            "tests/portal/accounts/test_views.py::test_home_and_caseload_stay_within_the_query",
        ],
    ),
    (
        "bookings: K racing phones for C places get exactly min(K, C), refusals with alternatives",
        ["tests/learner/appointments/test_capacity.py"],
    ),
    (
        "back office down for an hour: every event afterwards, in order per learner, none twice",
        ["tests/portal/backoffice/test_webhooks.py::test_a_back_office_down_for_an_hour"],
    ),
    (
        "logout on a shared phone: no personal data left in the browser, unsynced work warned",
        [
            "tests/browser/test_shell.py::test_logout_on_a_shared_phone",
            "tests/browser/test_participation.py::test_logout_with_unsent_hours",
        ],
    ),
    (
        "images: picture variants, thumbnails <= 15 KiB, EXIF/GPS stripped, pixel limit",
        ["tests/portal/media/test_images.py"],
    ),
    (
        "hostile uploads (bombs, polyglots, truncated, SVG script, huge EXIF): refused, no 500",
        ["tests/security/test_upload_fuzz.py"],
    ),
    ("authorization matrix: every URL x every role", ["tests/portal/test_authorization.py"]),
    (
        "schemathesis over every API (token, learner and staff sessions): 0 server errors",
        [
            "tests/portal/backoffice/test_schemathesis.py",
            "tests/security/test_schemathesis_sessions.py",
        ],
    ),
    (
        "check --deploy clean, strict nonce CSP on every page, HSTS and secure cookies",
        ["tests/portal/test_settings.py", "tests/security/test_csp.py"],
    ),
    (
        "brute force and rate limits (login per username+IP, activation, booking, APIs)",
        ["tests/security/test_rate_limits.py", "tests/learner/appointments/test_rate_limit.py"],
    ),
    (
        "session fixation, CSRF, no personal data in logs",
        [
            "tests/security/test_sessions_and_csrf.py",
            "tests/security/test_no_personal_data_in_logs.py",
        ],
    ),
    (
        "staff access to a dossier logged and shown to the learner; own data in one click",
        ["tests/portfolio/test_access_log.py", "tests/portfolio/test_data_export.py"],
    ),
    (
        "axe-core 0 violations on every screen of every role in nl, ar, ti; keyboard; 200% text",
        ["tests/browser/test_accessibility.py"],
    ),
    ("every UI string in all 11 locales, none fuzzy or empty", ["tests/test_catalogs.py"]),
]


def rules(options: argparse.Namespace) -> list[Row]:
    files = sorted({selector.split("::")[0] for _row, selectors in RULES for selector in selectors})
    with tempfile.TemporaryDirectory(prefix="portal-bench-rules-") as scratch:
        report = Path(scratch) / "junit.xml"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(
            {
                "PORTAL_DATABASE_URL": os.environ.get(
                    "PORTAL_BENCH_PG", "postgres://postgres@127.0.0.1:5432"
                )
                + "/portal",
                "PORTAL_REDIS_URL": REDIS,
                "PORTAL_REDIS_PREFIX": f"portal-bench-{os.getpid()}",
                "PORTAL_DATA_DIR": str(Path(scratch) / "data"),
            }
        )
        subprocess.run(
            [
                PYTHON,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
                *files,
            ],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
        )
        cases = ET.parse(report).getroot().iter("testcase")  # noqa: S314 (our own pytest report)
        outcomes: dict[str, str] = {}
        for case in cases:
            path = case.get("classname", "").replace(".", "/") + ".py"
            name = case.get("name", "")
            outcome = "passed"
            for child in case:
                if child.tag in ("failure", "error", "skipped"):
                    outcome = child.tag
            outcomes[f"{path}::{name}"] = outcome
    rows = []
    for label, selectors in RULES:
        chosen = {
            node: outcome
            for node, outcome in outcomes.items()
            if any(node.startswith(selector) for selector in selectors)
        }
        passed = sum(1 for outcome in chosen.values() if outcome == "passed")
        # A test that does not apply here (a SQLite-only check on PostgreSQL) is skipped, not lost.
        ran = sum(1 for outcome in chosen.values() if outcome != "skipped")
        others = sorted({outcome for outcome in chosen.values() if outcome != "passed"})
        rows.append(
            Row(
                "rules",
                label,
                passed,
                "count",
                f"== {ran}" if ran else "== 1",  # no test found is a failure
                note="tests passed, on PostgreSQL + Redis"
                + (f"; also {', '.join(others)}" * bool(others)),
            )
        )
    return rows


PARTS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "phone": phone,
    "peer": peer,
    "server": server,
    "sync": sync,
    "live": live,
    "offline": chaos,
    "rules": rules,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help=",".join(PARTS))
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per screen")
    parser.add_argument("--long", action="store_true", help="200 users for 10 minutes (locust)")
    parser.add_argument("--out", default="", help="also write the table to this Markdown file")
    options = parser.parse_args()
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = set(chosen) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    rows: list[Row] = []
    timings: list[str] = []
    for name in chosen:
        started = time.monotonic()
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            part_rows = PARTS[name](options)
        except (Exception, SystemExit) as error:  # one broken part must not hide the others
            traceback.print_exc()
            part_rows = [Row(name, "could not run", None, "", "== 1", note=str(error)[:200])]
        rows += part_rows
        timings.append(f"{name} {time.monotonic() - started:.0f} s")
        print(render(part_rows), file=sys.stderr, flush=True)

    table = render(rows)
    header = (
        f"Bench suite, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"production settings on PostgreSQL + Redis ({'; '.join(timings)})"
    )
    print(f"\n{header}\n\n{table}")
    if options.out:
        Path(options.out).write_text(f"{header}\n\n{table}\n")
    missed = [row for row in rows if row.ok is False or (row.target and row.value is None)]
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
