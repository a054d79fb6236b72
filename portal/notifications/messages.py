"""The text of each kind of notification, translated when it is shown."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Promise] = {
    "accounts.user.activated": _("%(learner)s activated their account."),
    "profiles.caseload.assigned": _("%(case_manager)s is now your case manager."),
}


def notification_text(code: str, params: dict[str, Any]) -> str:
    """The message in the active language; unknown codes still say something useful."""
    template = MESSAGES.get(code)
    if template is None:
        return str(_("You have a new message."))
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(_("You have a new message."))
