"""Applying outbox commands: each once, in the order sent, each in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from portal.events.services import event_record
from portal.sync.models import CommandStatus, DeviceKey, SyncCommand
from portal.sync.registry import COMMANDS, Conflict, Context, Rejected
from portal.sync.signatures import public_key


@dataclass
class Answer:
    uuid: str
    status: str  # applied, duplicate, rejected or conflict
    reason: str = ""
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)


def commands_apply(*, user: User, commands: list[dict[str, Any]]) -> list[Answer]:
    """Apply each command once; a command seen before is answered ``duplicate`` with its result.

    Each command commits (or not) with its record, so a lost answer costs nothing: the phone
    sends it again and gets the same answer. A UUID another person used is rejected, without
    telling what it was.
    """
    return [_apply(user, c["uuid"], c["type"], c["payload"], c["created_at"]) for c in commands]


def command_apply(*, user: User, command: str, kind: str, payload: dict[str, Any]) -> Answer:
    """One command from a form sent without JavaScript: the same write path as the outbox.

    ``command`` is the UUID rendered into the form, so a form sent twice is applied once; an
    unreadable one gets a fresh UUID (the write then simply happens once, now).
    """
    try:
        command_id = UUID(command)
    except ValueError:
        command_id = uuid4()
    [answer] = commands_apply(
        user=user,
        commands=[
            {"uuid": command_id, "type": kind, "payload": payload, "created_at": timezone.now()}
        ],
    )
    return answer


def _apply(
    user: User, uuid: UUID, kind: str, payload: dict[str, Any], client_time: datetime
) -> Answer:
    earlier = SyncCommand.objects.filter(uuid=uuid).first()
    if earlier is not None:
        return _replay(user, earlier)
    command_type = COMMANDS.get(kind)
    if command_type is None or user.role not in command_type.roles:
        return Answer(
            str(uuid), "rejected", "unknown_command", _("The portal cannot do this from here.")
        )
    record = SyncCommand(uuid=uuid, user=user, type=kind, client_time=client_time)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():  # the handler's writes go if it refuses
                    record.result = command_type.handler(
                        Context(user=user, uuid=uuid, client_time=client_time), payload
                    )
                    record.status = CommandStatus.APPLIED
            except Conflict as exc:
                record.status, record.reason, record.message = "conflict", exc.reason, exc.message
            except Rejected as exc:
                record.status, record.reason, record.message = "rejected", exc.reason, exc.message
            except ValidationError as exc:
                record.status, record.reason = CommandStatus.REJECTED, "invalid"
                record.message = " ".join(exc.messages)[:300]
            except IntegrityError:
                # A twin of this command committed its write first (it is answered below).
                record.status, record.reason = CommandStatus.CONFLICT, "concurrent"
                record.message = _("This was just sent from elsewhere. Look again.")
            record.save(force_insert=True)
    except IntegrityError:
        # The same command, sent twice at once: the other one was stored first.
        return _replay(user, SyncCommand.objects.get(uuid=uuid))
    return Answer(str(uuid), record.status, record.reason, record.message, record.result)


def _replay(user: User, earlier: SyncCommand) -> Answer:
    if earlier.user_id != user.pk:
        return Answer(
            str(earlier.uuid), "rejected", "uuid_taken", _("This id was used before. Try again.")
        )
    if earlier.status != CommandStatus.APPLIED:
        return Answer(str(earlier.uuid), earlier.status, earlier.reason, earlier.message)
    return Answer(str(earlier.uuid), "duplicate", result=earlier.result)


class SecretLocked(Exception):
    """Too many wrong PINs or passwords for this username from this address (django-axes):
    no secret is checked until the cool-off is over."""


def _buddy_proves_it_is_them(request: HttpRequest, user: User, secret: str) -> None:
    # Through authenticate(), as the sign-in form does: django-axes refuses while the username is
    # locked from this address and counts a wrong secret toward that same lock, so this endpoint
    # gives a guesser no extra tries.
    proven = authenticate(request, username=user.get_username(), password=secret)
    if getattr(request, "axes_locked_out", False):
        raise SecretLocked
    if proven is None or proven.pk != user.pk:
        raise ValidationError({"secret": [_("This is not your PIN or password.")]})


def device_key_register(
    *,
    request: HttpRequest,
    user: User,
    key_id: UUID,
    public_jwk: dict[str, Any],
    secret: str = "",
) -> DeviceKey:
    """Keep the public key a phone made; a buddy proves it is them with their PIN or password.

    ``request`` is the one that carries the secret: its address keys the sign-in lockout.
    The same key again changes nothing. Raises ``SecretLocked`` while the lockout holds.
    Emits ``sync.device_key.registered``.
    """
    if user.role not in {Role.LEARNER, Role.BUDDY}:
        raise ValidationError(_("Only learners and buddies sign on their phones."))
    if user.role == Role.BUDDY:
        _buddy_proves_it_is_them(request, user, secret)
    try:
        public_key(public_jwk)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError({"public_jwk": [_("This is not a key the portal can use.")]}) from exc
    with transaction.atomic():
        key, created = DeviceKey.objects.get_or_create(
            key_id=key_id, defaults={"user": user, "public_jwk": public_jwk}
        )
        if key.user_id != user.pk or key.public_jwk != public_jwk:
            raise ValidationError({"key_id": [_("This key id is taken.")]})
        if created:
            event_record(
                code="sync.device_key.registered",
                actor=user,
                learner=user if user.role == Role.LEARNER else None,
                agency=user.agency,
                payload={"key_id": str(key_id)},
            )
    return key
