"""The offline write path under chaos: nothing lost, nothing doubled.

    .venv/bin/python bench/outbox.py browser [--writes 195]
    .venv/bin/python bench/outbox.py kill [--commands 1000] [--batch 10]

Both run the portal with production settings under daphne on a fresh PostgreSQL database
(``portal_bench_outbox``; PORTAL_BENCH_PG names the server), with the demo data, as the demo learner
INB-2026-0001 logging participation hours.

- browser: Debian's Chromium (Playwright) logs N entries on the hours page while the connection
  flips between offline and online, the page reloads and the tab is closed and opened again;
  then five more offline, and the connection comes back with the page open: the time until the
  outbox is empty (target <= 10 s), and the entries on the server (target: exactly N + 5).
- kill: a client replays N outbox commands in batches (the phone's retry: the same UUIDs until
  answered) while the portal is SIGKILLed at random and restarted. Target: exactly N.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _portal import (
    SESSION_SNIPPET,
    Chaos,
    fresh_postgres,
    manage,
    phone_context,
    portal_env,
    prepare,
    serve,
)
from _table import Row, render

LEARNER = "INB-2026-0001"
ACTIVITY_SNIPPET = """
from learner.participation.models import Activity, HourEntry
print("ACTIVITY", Activity.objects.get(title="Buddy project Leuven").pk)
"""
COUNT_SNIPPET = """
from learner.participation.models import HourEntry
print("COUNT", HourEntry.objects.filter(note__startswith="bench").count())
"""


def setup(port: int, scratch: Path) -> tuple[dict[str, str], str, int]:
    env = portal_env(scratch / "data", port)
    env["PORTAL_DATABASE_URL"] = fresh_postgres("portal_bench_outbox")
    env["PORTAL_SYNC_RATE"] = "100000/minute"
    prepare(env)
    session = manage(env, "shell", "-c", SESSION_SNIPPET.format(username=LEARNER))
    session_key = session.split("SESSION")[1].split()[0]
    activity = int(manage(env, "shell", "-c", ACTIVITY_SNIPPET).split("ACTIVITY")[1])
    return env, session_key, activity


def count(env: dict[str, str]) -> int:
    return int(manage(env, "shell", "-c", COUNT_SNIPPET).split("COUNT")[1])


def bench_kill(options: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env, session_key, activity = setup(options.port, Path(scratch))
        csrf = secrets.token_hex(16)  # a 32-character CSRF secret, as cookie and as header
        # Yesterday and before, in Brussels: never "in the future" for the portal.
        today = datetime.now(ZoneInfo("Europe/Brussels")).date() - timedelta(days=1)
        commands = [
            {
                "uuid": str(uuid.uuid4()),
                "type": "participation.hours.log",
                "payload": {
                    "activity": activity,
                    "day": (today - timedelta(days=n % 90)).isoformat(),
                    "minutes": 15 + n % 8 * 15,
                    "note": f"bench {n}",
                },
                "created_at": f"{today.isoformat()}T10:00:00Z",
            }
            for n in range(options.commands)
        ]
        requests = 0

        def send(batch: list[dict[str, Any]]) -> None:
            nonlocal requests
            delay = 0.05
            while True:  # the phone's outbox: the same commands until they are answered
                requests += 1
                request = urllib.request.Request(
                    f"http://127.0.0.1:{options.port}/api/sync/commands",
                    data=json.dumps({"commands": batch}).encode(),
                    method="POST",
                    headers={
                        "Content-Type": "application/json",
                        "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                        "X-CSRFToken": csrf,
                    },
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                        answers = json.loads(response.read())["results"]
                    statuses = {answer["status"] for answer in answers}
                    if statuses <= {"applied", "duplicate"}:
                        return
                    raise SystemExit(f"refused: {answers}")
                except (OSError, ValueError):
                    time.sleep(random.uniform(0, delay))  # noqa: S311
                    delay = min(1.0, delay * 2)

        started = time.perf_counter()
        with Chaos(env, options.port, options.seed) as chaos:
            for start in range(0, len(commands), options.batch):
                send(commands[start : start + options.batch])
        elapsed = time.perf_counter() - started
        kills = chaos.kills
        applied = count(env)
    return [
        Row(
            "offline",
            f"outbox replay under random SIGKILLs: records stored of {options.commands:,} queued",
            applied,
            "count",
            f"== {options.commands}",
            note=f"{kills} kills, {requests} requests, {elapsed:.0f} s",
        )
    ]


def log_hours(page: Any, n: int) -> None:
    """One entry through the hours form, as the learner taps it; back once the outbox holds it."""
    form = page.locator("[data-hours-form]")
    form.locator("[name=activity]").select_option(index=1)
    form.locator("[name=note]").fill(f"bench {n}")
    command = form.locator("[name=command]")
    before = command.input_value()
    form.locator("button[type=submit]").click()
    while command.input_value() == before:  # stored: the form has a new id
        page.wait_for_timeout(20)


def bench_browser(options: argparse.Namespace) -> list[Row]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env, session_key, _activity = setup(options.port, Path(scratch))
        server = serve(env, options.port)
        base = f"http://localhost:{options.port}"
        flips = reloads = closes = 0
        try:
            with sync_playwright() as playwright:
                browser, context = phone_context(playwright, base, session_key)
                page = context.new_page()
                page.goto(f"{base}/participation/")
                page.wait_for_timeout(1000)  # the worker installs
                page.reload()
                rng = random.Random(options.seed)  # noqa: S311
                offline = False
                for n in range(options.writes):
                    if n and n % 10 == 0:
                        offline = not offline if rng.random() < 0.7 else offline
                        context.set_offline(offline)
                        flips += 1
                    if n and n % 25 == 0:
                        page.reload()
                        reloads += 1
                    if n and n % 60 == 0:
                        # The learner closes the tab and opens the app again (offline or not).
                        page.close()
                        page = context.new_page()
                        page.goto(f"{base}/participation/")
                        closes += 1
                    log_hours(page, n)
                # The last writes are made offline, then the connection comes back with the
                # page open: the time from reconnecting to an empty outbox is the figure.
                context.set_offline(True)
                for n in range(options.writes, options.writes + 5):
                    log_hours(page, n)
                pending = page.evaluate("document.querySelectorAll('[data-outbox-list] li').length")
                context.set_offline(False)
                reconnected = time.perf_counter()
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    left = page.evaluate(
                        "document.querySelectorAll('[data-outbox-list] li').length"
                    )
                    if left == 0:
                        break
                    page.wait_for_timeout(100)
                drained = time.perf_counter() - reconnected
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        applied = count(env)
    written = options.writes + 5
    return [
        Row(
            "offline",
            f"browser outbox: entries on the server of {written} written offline/online",
            applied,
            "count",
            f"== {written}",
            note=f"{flips} network flips, {reloads} reloads, {closes} closed tabs",
        ),
        Row(
            "offline",
            f"browser outbox: reconnect to all {pending} pending entries on the server (page open)",
            drained,
            "s",
            "<= 10",
        ),
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["browser", "kill"])
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument("--writes", type=int, default=195)
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    return parser


MODES = {"browser": bench_browser, "kill": bench_kill}


def measure(mode: str, **overrides: Any) -> list[Row]:
    """One mode with the command line's defaults, ``overrides`` over them (bench/suite.py)."""
    options = build_parser().parse_args([mode])
    vars(options).update(overrides)
    return MODES[mode](options)


def main() -> None:
    options = build_parser().parse_args()
    rows = MODES[options.mode](options)
    print(render(rows))
    if any(row.ok is False for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
