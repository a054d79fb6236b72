"""The participation commands of the offline outbox (see ``portal.sync.registry``)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from learner.participation import qr, services
from learner.participation.models import NOTE_LENGTH, HourEntry, Via
from learner.profiles.models import LearnerProfile
from learner.trajectory.services.refresh import lock
from portal.accounts.models import Role
from portal.sync.registry import Context, Rejected, command


@command("participation.hours.log", roles={Role.LEARNER})
def hours_log(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{activity, day (YYYY-MM-DD), minutes, note?, supersedes?, qr?}`` → ``{entry}``.

    With ``qr`` (``{claim, receipt}``, see ``learner.participation.qr``) the entry arrives
    confirmed by the buddy who signed the receipt.
    """
    profile = LearnerProfile.objects.filter(user=context.user).first()
    if profile is None:
        raise Rejected("no_dossier", _("Your dossier is not available yet. Ask your case manager."))
    try:
        activity = int(payload["activity"])
        day = date.fromisoformat(str(payload["day"]))
        minutes = int(payload["minutes"])
        note = str(payload.get("note") or "")[:NOTE_LENGTH]
        supersedes = payload.get("supersedes")
        supersedes_id = None if supersedes is None or supersedes == "" else int(supersedes)
        vouched = payload.get("qr")
        if vouched is not None and not isinstance(vouched, dict):
            raise TypeError("qr")
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    if vouched:
        checked = qr.check(str(vouched.get("claim", "")), str(vouched.get("receipt", "")))
        same = (checked.command, checked.activity, checked.day, checked.minutes)
        if checked.learner_user != context.user or same != (
            str(context.uuid),
            activity,
            day,
            minutes,
        ):
            raise Rejected("bad_signature", _("The signed claim is not this entry."))
    # The learner's lock first: the buddy's phone may bring the same entry at the same moment.
    profile = lock(profile)
    entry = _entry(profile, context.uuid, activity, day, minutes)
    if entry is None:
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
    if vouched and not hasattr(entry, "confirmation"):
        services.hours_decide(
            contact=checked.buddy,
            entry_ids=[entry.pk],
            confirm=True,
            via=Via.QR,
            evidence=checked.evidence,
        )
    return {"entry": entry.pk}


@command("participation.hours.confirm_qr", roles={Role.BUDDY})
def hours_confirm_qr(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{claim, receipt}`` from the buddy's phone: the entry, confirmed (made if need be)."""
    checked = qr.check(str(payload.get("claim", "")), str(payload.get("receipt", "")))
    if checked.buddy != context.user:
        raise Rejected("bad_signature", _("This receipt was signed by someone else."))
    profile = LearnerProfile.objects.filter(user=checked.learner_user).first()
    if profile is None:
        raise Rejected("no_dossier", _("Your dossier is not available yet. Ask your case manager."))
    command_id = UUID(checked.command)
    profile = lock(profile)  # the learner's phone may bring the same entry at the same moment
    entry = _entry(profile, command_id, checked.activity, checked.day, checked.minutes)
    if entry is None:
        entry = services.hours_log(
            learner=profile,
            activity_id=checked.activity,
            day=checked.day,
            minutes=checked.minutes,
            note="",
            client_uuid=command_id,
            client_time=context.client_time,
        )
    if not hasattr(entry, "confirmation"):
        services.hours_decide(
            contact=context.user,
            entry_ids=[entry.pk],
            confirm=True,
            via=Via.QR,
            evidence=checked.evidence,
        )
    return {"entry": entry.pk}


def _entry(
    profile: LearnerProfile, client_uuid: UUID, activity: int, day: date, minutes: int
) -> HourEntry | None:
    """The entry the other phone's sync already made from the same signed claim, if any."""
    found = (
        HourEntry.objects.select_related("confirmation")
        .filter(learner=profile, client_uuid=client_uuid)
        .first()
    )
    if found is not None and (found.activity_id, found.day, found.minutes) != (
        activity,
        day,
        minutes,
    ):
        raise Rejected("conflict", _("Another entry has this id."))
    return found
