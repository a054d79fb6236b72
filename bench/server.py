"""The server under load: throughput, latency and memory of the portal's busiest pages.

    .venv/bin/python bench/server.py [--server uvicorn --workers 2] [--seconds 30]
    .venv/bin/python bench/server.py --long [--users 200] [--minutes 10]

The portal runs with production settings on a fresh PostgreSQL database (``portal_bench_server``;
PORTAL_BENCH_PG names the server) and Redis (PORTAL_BENCH_REDIS, default
redis://127.0.0.1:6379/5: sessions through the cache, the channel layer), with the demo data.

- wrk (Debian) at 32 connections, after a warm-up, on the learner dashboard ``/`` spread over
  the six demo learners' sessions, and on the case manager's caseload ``/staff/learners/`` as
  tb.an (second factor passed in the session). Targets (QUALITY.md, Server): >= 300 requests/s,
  p99 <= 250 ms, and no answer but 200.
- memory: the peak resident set (VmHWM) of each server worker process after the load.
- --long: locust, headless, N simulated users for M minutes: learners browsing home, lessons,
  hours, appointments and their plan, one in ten a case manager on the caseload (see
  bench/_locustfile.py). Targets: 0 errors, p95 <= 300 ms.
- the PostgreSQL connections opened during each load, per request: ~0 when connections persist.

The production shape measured by default is the one the README recommends: uvicorn with one
worker process per core (``--server uvicorn --workers 2``) in front of the ASGI application.
``--server daphne`` measures the single daphne process for comparison, and ``--server gunicorn``
the pages under a WSGI server (``portal.wsgi``; sockets would then need an ASGI server beside it,
behind a proxy routing ``/ws/``): what the ASGI layer costs a page.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _portal import PYTHON, ROOT, fresh_postgres, manage, portal_env, prepare, wait_healthy
from _table import Row, render

LEARNERS = [f"INB-2026-000{n}" for n in range(1, 7)]
CASE_MANAGERS = ["tb.an", "tb.youssef"]
DATABASE = "portal_bench_server"
ASGI_APP = "portal.asgi:application"

# A session as the sign-in leaves it; for staff also the second factor as django-otp records it
# once the six-digit code was right (the demo staff get a confirmed TOTP device here if none).
SESSIONS_SNIPPET = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from portal.accounts.models import User
for username in {usernames!r}:
    user = User.objects.get(username=username)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_staff_role:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        s[DEVICE_ID_SESSION_KEY] = device.persistent_id
    s.create()
    print("SESSION", username, s.session_key)
"""

