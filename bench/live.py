"""Live notifications over Channels: delivered <= 1 s after commit to 500 connected sockets.

    .venv/bin/python bench/live.py [--sockets 500] [--rounds 10]

The portal runs with production settings under daphne on a fresh PostgreSQL database
(``portal_bench_live``; PORTAL_BENCH_PG names the server) with Redis as channel layer
(db 6 of 127.0.0.1:6379, flushed first), with the demo data plus N buddies (``bench.buddy.NNN``,
role buddy, no second factor). Each buddy is linked as contact to the demo learner
INB-2026-0001 on the shared "Buddy project Leuven" and on an activity of their own. One asyncio
process opens one ``/ws/live/`` socket per buddy (its group is ``live.user.<id>``), all at once,
signed in by a session cookie of the production session engine; a refused or dropped handshake
is retried as ``static/js/live.js`` does (after 1 s, doubling), and the rows count the retries.

The writes are real: a trigger process (``manage.py shell``) calls
``learner.participation.services.hours_log`` for the learner, which records
``participation.hours.logged``; the notification service stores a notification per linked
contact and pushes it on commit. The trigger notes the commit time in the first on-commit hook
of its transaction (the pushes are later hooks), so a delay is exactly commit -> message read by
the client, including the push hooks' own work. Two patterns, each for ``rounds`` rounds:

- fan-out: one entry on the shared activity, which notifies all N buddies from one commit (a
  worst case: the server sends N notifications after one commit);
- spread: N entries, one transaction each, back to back, each on one buddy's own activity (the
  usual case: many independent events, each for one person).

A round waits for every socket's message (or 10 s) before the next. Target: every message
delivered, and the slowest within 1 s of its commit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import redis
from _portal import PYTHON, ROOT, fresh_postgres, manage, portal_env, prepare, serve
from _table import Row, render

REDIS_URL = "redis://127.0.0.1:6379/6"
ROUND_TIMEOUT = 10.0  # seconds a round waits for the last message before counting it lost
TARGET_MS = 1000
CONNECT_TIMEOUT = 180.0  # seconds for every socket to open, retries included

SETUP_SNIPPET = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
from django.conf import settings
from django.utils import timezone
from learner.participation import services
from learner.participation.models import Activity, ActivityKind
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User

coordinator = User.objects.get(username="coord.leuven")
jan = User.objects.get(username="buddy.jan")
learner = LearnerProfile.objects.get(user__username="INB-2026-0001")
shared = Activity.objects.get(title="Buddy project Leuven")
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
sessions, own = [], []
for n in range({sockets}):
    buddy = User(
        username=f"bench.buddy.{{n:03d}}", role=Role.BUDDY, agency=jan.agency,
        first_name="Bench", last_name=f"Buddy {{n}}", activated_at=timezone.now(),
    )
    buddy.set_unusable_password()
    buddy.save()
    services.contact_link(actor=coordinator, learner=learner, contact=buddy, activity=shared)
    activity = services.activity_publish(
        actor=coordinator, kind=ActivityKind.VOLUNTEERING, title=f"Bench volunteering {{n}}"
    )
    services.contact_link(actor=coordinator, learner=learner, contact=buddy, activity=activity)
    own.append(activity.pk)
    s = SessionStore()  # the production engine (cached_db): as a sign-in leaves it
    s[SESSION_KEY] = str(buddy.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = buddy.get_session_auth_hash()
    s.create()
    sessions.append(s.session_key)
print("SETUP", json.dumps({{"sessions": sessions, "shared": shared.pk, "own": own}}))
"""

# Reads one JSON list of activity ids per line; logs hours on each, one transaction each, and
# answers with the commit times (time.time(), the first on-commit hook: before any push) and the
# times its pushes were all handed to the channel layer.
TRIGGER_SNIPPET = """
import json, sys, time, uuid
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from learner.participation import services
from learner.profiles.models import LearnerProfile

learner = LearnerProfile.objects.get(user__username="INB-2026-0001")
print("READY", flush=True)
written = 0
for line in sys.stdin:
    committed, pushed = [], []
    for activity_id in json.loads(line):
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(time.time()))
            services.hours_log(
                learner=learner, activity_id=activity_id,
                day=timezone.localdate() - timedelta(days=written % 100), minutes=15,
                note="bench live", client_uuid=uuid.uuid4(), client_time=timezone.now(),
            )
        pushed.append(time.time())  # the on-commit hooks, the pushes among them, have run
        written += 1
    print("COMMITTED", json.dumps([committed, pushed]), flush=True)
"""


