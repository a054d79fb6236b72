"""Pushing live updates to a person's open pages, only once the change is committed."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def live_group_name(user_id: int) -> str:
    return f"live.user.{user_id}"


def live_send_after_commit(*, user_id: int, data: dict[str, Any]) -> None:
    """Send ``data`` to every open socket of the person after the current transaction commits.

    A rolled-back change is never announced. The payload must not carry personal details beyond
    what the recipient may see: it is the recipient's own socket, but it may be a shared phone.
    """

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                live_group_name(user_id), {"type": "live.message", "data": data}
            )

    transaction.on_commit(send)