# wrk: each request carries one of the sessions in turn; done() prints the figures as one line.
# Any answer but 200 counts (a redirect to the sign-in page would be a lost session).
WRK_SCRIPT = """
local sessions = {%(sessions)s}
local threads = {}
local n = 0
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non200 = 0
end
function request()
  n = n + 1
  local headers = {}
  headers["Cookie"] = "sessionid=" .. sessions[(n %% #sessions) + 1]
  headers["Accept-Encoding"] = "gzip"
  return wrk.format("GET", "%(path)s", headers)
end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non200") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format("RESULT requests=%%d seconds=%%f p50=%%f p99=%%f non200=%%d errors=%%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, bad, errors))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    non200: int
    errors: int
    connections_opened: int


def server_command(server: str, port: int, workers: int) -> list[str]:
    if server == "daphne":
        return [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), ASGI_APP]
    if server == "uvicorn":
        # Channels' router has no lifespan protocol; no access log (a line per request costs).
        # Keep-alive as the README's production command: longer than a phone's pause between
        # pages, or the server closes an idle connection just as the next request goes out on it.
        return [
            PYTHON, "-m", "uvicorn", ASGI_APP, "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--lifespan", "off",
            "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "75",
        ]  # fmt: skip
    if server == "gunicorn":
        return [
            PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--log-level", "warning",
        ]  # fmt: skip
    raise SystemExit(f"unknown server {server!r}")


def serve(env: dict[str, str], server: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        server_command(server, port, workers),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Every worker up: several probes, since each worker answers for itself.
    return wait_healthy(process, port, seconds=60, probes=1 + 4 * workers)


def worker_pids(root: int) -> list[int]:
    """The processes that answer requests: the children of a supervisor, else the server."""
    children: list[int] = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if int(fields.get("PPid", "0").strip()) == root:
            # uvicorn's multiprocessing also starts a resource tracker: not a worker.
            cmdline = (status.parent / "cmdline").read_bytes()
            if b"resource_tracker" not in cmdline:
                children.append(int(status.parent.name))
    return children or [root]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def sessions_opened(url: str) -> int:
    """PostgreSQL sessions ever opened on the bench database (pg_stat_database, PostgreSQL 14+)."""
    for _ in range(20):  # PostgreSQL may be out of connections for a moment (that is a finding)
        out = subprocess.run(
            [
                "psql",
                url,
                "-Atc",
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()",
            ],
            capture_output=True,
            text=True,
        )
        if out.returncode == 0:
            return int(out.stdout.strip())
        time.sleep(0.5)
    raise RuntimeError(out.stderr)


def wrk(
    port: int, path: str, sessions: list[str], *, seconds: int, connections: int, db: str
) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT % {"sessions": ", ".join(f'"{key}"' for key in sessions), "path": path}
        )
    try:
        before = sessions_opened(db)
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        opened = sessions_opened(db) - before
    finally:
        os.unlink(script.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    fields = dict(item.split("=") for item in line.split()[1:])
    requests = int(fields["requests"])
    return Load(
        requests=requests,
        per_second=requests / float(fields["seconds"]),
        p50_ms=float(fields["p50"]),
        p99_ms=float(fields["p99"]),
        non200=int(fields["non200"]),
        errors=int(fields["errors"]),
        connections_opened=opened,
    )


def locust(
    port: int, learners: list[str], staff: list[str], *, users: int, minutes: float, scratch: Path
) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_LEARNER_SESSIONS": ",".join(learners),
        "BENCH_STAFF_SESSIONS": ",".join(staff),
    }
    prefix = scratch / "locust"
    subprocess.run(
        [
            str(Path(PYTHON).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "_locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 10)),
            "--run-time",
            f"{int(minutes * 60)}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        by_name = {row["Name"]: row for row in csv.DictReader(stats)}
    total = by_name.pop("Aggregated")
    # Which page makes the tail: each page's p95, slowest first.
    pages = sorted(by_name.values(), key=lambda row: -float(row["95%"]))
    # Which requests failed and how, so a failure count in the table comes with its cause.
    with open(f"{prefix}_failures.csv", newline="") as failures:
        kinds = [
            f"{row['Occurrences']} x {row['Name']}: {row['Error'][:120]}"
            for row in csv.DictReader(failures)
        ]
    return {
        "requests": float(total["Request Count"]),
        "failures": float(total["Failure Count"]),
        "per_second": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "failure_kinds": "; ".join(kinds),
        "page_p95": ", ".join(f"{row['Name']} {float(row['95%']):.0f}" for row in pages),
    }


def measure(
    *,
    long: bool = False,
    server: str = "uvicorn",
    workers: int = 2,
    port: int = 8093,
    seconds: int = 30,
    warmup: int = 5,
    connections: int = 32,
    users: int = 200,
    minutes: float = 10,
) -> list[Row]:
    shape = f"{server}" + (f", {workers} workers" if server != "daphne" else ", 1 process")
    with tempfile.TemporaryDirectory(prefix="portal-bench-server-") as scratch_dir:
        scratch = Path(scratch_dir)
        env = portal_env(scratch / "data", port)
        env["PORTAL_DATABASE_URL"] = fresh_postgres(DATABASE)
        env["PORTAL_REDIS_URL"] = os.environ.get("PORTAL_BENCH_REDIS", "redis://127.0.0.1:6379/5")
        env["PORTAL_REDIS_PREFIX"] = "bench-server"
        prepare(env)
        out = manage(
            env, "shell", "-c", SESSIONS_SNIPPET.format(usernames=LEARNERS + CASE_MANAGERS)
        )
        keys = dict(line.split()[1:3] for line in out.splitlines() if line.startswith("SESSION"))
        learners = [keys[name] for name in LEARNERS]
        staff = [keys[name] for name in CASE_MANAGERS]
        db = env["PORTAL_DATABASE_URL"]
        process = serve(env, server, port, workers)
        rows: list[Row] = []
        try:
            pages = [
                ("learner dashboard /", "/", learners),
                ("case manager's caseload /staff/learners/", "/staff/learners/", staff[:1]),
            ]
            for what, path, sessions in pages:
                wrk(port, path, sessions, seconds=warmup, connections=connections, db=db)
                load = wrk(port, path, sessions, seconds=seconds, connections=connections, db=db)
                note = (
                    f"{shape}; wrk {connections} connections, {seconds} s after {warmup} s "
                    f"warm-up, {len(sessions)} session(s), gzip"
                )
                rows += [
                    Row("server", f"{what}: throughput", load.per_second, "req/s", ">= 300", note),
                    Row("server", f"{what}: p50", load.p50_ms, "ms", "", note),
                    Row("server", f"{what}: p99", load.p99_ms, "ms", "<= 250", note),
                    Row(
                        "server",
                        f"{what}: answers other than 200 and socket errors",
                        load.non200 + load.errors,
                        "count",
                        "== 0",
                        f"{load.requests:,} requests",
                    ),
                    Row(
                        "server",
                        f"{what}: PostgreSQL connections opened during the load",
                        load.connections_opened,
                        "count",
                        "",
                        f"per request {load.connections_opened / max(1, load.requests):.3f}; "
                        "persistent connections: about 0",
                    ),
                ]
            if long:
                figures = locust(
                    port, learners, staff, users=users, minutes=minutes, scratch=scratch
                )
                note = (
                    f"{shape}; locust {users} users for {minutes:g} min, "
                    f"{figures['requests']:,.0f} requests, {figures['per_second']:.0f} req/s, "
                    f"p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms"
                )
                rows += [
                    Row(
                        "server",
                        f"{users} users: errors",
                        figures["failures"],
                        "count",
                        "== 0",
                        f"{note}; failed: {figures['failure_kinds'] or 'none'}",
                    ),
                    Row(
                        "server",
                        f"{users} users: p95",
                        figures["p95"],
                        "ms",
                        "<= 300",
                        f"{note}; p95 per page (ms): {figures['page_p95']}",
                    ),
                ]
            for pid in worker_pids(process.pid):
                rows.append(
                    Row(
                        "memory",
                        f"peak RSS (VmHWM) of server worker {pid}",
                        peak_rss_mib(pid),
                        "MiB",
                        "",
                        f"{shape}; after the load; proposed budget <= 300 MiB per worker",
                    )
                )
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="also the locust run (slow)")
    parser.add_argument("--server", choices=["uvicorn", "daphne", "gunicorn"], default="uvicorn")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--seconds", type=int, default=30, help="each wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of wrk before each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--users", type=int, default=200, help="locust users (--long)")
    parser.add_argument("--minutes", type=float, default=10, help="locust run time (--long)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    print(
        render(
            measure(
                long=options.long,
                server=options.server,
                workers=options.workers,
                port=options.port,
                seconds=options.seconds,
                warmup=options.warmup,
                connections=options.connections,
                users=options.users,
                minutes=options.minutes,
            )
        )
    )


if __name__ == "__main__":
    main()
