"""Live free-slot updates: a socket joins the agendas its person may book or manage."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from learner.appointments.selectors import agendas_for
from learner.appointments.services.live import agenda_group
from portal.notifications.consumers import (
    CLOSE_SECOND_FACTOR,
    CLOSE_UNAUTHENTICATED,
    second_factor_passed,
)


@database_sync_to_async
def _agenda_ids(user: Any) -> list[int]:
    return list(agendas_for(user).values_list("pk", flat=True))


class SlotsConsumer(AsyncJsonWebsocketConsumer):
    """Server to client only; the messages carry slot keys and free counts, never names."""

    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if user.is_staff_role and not await second_factor_passed(self.scope.get("session"), user):
            await self.close(code=CLOSE_SECOND_FACTOR)
            return
        for agenda_id in await _agenda_ids(user):
            group = agenda_group(agenda_id)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        return  # bookings go through HTTP (idempotent commands); the socket only listens

    async def live_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["data"])
