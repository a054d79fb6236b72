"""Notifications derived from the event log, and live delivery after commit."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from portal.notifications.messages import notification_text
from portal.notifications.models import Notification

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.events.models import Event


def live_group_name(user_id: int) -> str:
    return f"live.user.{user_id}"


def live_send_after_commit(*, user_id: int, data: dict[str, Any]) -> None:
    """Send ``data`` to every open socket of the person after the current transaction commits.

    A rolled-back change is never announced. The payload must not carry personal details beyond
    what the recipient may see: it is the recipient's own socket, but it may be a shared phone.
    """

    transaction.on_commit(partial(_group_send, user_id, data))


def group_send_after_commit(*, group: str, data: dict[str, Any]) -> None:
    """Send ``data`` to every socket in ``group`` once the current transaction commits.

    For shared channels such as an agenda's free slots: the payload must carry no personal data.
    """
    transaction.on_commit(partial(_send, group, data))


def _group_send(user_id: int, data: dict[str, Any]) -> None:
    _send(live_group_name(user_id), data)


def _send(group: str, data: dict[str, Any]) -> None:
    _send_many([(group, data)])


def _send_many(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send each ``(group, data)`` in order, all from one event loop.

    ``async_to_sync`` runs each call on a new event loop, and the Redis layer opens a connection
    per loop: a few milliseconds a call. One call per message made the last of 500 recipients of
    one event wait seconds; one call for all of them costs a fraction of a millisecond each.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, data in messages:
            await layer.group_send(group, {"type": "live.message", "data": data})

    send = async_to_sync(send_all)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()  # the usual case: a sync view or task, no loop in this thread
        return
    # This thread runs an event loop (an async caller, a browser-test driver): async_to_sync
    # cannot nest in it, so a helper thread sends.
    worker = threading.Thread(target=send, name="live-send", daemon=True)
    worker.start()
    worker.join(timeout=5)


@dataclass(frozen=True)
class _Planned:
    recipient: User
    params: dict[str, Any]
    url: str


# Trajectory events the learner hears about, on their contract screen. Signals are not among
# them: enforcement data reaches the back office, not a phone that may be shared.
LEARNER_TRAJECTORY_CODES = frozenset(
    {
        "trajectory.contract.signed",
        "trajectory.pillar.met",
        "trajectory.exemption.decided",
        "trajectory.suspension.decided",
        "trajectory.attest.issued",
        "trajectory.advice.sent",
        "trajectory.deadline.changed",
    }
)


def _plan(event: Event) -> list[_Planned]:
    """Who hears about this event, with what details. Pure routing: no writes here."""
    if event.learner is None:
        return []
    if event.code in LEARNER_TRAJECTORY_CODES:
        if event.learner.activated_at is None or event.actor_id == event.learner_id:
            return []
        return [
            _Planned(
                recipient=event.learner,
                params=_trajectory_params(event),
                url=reverse("trajectory:timeline"),
            )
        ]
    if event.code in PARTICIPATION_CODES:
        return _participation_plan(event)
    if event.code in APPOINTMENT_CODES:
        return _appointment_plan(event)
    if event.code in PLAN_CODES:
        return _action_plan_routes(event)
    if event.code not in {
        "accounts.user.activated",
        "profiles.caseload.assigned",
        "lessons.absence.nudged",
    }:
        return []
    # Imported here: learner apps build on the portal's notifications, not the reverse.
    from learner.profiles.models import CaseloadAssignment

    assignment = (
        CaseloadAssignment.objects.select_related("case_manager", "learner")
        .filter(learner__user=event.learner, ended_at__isnull=True)
        .first()
    )
    if assignment is None:
        return []
    if event.code == "lessons.absence.nudged":
        # Support first: the case manager hears of it, the learner's phone does not.
        return [
            _Planned(
                recipient=assignment.case_manager,
                params={
                    "learner": event.learner.get_full_name() or event.learner.username,
                    "absent_pct": event.payload.get("absent_pct", 0),
                },
                url=reverse("profiles:learner_detail", args=[assignment.learner.dossier_number]),
            )
        ]
    if event.code == "accounts.user.activated":
        return [
            _Planned(
                recipient=assignment.case_manager,
                params={"learner": event.learner.get_full_name() or event.learner.username},
                url=reverse("profiles:learner_detail", args=[assignment.learner.dossier_number]),
            )
        ]
    if event.learner.activated_at is None:
        return []  # nobody to read it yet; the home screen shows the case manager anyway
    return [
        _Planned(
            recipient=event.learner,
            params={"case_manager": assignment.case_manager.display_name},
            url=reverse("shell:home"),
        )
    ]


# Participation: the linked contacts hear that hours wait; the learner hears the answer.
PARTICIPATION_CODES = frozenset({"participation.hours.logged", "participation.hours.decided"})


def _participation_plan(event: Event) -> list[_Planned]:
    # Imported here: learner apps build on the portal's notifications, not the reverse.
    from learner.participation.models import ContactLink
    from portal.accounts.models import User as Person

    learner = event.learner
    if learner is None:
        return []
    if event.code == "participation.hours.decided":
        if learner.activated_at is None:
            return []
        return [_Planned(recipient=learner, params={}, url=reverse("participation:home"))]
    contacts = Person.objects.filter(
        pk__in=ContactLink.objects.filter(
            learner__user=learner,
            activity_id=event.payload.get("activity"),
            ended_at__isnull=True,
        ).values("contact_id"),
        is_active=True,
    )
    return [
        _Planned(
            recipient=contact,
            params={"learner": learner.get_full_name() or learner.username},
            url=reverse("participation:confirm"),
        )
        for contact in contacts
    ]


# Appointments: the learner hears of reminders and freed times; the case manager of bookings
# others made in their agenda.
APPOINTMENT_CODES = frozenset(
    {
        "appointments.booking.made",
        "appointments.booking.cancelled",
        "appointments.booking.moved",
        "appointments.slot.offered",
        "appointments.reminder.sent",
    }
)


def _appointment_plan(event: Event) -> list[_Planned]:
    # Imported here: learner apps build on the portal's notifications, not the reverse.
    from learner.appointments.models import Agenda

    learner = event.learner
    if learner is None:
        return []
    params = {key: event.payload[key] for key in ("purpose", "starts_at") if key in event.payload}
    if event.code == "appointments.slot.offered":
        url = f"{reverse('appointments:book')}?purpose={event.payload.get('purpose', '')}"
        return [_Planned(recipient=learner, params=params, url=url)]
    if event.code == "appointments.reminder.sent":
        return [_Planned(recipient=learner, params=params, url=reverse("appointments:home"))]
    agenda = Agenda.objects.filter(pk=event.payload.get("agenda")).select_related("owner").first()
    owner = agenda.owner if agenda is not None else None
    if owner is None or owner.pk == event.actor_id or not owner.is_active:
        return []
    return [
        _Planned(
            recipient=owner,
            params={**params, "learner": learner.get_full_name() or learner.username},
            url=reverse(
                "appointments:staff_booking",
                args=[event.payload.get("moved_to") or event.payload["booking"]],
            ),
        )
    ]


# The action plan: each side hears what the other proposed, changed, confirmed, or left to review
# together; the plan's own words stay out of the message (the event carries ids only).
PLAN_CODES = frozenset(
    {
        "plan.goal.proposed",
        "plan.action.proposed",
        "plan.action.ticked",
        "plan.field.changed",
        "plan.changes.confirmed",
        "plan.review.opened",
        "plan.review.joined",
        "plan.review.resolved",
    }
)


def _action_plan_routes(event: Event) -> list[_Planned]:
    # Imported here: learner apps build on the portal's notifications, not the reverse.
    from learner.profiles.models import CaseloadAssignment

    learner, actor = event.learner, event.actor
    if learner is None or actor is None:
        return []
    params = {"who": actor.display_name}
    if event.payload.get("side") == "learner":
        assignment = (
            CaseloadAssignment.objects.select_related("case_manager", "learner")
            .filter(learner__user=learner, ended_at__isnull=True)
            .first()
        )
        if assignment is None or not assignment.case_manager.is_active:
            return []
        return [
            _Planned(
                recipient=assignment.case_manager,
                params=params,
                url=reverse("plan:learner", args=[assignment.learner.dossier_number]),
            )
        ]
    if learner.activated_at is None or actor.pk == learner.pk:
        return []
    return [_Planned(recipient=learner, params=params, url=reverse("plan:home"))]


def _trajectory_params(event: Event) -> dict[str, Any]:
    payload = event.payload
    params: dict[str, Any] = {}
    if "pillar" in payload:
        params["pillar"] = payload["pillar"]
    if "status" in payload:
        params["status"] = payload["status"]
    return params


def notifications_from_event(*, event: Event) -> list[Notification]:
    """Store the notifications an event causes and push each live once the transaction commits.

    Called by ``event_record`` inside the same transaction, so a notification exists exactly when
    its event does.
    """
    created = []
    pushes = []
    for planned in _plan(event):
        notification = Notification.objects.create(
            recipient=planned.recipient,
            event=event,
            code=event.code,
            params=planned.params,
            url=planned.url,
        )
        created.append(notification)
        with translation.override(planned.recipient.preferred_language):
            text = notification_text(event.code, planned.params)
        pushes.append(_Push(recipient_id=planned.recipient.pk, text=text, url=planned.url))
    if pushes:
        # One hook for all recipients: one count query and one send loop, however many they are.
        transaction.on_commit(partial(_push, pushes))
    return created


@dataclass(frozen=True)
class _Push:
    recipient_id: int
    text: str
    url: str


def _push(pushes: list[_Push]) -> None:
    # After commit: the unread counts include the new notification and nothing rolled back.
    unread = dict(
        Notification.objects.filter(
            recipient_id__in={push.recipient_id for push in pushes}, read_at__isnull=True
        )
        .order_by()  # no default ordering: it would split the groups
        .values("recipient_id")
        .annotate(count=Count("id"))
        .values_list("recipient_id", "count")
    )
    _send_many(
        [
            (
                live_group_name(push.recipient_id),
                {
                    "kind": "notification",
                    "text": push.text,
                    "url": push.url,
                    "unread": unread.get(push.recipient_id, 0),
                },
            )
            for push in pushes
        ]
    )


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
