"""The text of each kind of notification, translated when it is shown."""

from __future__ import annotations

from typing import Any

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
}


def notification_text(code: str, params: dict[str, Any]) -> str:
    """The message in the active language; unknown codes still say something useful."""
    template = MESSAGES.get(code)
    if template is None:
        return str(_("You have a new message."))
    if "pillar" in params:
        # Imported here: the learner apps build on notifications, not the reverse.
        from learner.trajectory.labels import PILLAR

        params = {**params, "pillar": PILLAR.get(params["pillar"], params["pillar"])}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(_("You have a new message."))
