"""Live updates of free slots, sent after commit to everyone looking at an agenda."""

from __future__ import annotations

from learner.appointments.models import Agenda, Slot
from learner.appointments.selectors import Offer
from portal.notifications.services import group_send_after_commit


def agenda_group(agenda_id: int) -> str:
    return f"slots.agenda.{agenda_id}"


def slot_changed(slot: Slot) -> None:
    """Free places of one slot: no names, nothing about who booked."""

    free = Slot.objects.values_list("capacity", "booked").get(pk=slot.pk)
    offer = Offer(
        slot.agenda,
        slot.starts_at,
        slot.ends_at,
        slot.purpose,
        slot.mode,
        slot.place,
        free[0],
        free[0] - free[1],
    )
    group_send_after_commit(
        group=agenda_group(slot.agenda_id),
        data={"kind": "slot", "slot": offer.key, "free": offer.free},
    )


def agenda_changed(agenda: Agenda) -> None:
    """Hours or closures changed: open pages fetch their list again."""
    group_send_after_commit(
        group=agenda_group(agenda.pk), data={"kind": "agenda", "agenda": agenda.pk}
    )
