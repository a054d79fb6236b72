"""The participation commands of the offline outbox (see ``portal.sync.registry``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from learner.participation import services
from learner.participation.models import NOTE_LENGTH
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role
from portal.sync.registry import Context, Rejected, command


@command("participation.hours.log", roles={Role.LEARNER})
def hours_log(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{activity, day (YYYY-MM-DD), minutes, note?, supersedes?}`` → ``{entry}``."""
    profile = LearnerProfile.objects.filter(user=context.user).first()
    if profile is None:
        raise Rejected("no_dossier")
    try:
        activity = int(payload["activity"])
        day = date.fromisoformat(str(payload["day"]))
        minutes = int(payload["minutes"])
        note = str(payload.get("note") or "")[:NOTE_LENGTH]
        supersedes = payload.get("supersedes")
        supersedes_id = None if supersedes is None or supersedes == "" else int(supersedes)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    entry = services.hours_log(
        learner=profile,
        activity_id=activity,
        day=day,
        minutes=minutes,
        note=note,
        client_uuid=context.uuid,
        client_time=context.client_time,
        supersedes_id=supersedes_id,
    )
    return {"entry": entry.pk}
