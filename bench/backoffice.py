"""Back-office sync under load and faults, on PostgreSQL over real HTTP on loopback.

    .venv/bin/python bench/backoffice.py ingest [--learners 1000] [--batch 1000] [--clients 2]
    .venv/bin/python bench/backoffice.py feed [--events 100000] [--page 1000]
    .venv/bin/python bench/backoffice.py kill [--items 1000] [--batch 10]

Each mode makes a fresh database (``portal_bench_backoffice``; PORTAL_BENCH_PG names the server,
default postgres://postgres@127.0.0.1:5432), loads the demo agency, makes a token and runs the
portal with production settings under daphne, one process, as ``bench/lighthouse.py`` does.

- ingest: whole dossiers (ten records each: learner, eligibility, contract, MO course and test,
  NT2 route and two modules, VDAB registration, a payment) in batches, then one exam result per
  learner (the daily shape); records/s for each. Target (QUALITY.md, issue 5): >= 2,000/s.
  Then the time the queued task takes to rebuild the read models the batches left stale.
- feed: writes N events, then pages the whole feed with the reference client. Target <= 30 s.
- kill: sends N items in batches with client retries while the portal is killed (SIGKILL) at
  random intervals and restarted; then counts what the database holds. Target: exactly N.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from _portal import Chaos, fresh_postgres, manage, portal_env, prepare, serve
from _table import Row, render

from portal.backoffice.client import BackOfficeClient, sample_dossier

AGENCY = "agii-demo"
NIS_CODE = "24062"

COUNT_SNIPPET = """
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Contract
from portal.backoffice.serializers import FACT_KINDS
n = LearnerProfile.objects.filter(dossier_number__startswith="BENCH-").count()
n += Contract.objects.filter(learner__dossier_number__startswith="BENCH-").count()
for model, _data in FACT_KINDS.values():
    n += model.objects.filter(learner__dossier_number__startswith="BENCH-").count()
print("COUNT", n)
"""

EVENTS_SNIPPET = """
import uuid
from django.db import transaction
from portal.accounts.models import Agency
from portal.events.models import Event
agency = Agency.objects.get(code={agency!r})
total = {events}
for start in range(0, total, 5000):
    with transaction.atomic():  # many transactions, as real writers make
        Event.objects.bulk_create(
            Event(code="bench.event.written", agency=agency, payload={{"n": n}})
            for n in range(start, min(total, start + 5000))
        )
