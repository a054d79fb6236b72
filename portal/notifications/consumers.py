"""One websocket per signed-in person, over which the server pushes live updates."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from portal.notifications.services import live_group_name

# Close codes in the application range (4000-4999), so the client knows not to retry blindly.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_SECOND_FACTOR = 4403


@database_sync_to_async
def second_factor_passed(session: Any, user: Any) -> bool:
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Server to client only. Fail closed: anonymous sockets and unverified staff are refused."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if user.is_staff_role and not await second_factor_passed(self.scope.get("session"), user):
            await self.close(code=CLOSE_SECOND_FACTOR)
            return
        self.group = live_group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Clients write through HTTP (idempotent commands); the socket only listens.
        return

    async def live_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["data"])
