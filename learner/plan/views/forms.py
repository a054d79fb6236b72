"""The plan's forms, posted without JavaScript, turned into the outbox's commands.

Each form names what it does (``op``) and carries a command id rendered into the page, so a form
sent twice is applied once. The edit form of a goal or action carries, for each field, the value
the page showed (``was_<field>``): only the fields the person changed become edits, so an
untouched field never collides with the other side's change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from learner.plan.services.fields import fields_of


@dataclass(frozen=True)
class Command:
    uuid: str
    kind: str
    payload: dict[str, Any]


def _sub_uuid(command: str, part: str) -> str:
    """A stable id per field of one form: the same form sent twice gives the same ids."""
    try:
        parent = uuid.UUID(command)
    except ValueError:
        parent = uuid.uuid4()
    return str(uuid.uuid5(parent, part))


def commands_from(post: QueryDict) -> list[Command]:
    """The commands a posted plan form stands for (none for an unknown form)."""
    op = post.get("op", "")
    command = post.get("command", "")
    value = post.get
    payload: dict[str, Any]
    if op == "propose_goal":
        payload = {
            "domain": value("domain", ""),
            "framework_code": value("framework_code", ""),
            "title": value("title", ""),
        }
        return [Command(command, "plan.goal.propose", payload)]
    if op == "propose_action":
        payload = {
            "goal": value("goal", ""),
            "text": value("text", ""),
            "owner": value("owner", "learner"),
            "due_on": value("due_on", ""),
        }
        return [Command(command, "plan.action.propose", payload)]
    if op == "tick":
        payload = {
            "action": value("action", ""),
            "done": "done" in post,
            "base_revision": value("base_revision", ""),
        }
        return [Command(command, "plan.action.tick", payload)]
    if op == "confirm":
        return [Command(command, "plan.item.confirm", {"kind": value("kind"), "id": value("id")})]
    if op == "resolve":
        payload = {"review": value("review", ""), "value": value("value", "")}
        return [Command(command, "plan.review.resolve", payload)]
    if op == "edit":
        kind = "action" if value("kind") == "action" else "goal"
        return [
            Command(
                _sub_uuid(command, name),
                "plan.field.edit",
                {
                    "kind": kind,
                    "id": value("id", ""),
                    "field": name,
                    "value": value(name, ""),
                    "base_revision": value("base_revision", ""),
                },
            )
            for name in fields_of(kind)
            if name in post and _changed(value(name, ""), value(f"was_{name}", ""))
        ]
    return []


def _changed(new: str, was: str) -> bool:
    # Browsers send text areas with \r\n; the page rendered \n.
    return new.replace("\r\n", "\n").strip() != was.replace("\r\n", "\n").strip()