print("EVENTS", Event.objects.filter(agency=agency).count())
"""


def setup(port: int, scratch: Path) -> tuple[dict[str, str], str]:
    env = portal_env(scratch / "data", port)
    env["PORTAL_DATABASE_URL"] = fresh_postgres("portal_bench_backoffice")
    env["PORTAL_BACKOFFICE_RATE"] = "100000/minute"
    prepare(env)
    token = manage(env, "backoffice_token", AGENCY, "--name", "bench").strip()
    return env, token


def dossiers(count: int, prefix: str = "BENCH") -> list[list[dict[str, Any]]]:
    return [
        sample_dossier(f"{prefix}-{n:06d}", nis_code=NIS_CODE, signed_on=date(2026, 3, 1))
        for n in range(count)
    ]


T = TypeVar("T")


def batches(items: list[T], size: int) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def run_batches(
    client: BackOfficeClient, work: list[list[dict[str, Any]]], clients: int
) -> tuple[int, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(client.ingest, work))
    elapsed = time.perf_counter() - started
    applied = sum(
        1 for answer in answers for result in answer["results"] if result["status"] == "applied"
    )
    return applied, elapsed


def bench_ingest(options: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env, token = setup(options.port, Path(scratch))
        server = serve(env, options.port)
        try:
            client = BackOfficeClient(f"http://127.0.0.1:{options.port}", token, timeout=600)
            # Whole dossiers: a learner's records stay in one batch, as a back office sends them.
            per_batch = max(1, options.batch // 10)
            all_dossiers = dossiers(options.learners)
            work = [
                [item for dossier in group for item in dossier]
                for group in batches(all_dossiers, per_batch)
            ]
            applied, elapsed = run_batches(client, work, options.clients)
            results = [("first sync, whole dossiers", applied, elapsed)]
            updates = [
                {
                    "kind": "exam",
                    "learner": dossier[0]["learner"],
                    "external_id": f"{dossier[0]['learner']}-NT2",
                    "version": 1,
                    "values": {
                        "kind": "nt2",
                        "session_on": "2026-09-01",
                        "outcome": "passed",
                        "level": "A2",
                    },
                }
                for dossier in all_dossiers
            ]
            applied, elapsed = run_batches(client, batches(updates, options.batch), options.clients)
            results.append(("daily results, one per learner", applied, elapsed))
            # The read models the batches left stale, rebuilt as the task worker does.
            started = time.perf_counter()
            rebuilt = int(manage(env, "shell", "-c", CATCH_UP_SNIPPET).split("REBUILT")[1])
            catch_up = (rebuilt, time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait(timeout=10)
    rows = [
        Row(
            "sync",
            f"back-office ingest, {name} ({applied:,} records, {options.clients} clients)",
            applied / elapsed,
            "records/s",
            ">= 2000",
        )
        for name, applied, elapsed in results
    ]
    rebuilt, seconds = catch_up
    rows.append(
        Row(
            "sync",
            f"read models rebuilt afterwards by the task ({rebuilt:,} learners)",
            rebuilt / seconds,
            "learners/s",
            note="one process, including its start",
        )
    )
    return rows


CATCH_UP_SNIPPET = """
from learner.trajectory.services.refresh import trajectory_catch_up
print("REBUILT", trajectory_catch_up())
"""


def bench_feed(options: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env, token = setup(options.port, Path(scratch))
        line = manage(
            env, "shell", "-c", EVENTS_SNIPPET.format(agency=AGENCY, events=options.events)
        )
        total = int(line.split("EVENTS")[1].split()[0])
        server = serve(env, options.port)
        try:
            client = BackOfficeClient(f"http://127.0.0.1:{options.port}", token)
            started = time.perf_counter()
            seen: set[str] = set()
            pages = 0
            for changes, _cursor in client.follow(limit=options.page):
                pages += 1
                seen.update(change["event_id"] for change in changes)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    return [
        Row(
            "sync",
            f"change feed of {total:,} events paged by the client, {options.page} a page",
            elapsed,
            "s",
            "<= 30",
            note=f"{len(seen):,} distinct events read in {pages} pages",
        ),
        Row("sync", "change feed: events read of those written", len(seen), "count", f"== {total}"),
    ]


def bench_kill(options: argparse.Namespace) -> list[Row]:
    learners = options.items // 10
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env, token = setup(options.port, Path(scratch))
        client = BackOfficeClient(
            f"http://127.0.0.1:{options.port}",
            token,
            timeout=10,
            max_attempts=50,
            backoff_base=0.05,
            backoff_cap=1.0,
        )
        items = [item for dossier in dossiers(learners) for item in dossier][: options.items]
        started = time.perf_counter()
        with Chaos(env, options.port, options.seed) as chaos:
            for batch in batches(items, options.batch):
                client.ingest(batch)  # the client keeps one Idempotency-Key per batch
        elapsed = time.perf_counter() - started
        kills = chaos.kills
        count = int(manage(env, "shell", "-c", COUNT_SNIPPET).split("COUNT")[1].split()[0])
    return [
        Row(
            "offline",
            f"back-office ingest under random SIGKILLs: records stored of {options.items:,} sent",
            count,
            "count",
            f"== {options.items}",
            note=f"{kills} kills, {client.attempts_made} requests, {elapsed:.0f} s",
        )
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["ingest", "feed", "kill"])
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    return parser


MODES = {"ingest": bench_ingest, "feed": bench_feed, "kill": bench_kill}


def measure(mode: str, **overrides: Any) -> list[Row]:
    """One mode with the command line's defaults, ``overrides`` over them (bench/suite.py)."""
    options = build_parser().parse_args([mode])
    if mode == "kill":
        options.batch = 10  # many requests, so that kills land in the middle of batches
    vars(options).update(overrides)
    return MODES[mode](options)


def main() -> None:
    options = build_parser().parse_args()
    if options.mode == "kill" and options.batch == 1000:
        options.batch = 10
    rows = MODES[options.mode](options)
    print(render(rows))
    if any(row.ok is False for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
