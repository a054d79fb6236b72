"""The simulated users of ``bench/server.py --long`` (locust, headless).

Sessions are made by the bench beforehand and handed over in BENCH_LEARNER_SESSIONS and
BENCH_STAFF_SESSIONS (comma-separated session keys): the figure is the portal's pages under
load, not its sign-in (a PIN or password hash per request would be the whole cost).
Learners browse their screens with a phone's think time; case managers open the caseload.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

LEARNER_SESSIONS = [s for s in os.environ.get("BENCH_LEARNER_SESSIONS", "").split(",") if s]
STAFF_SESSIONS = [s for s in os.environ.get("BENCH_STAFF_SESSIONS", "").split(",") if s]
# A phone on mobile data asks for compressed pages, as every browser does.
HEADERS = {"Accept-Encoding": "gzip"}


class _Signed(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    sessions: list[str] = []

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", random.choice(self.sessions))  # noqa: S311

    def page(self, path: str) -> None:
        # Redirects would hide a lost session (to the sign-in page): each must answer 200 itself.
        with self.client.get(
            path, headers=HEADERS, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 0:  # no answer at all: say why (reset, timeout, ...)
                response.failure(f"no answer: {response.error!r}")
            elif response.status_code != 200:
                response.failure(f"status {response.status_code}")


class Learner(_Signed):
    weight = 9
    sessions = LEARNER_SESSIONS

    @task(4)
    def home(self) -> None:
        self.page("/")

    @task(2)
    def lessons(self) -> None:
        self.page("/lessons/")

    @task(2)
    def hours(self) -> None:
        self.page("/participation/")

    @task(1)
    def appointments(self) -> None:
        self.page("/appointments/")

    @task(1)
    def plan(self) -> None:
        self.page("/plan/")


class CaseManager(_Signed):
    weight = 1
    sessions = STAFF_SESSIONS

    @task
    def caseload(self) -> None:
        self.page("/staff/learners/")
