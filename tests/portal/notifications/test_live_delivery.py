"""Live delivery at scale: one event that notifies many people, and many sockets opening at once."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learner.participation import services
from learner.participation.models import Activity, ActivityKind
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Municipality, Role, User
from portal.notifications import services as notification_services
from portal.notifications.services import live_group_name

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def coordinator(make_staff: Callable[..., User], leuven: Municipality) -> User:
    return make_staff(Role.COORDINATOR, "coord", municipality=leuven)


@pytest.fixture
def activity(coordinator: User) -> Activity:
    return services.activity_publish(
        actor=coordinator, kind=ActivityKind.BUDDY, title="Buddy project Leuven"
    )


def link_buddies(
    make_staff: Callable[..., User],
    coordinator: User,
    learner: LearnerProfile,
    activity: Activity,
    count: int,
) -> list[User]:
    buddies = [make_staff(Role.BUDDY, f"buddy.{activity.pk}.{n}") for n in range(count)]
    for buddy in buddies:
        services.contact_link(actor=coordinator, learner=learner, contact=buddy, activity=activity)
    return buddies


def log_hours(learner: LearnerProfile, activity: Activity) -> None:
    services.hours_log(
        learner=learner,
        activity_id=activity.pk,
        day=timezone.localdate(),
        minutes=60,
        note="Walk",
        client_uuid=uuid.uuid4(),
        client_time=timezone.now(),
    )


def received_after(write: Callable[[], None], users: list[User]) -> list[dict[str, Any]]:
    """What each user's open socket reads when ``write`` runs: one event loop listens throughout,
    as a worker does (a pub/sub layer subscribes per loop)."""
    layer = get_channel_layer()

    async def scenario() -> list[dict[str, Any]]:
        channels = []
        for user in users:
            channel = await layer.new_channel()
            await layer.group_add(live_group_name(user.pk), channel)
            channels.append(channel)
        await sync_to_async(write)()
        return [(await asyncio.wait_for(layer.receive(c), timeout=5))["data"] for c in channels]

    return async_to_sync(scenario)()


@pytest.mark.django_db
def test_one_event_reaches_every_linked_buddy_with_their_own_unread_count(
    make_staff: Callable[..., User],
    coordinator: User,
    learner: LearnerProfile,
    activity: Activity,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    buddies = link_buddies(make_staff, coordinator, learner, activity, 3)
    other = services.activity_publish(
        actor=coordinator, kind=ActivityKind.LANGUAGE, title="Taalstage"
    )
    services.contact_link(actor=coordinator, learner=learner, contact=buddies[0], activity=other)
    with django_capture_on_commit_callbacks(execute=True):
        log_hours(learner, other)  # buddies[0] has one unread already

    def write() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            log_hours(learner, activity)

    messages = received_after(write, buddies)
    assert [m["unread"] for m in messages] == [2, 1, 1]
    assert {m["kind"] for m in messages} == {"notification"}
    assert all("Amal Haddad" in m["text"] for m in messages)


@pytest.mark.django_db
def test_the_push_after_commit_costs_the_same_for_many_recipients_as_for_one(
    make_staff: Callable[..., User],
    coordinator: User,
    learner: LearnerProfile,
    activity: Activity,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One count query and one event loop per event, however many people it notifies.

    A loop per message (and so a Redis connection per message) made the last of 500 recipients
    wait seconds after the commit.
    """
    calls = []
    real = notification_services.async_to_sync

    def counting(function: Any) -> Any:
        calls.append(function)
        return real(function)

    monkeypatch.setattr(notification_services, "async_to_sync", counting)
    alone = services.activity_publish(actor=coordinator, kind=ActivityKind.LANGUAGE, title="One")
    link_buddies(make_staff, coordinator, learner, alone, 1)
    link_buddies(make_staff, coordinator, learner, activity, 6)
    costs = []
    for target in (alone, activity):
        with django_capture_on_commit_callbacks() as callbacks:
            log_hours(learner, target)
        calls.clear()
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        costs.append((len(queries), len(calls)))
    assert costs[0] == costs[1]
    assert costs[1][1] == 1


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def run_with_redis(snippet: str, tmp_path: Path) -> str:
    """``snippet`` in a process of its own with the production channel layer (Redis db 6)."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORTAL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environ.update(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "PORTAL_REDIS_URL": "redis://127.0.0.1:6379/6",
            "PORTAL_REDIS_PREFIX": f"test-live-{secrets.token_hex(4)}",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", snippet],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr[-2000:]


needs_redis = pytest.mark.skipif(not redis_reachable(), reason="needs Redis on 127.0.0.1:6379")

# Every socket's connect adds it to its group: that many Redis commands at the same moment.
CONCURRENT_JOIN = """
import asyncio
from channels.layers import get_channel_layer

async def main():
    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range(300)]
    await asyncio.gather(*(layer.group_add(f"live.user.{n}", c) for n, c in enumerate(channels)))
    await asyncio.gather(
        *(layer.group_discard(f"live.user.{n}", c) for n, c in enumerate(channels))
    )
    print("JOINED", len(channels))

asyncio.run(main())
"""


@needs_redis
def test_the_redis_layer_takes_hundreds_of_sockets_joining_at_once(tmp_path: Path) -> None:
    assert "JOINED 300" in run_with_redis(CONCURRENT_JOIN, tmp_path)


# One event for 500 sockets on one worker: 500 messages for that worker at once, none dropped.
BURST = """
import asyncio
from channels.layers import get_channel_layer

async def main():
    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range(500)]
    for n, channel in enumerate(channels):
        await layer.group_add(f"live.user.{n}", channel)
    for n in range(500):
        await layer.group_send(f"live.user.{n}", {"type": "live.message", "data": n})
    got = 0
    try:
        for channel in channels:
            await asyncio.wait_for(layer.receive(channel), timeout=3)
            got += 1
    except TimeoutError:
        pass
    print("RECEIVED", got)

asyncio.run(main())
"""


@needs_redis
def test_one_worker_gets_every_message_of_a_burst_to_500_sockets(tmp_path: Path) -> None:
    assert "RECEIVED 500" in run_with_redis(BURST, tmp_path)


# A worker whose sockets hear nothing for a while: its receive waits on Redis all that time.
IDLE = """
import asyncio
from channels.layers import get_channel_layer

async def main():
    layer = get_channel_layer()
    channel = await layer.new_channel()

    async def later():
        await asyncio.sleep(7)
        await layer.send(channel, {"type": "live.message", "data": "late"})

    sender = asyncio.create_task(later())
    print("RECEIVED", (await layer.receive(channel))["data"])
    await sender

asyncio.run(main())
"""


@needs_redis
def test_an_idle_worker_keeps_receiving(tmp_path: Path) -> None:
    assert "RECEIVED late" in run_with_redis(IDLE, tmp_path)
