"""What the bench scripts share: a portal with production settings on loopback."""

from __future__ import annotations

import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))  # the scripts import the portal's stdlib-only client


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
    for name in ("PORTAL_DATABASE_URL", "PORTAL_REDIS_URL", "PORTAL_BACKOFFICE_RATE"):
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


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "compilemessages", "--ignore", ".venv", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "demo_data", "--scratch-production")


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """daphne on loopback, once /healthz answers."""
    server = subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "portal.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return wait_healthy(server, port, seconds=30)


def wait_healthy(
    server: subprocess.Popen[bytes], port: int, *, seconds: float, probes: int = 1
) -> subprocess.Popen[bytes]:
    """``server`` once /healthz answers ``probes`` times in a row (one per worker, and more, for a
    server with several workers: each answers for itself); killed if it does not in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            for _ in range(probes):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the portal did not start")


def phone_context(playwright: Any, base: str, session_key: str) -> tuple[Any, Any]:
    """Debian's chromium, headless, and a phone-sized context signed in with ``session_key``."""
    browser = playwright.chromium.launch(
        executable_path=shutil.which("chromium"),
        args=["--headless=new", "--no-sandbox", "--disable-gpu"],
    )
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": base}])
    return browser, context


def start_portal(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    prepare(env)
    return serve(env, port)


def fresh_postgres(name: str) -> str:
    """A new, empty PostgreSQL database on loopback; its URL (PORTAL_BENCH_PG names the server)."""
    server = os.environ.get("PORTAL_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True)
    return f"{server}/{name}"


class Chaos:
    """The portal under random SIGKILLs: killed 0.05-0.6 s after each (re)start, started again.

    with Chaos(env, port, seed) as chaos:
        ...  # send while it dies and comes back
    chaos.kills
    """

    def __init__(self, env: dict[str, str], port: int, seed: int) -> None:
        self.env, self.port, self.seed = env, port, seed
        self.kills = 0
        self.server = serve(env, port)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        rng = random.Random(self.seed)  # noqa: S311 (repeatable kill times, not secrets)
        while not self._done.is_set():
            time.sleep(rng.uniform(0.05, 0.6))  # after each restart: mid-request, often
            if self._done.is_set():
                return
            self.server.send_signal(signal.SIGKILL)
            self.server.wait()
            self.kills += 1
            self.server = serve(self.env, self.port)

    def __enter__(self) -> Chaos:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.server.terminate()
        self.server.wait(timeout=10)
