"""The live socket: who may open it, and that messages arrive only after commit."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portal.notifications.consumers import CLOSE_SECOND_FACTOR, CLOSE_UNAUTHENTICATED, LiveConsumer
from portal.notifications.services import live_send_after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(user: Any, session: dict[str, Any] | None = None) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    comm.scope["user"] = user
    comm.scope["session"] = session or {}
    return comm


def test_anonymous_socket_is_closed() -> None:
    async def scenario() -> tuple[bool, int | None]:
        comm = communicator(AnonymousUser())
        connected, code = await comm.connect()
        await comm.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, CLOSE_UNAUTHENTICATED)


def test_staff_without_second_factor_is_closed(case_manager: User) -> None:
    async def scenario(session: dict[str, Any]) -> tuple[bool, int | None]:
        comm = communicator(case_manager, session)
        connected, code = await comm.connect()
        await comm.disconnect()
        return connected, code

    assert async_to_sync(scenario)({}) == (False, CLOSE_SECOND_FACTOR)
    device = TOTPDevice.objects.create(user=case_manager, name="phone", confirmed=True)
    connected, _code = async_to_sync(scenario)({DEVICE_ID_SESSION_KEY: device.persistent_id})
    assert connected


def test_message_arrives_after_commit_and_never_on_rollback(learner: LearnerProfile) -> None:
    user = learner.user

    async def scenario() -> list[Any]:
        comm = communicator(user)
        connected, _ = await comm.connect()
        assert connected
        await _send(user.pk, rolled_back=True)
        nothing = await comm.receive_nothing(timeout=0.2)
        await _send(user.pk, rolled_back=False)
        received = await comm.receive_json_from(timeout=2)
        await comm.disconnect()
        return [nothing, received]

    assert async_to_sync(scenario)() == [True, {"code": "tests.live.ping"}]


async def _send(user_id: int, *, rolled_back: bool) -> None:
    from channels.db import database_sync_to_async

    @database_sync_to_async
    def write() -> None:
        try:
            with transaction.atomic():
                live_send_after_commit(user_id=user_id, data={"code": "tests.live.ping"})
                if rolled_back:
                    raise RuntimeError("roll back")
        except RuntimeError:
            pass

    await write()


def test_the_asgi_application_routes_sockets_with_the_session_user(learner: LearnerProfile) -> None:
    from django.test import Client

    from portal.asgi import application

    client = Client()
    client.force_login(learner.user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def connect(headers: list[tuple[bytes, bytes]]) -> bool:
        comm = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _code = await comm.connect()
        await comm.disconnect()
        return connected

    same_origin = (b"origin", b"http://localhost")
    assert async_to_sync(connect)([same_origin, (b"cookie", cookie)])
    assert not async_to_sync(connect)([same_origin])  # no session: anonymous
    # A page on another site cannot open a socket with the learner's cookie.
    assert not async_to_sync(connect)([(b"origin", b"https://evil.example"), (b"cookie", cookie)])
