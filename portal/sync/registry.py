"""The kinds of command the offline outbox may carry, registered by the apps that apply them.

A handler gets the person, the payload and the command's id and client time; it returns the
result to send back (small, no personal data beyond what the person sent) or raises:

- ``Rejected(reason, message)``: the write breaks a rule; retrying will not help;
- ``Conflict(reason, message)``: the world changed since the phone saw it (someone decided
  first); the person looks again.

A Django ``ValidationError`` counts as a rejection with reason ``invalid``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from portal.accounts.models import User


class Rejected(Exception):
    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason
        self.message = message


class Conflict(Rejected):
    pass


@dataclass(frozen=True)
class Context:
    user: User
    uuid: UUID
    client_time: datetime


Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class CommandType:
    handler: Handler
    roles: frozenset[str]


COMMANDS: dict[str, CommandType] = {}


def command(name: str, *, roles: set[str]) -> Callable[[Handler], Handler]:
    """Register ``handler`` for the command ``name``, allowed to people of ``roles``."""

    def register(handler: Handler) -> Handler:
        if name in COMMANDS:
            raise ValueError(f"Command {name!r} is registered twice.")
        COMMANDS[name] = CommandType(handler, frozenset(roles))
        return handler

    return register
