"""The text of each kind of notification, translated when it is shown."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Promise] = {
    "accounts.user.activated": _("%(learner)s activated their account."),
    "profiles.caseload.assigned": _("%(case_manager)s is now your case manager."),
    "trajectory.contract.signed": _("Your integration contract is signed. See where you stand."),
    "trajectory.pillar.met": _("Well done: %(pillar)s is done."),
    "trajectory.exemption.decided": _("Your exemption request has an answer."),
    "trajectory.suspension.decided": _("Your request to pause your trajectory has an answer."),
    "trajectory.attest.issued": _("Your attest is issued."),
    "trajectory.advice.sent": _("The agency sent its advice about your trajectory."),
    "trajectory.deadline.changed": _("A date in your contract changed."),
    "participation.hours.logged": _("%(learner)s logged hours for you to confirm."),
    "participation.hours.decided": _("Your buddy or host answered about your hours."),
    "lessons.absence.nudged": _(
        "%(learner)s missed %(absent_pct)s%% of their MO contact sessions. Maybe they need support."
    ),
    "appointments.booking.made": _("%(learner)s booked: %(purpose)s, %(starts_at)s."),
    "appointments.booking.cancelled": _("%(learner)s cannot come: %(purpose)s, %(starts_at)s."),
    "appointments.booking.moved": _(
        "%(learner)s moved an appointment: %(purpose)s, %(starts_at)s."
    ),
    "appointments.slot.offered": _(
        "A time is free: %(purpose)s, %(starts_at)s. Book it before someone else does."
    ),
    "appointments.reminder.sent": _("Reminder: %(purpose)s, %(starts_at)s."),
    "plan.goal.proposed": _("%(who)s proposed a goal for the action plan. Look and confirm."),
    "plan.action.proposed": _("%(who)s proposed an action in the action plan. Look and confirm."),
    "plan.action.ticked": _("%(who)s ticked an action in the action plan."),
    "plan.field.changed": _("%(who)s changed something in the action plan. Look and confirm."),
    "plan.changes.confirmed": _("%(who)s confirmed changes in the action plan."),
    "plan.review.opened": _(
        "%(who)s changed the same thing in the action plan at the same time. "
        "Choose together which version to keep."
    ),
    "plan.review.joined": _("%(who)s added a version to review in the action plan."),
    "plan.review.resolved": _("%(who)s chose which version to keep in the action plan."),
}


def _appointment_params(params: dict[str, Any]) -> dict[str, Any]:
    # Imported here: the learner apps build on notifications, not the reverse.
    from learner.appointments.models import Purpose

    shown = dict(params)
    if params.get("purpose") in Purpose.values:
        shown["purpose"] = Purpose(params["purpose"]).label
    starts_at = parse_datetime(str(params.get("starts_at", "")))
    if starts_at is not None:
        shown["starts_at"] = formats.date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")
    return shown


def notification_text(code: str, params: dict[str, Any]) -> str:
    """The message in the active language; unknown codes still say something useful."""
    template = MESSAGES.get(code)
    if template is None:
        return str(_("You have a new message."))
    if "pillar" in params:
        # Imported here: the learner apps build on notifications, not the reverse.
        from learner.trajectory.labels import PILLAR

        params = {**params, "pillar": PILLAR.get(params["pillar"], params["pillar"])}
    if "purpose" in params or "starts_at" in params:
        params = _appointment_params(params)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(_("You have a new message."))