def raise_open_files(needed: int) -> None:
    """Room for the sockets at both ends (daphne inherits the limit from this process)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Sockets:
    """N open /ws/live/ sockets and the arrival time of every notification each one reads."""

    def __init__(self, port: int, sessions: list[str]) -> None:
        self.port, self.sessions = port, sessions
        # Per socket: the arrival time of each notification by its unread count, which numbers
        # the buddy's notifications (nobody reads them here): a lost one leaves a gap.
        self.arrivals: list[dict[int, float]] = [{} for _ in sessions]
        self.changed = asyncio.Event()
        self.closed = 0  # sockets the server closed after opening
        self.retries = 0  # refused or dropped opening handshakes

    async def run(self, http: aiohttp.ClientSession, opened: asyncio.Queue[int]) -> None:
        async def one(index: int, session_key: str) -> None:
            delay = 1.0
            while True:  # static/js/live.js: retry after 1 s, doubling, until open
                try:
                    ws = await http.ws_connect(
                        f"ws://127.0.0.1:{self.port}/ws/live/",
                        headers={
                            "Cookie": f"sessionid={session_key}",
                            "Origin": f"http://127.0.0.1:{self.port}",
                        },
                        heartbeat=None,
                    )
                    break
                except (aiohttp.ClientError, TimeoutError):
                    self.retries += 1
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 60)
            async with ws:
                opened.put_nowait(index)
                async for message in ws:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        continue
                    now = time.time()
                    data = json.loads(message.data)
                    if data.get("kind") == "notification":
                        self.arrivals[index][data["unread"]] = now
                        self.changed.set()
                self.closed += 1

        await asyncio.gather(*(one(i, key) for i, key in enumerate(self.sessions)))

    async def wait_for(self, number: int, deadline: float) -> None:
        """Until every socket has read its notification ``number``, or the deadline."""
        while any(number not in a for a in self.arrivals):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), timeout=remaining)
            except TimeoutError:
                return


class Trigger:
    """The write process: the portal's service layer, outside the server, as a task would be."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        if process.stdin is None or process.stdout is None:
            raise SystemExit("the trigger process has no pipes")
        self.process, self.stdin, self.stdout = process, process.stdin, process.stdout

    @classmethod
    async def start(cls, env: dict[str, str]) -> Trigger:
        process = await asyncio.create_subprocess_exec(
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            TRIGGER_SNIPPET,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        trigger = cls(process)
        await trigger._line("READY")
        return trigger

    async def _line(self, prefix: str) -> str:
        while True:
            line = (await self.stdout.readline()).decode()
            if not line:
                raise SystemExit("the trigger process ended")
            if line.startswith(prefix):
                return line[len(prefix) :]

    async def write(self, activity_ids: list[int]) -> tuple[list[float], list[float]]:
        """Commit times, and the times the pushes after each commit were all sent."""
        self.stdin.write((json.dumps(activity_ids) + "\n").encode())
        await self.stdin.drain()
        committed, pushed = json.loads(await self._line("COMMITTED"))
        return committed, pushed

    async def stop(self) -> None:
        self.stdin.close()
        await self.process.wait()


async def drive(
    port: int, env: dict[str, str], setup: dict[str, Any], rounds: int
) -> dict[str, Any]:
    sessions: list[str] = setup["sessions"]
    sockets = Sockets(port, sessions)
    connector = aiohttp.TCPConnector(limit=0)
    result: dict[str, Any] = {"fan-out": [], "fan-out sent": [], "spread": [], "expected": 0}
    async with aiohttp.ClientSession(connector=connector) as http:
        opened: asyncio.Queue[int] = asyncio.Queue()
        started = time.monotonic()
        reader = asyncio.create_task(sockets.run(http, opened))
        while opened.qsize() < len(sessions):
            if reader.done():
                reader.result()  # a socket's error
                raise SystemExit("the sockets closed before all were open")
            if time.monotonic() - started > CONNECT_TIMEOUT:
                raise SystemExit(f"{opened.qsize()} of {len(sessions)} sockets open, then gave up")
            await asyncio.sleep(0.05)
        result["connect_s"] = time.monotonic() - started
        result["retries"] = sockets.retries
        await asyncio.sleep(0.5)  # the last group_add settles on the server
        trigger = await Trigger.start(env)
        expected = 0
        for _ in range(rounds):
            # One commit, N recipients.
            (committed,), (pushed,) = await trigger.write([setup["shared"]])
            result["fan-out sent"].append(pushed - committed)
            expected += 1
            await sockets.wait_for(expected, time.monotonic() + ROUND_TIMEOUT)
            result["fan-out"].extend(
                a[expected] - committed for a in sockets.arrivals if expected in a
            )
            # N commits, one recipient each; socket i's activity is own[i].
            commits, _pushed = await trigger.write(setup["own"])
            expected += 1
            await sockets.wait_for(expected, time.monotonic() + ROUND_TIMEOUT)
            result["spread"].extend(
                a[expected] - commit
                for a, commit in zip(sockets.arrivals, commits, strict=True)
                if expected in a
            )
            await asyncio.sleep(0.2)
        await trigger.stop()
        result["expected"] = rounds * len(sessions)
        result["extra"] = sum(len(set(a) - set(range(1, expected + 1))) for a in sockets.arrivals)
        result["closed"] = sockets.closed
        reader.cancel()
    return result


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rows_for(pattern: str, delays: list[float], expected: int, what: str, note: str) -> list[Row]:
    ms = [d * 1000 for d in delays]
    base = f"{pattern} ({what})"
    if not ms:
        return [Row("live", f"{base}: delivered", 0, "count", f"== {expected}", note)]
    return [
        Row("live", f"{base}: delay after commit, p50", statistics.median(ms), "ms", note=note),
        Row("live", f"{base}: delay after commit, p95", quantile(ms, 0.95), "ms"),
        Row("live", f"{base}: delay after commit, p99", quantile(ms, 0.99), "ms"),
        Row("live", f"{base}: delay after commit, max", max(ms), "ms", f"<= {TARGET_MS}"),
        Row("live", f"{base}: delivered", len(ms), "count", f"== {expected}"),
    ]


def measure(*, sockets: int = 500, rounds: int = 10, port: int = 8767) -> list[Row]:
    raise_open_files(4 * sockets + 1024)
    redis.Redis.from_url(REDIS_URL).flushdb()  # this bench's own db: no groups left over
    with tempfile.TemporaryDirectory(prefix="portal-bench-live-") as scratch:
        env = portal_env(Path(scratch) / "data", port)
        env["PORTAL_DATABASE_URL"] = fresh_postgres("portal_bench_live")
        env["PORTAL_REDIS_URL"] = REDIS_URL
        prepare(env)
        out = manage(env, "shell", "-c", SETUP_SNIPPET.format(sockets=sockets))
        setup = json.loads(out.split("SETUP", 1)[1])
        server = serve(env, port)
        try:
            result = asyncio.run(drive(port, env, setup, rounds))
        finally:
            server.terminate()
            server.wait(timeout=10)
    params = f"{sockets} sockets, {rounds} rounds, one daphne + Redis pub/sub layer"
    note = (
        f"{params}; all open in {result['connect_s']:.1f} s, {result['retries']} retried; "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    if result["extra"] or result["closed"]:
        note += f"; {result['extra']} unexpected messages, {result['closed']} sockets closed"
    return [
        *rows_for(
            "fan-out",
            result["fan-out"],
            result["expected"],
            f"1 commit to {sockets} sockets",
            note,
        ),
        Row(
            "live",
            "fan-out: commit to the last message handed to Redis (the sender's part), median",
            statistics.median(result["fan-out sent"]) * 1000,
            "ms",
            note="the trigger's on-commit hooks: unread counts, then one publish per socket",
        ),
        *rows_for(
            "spread",
            result["spread"],
            result["expected"],
            f"{sockets} commits, 1 socket each",
            params,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8767)
    options = parser.parse_args()
    print(render(measure(sockets=options.sockets, rounds=options.rounds, port=options.port)))


if __name__ == "__main__":
    main()
