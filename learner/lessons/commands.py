"""The lesson commands of the offline outbox (see ``portal.sync.registry``): progress and
practice rounds from learners, attendance from teachers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from learner.lessons import selectors
from learner.lessons.models import Lesson, Presence
from learner.lessons.services import groups, study
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role
from portal.sync.registry import Context, Rejected, command


def _learner(context: Context) -> LearnerProfile:
    profile = LearnerProfile.objects.filter(user=context.user).first()
    if profile is None:
        raise Rejected("no_dossier", _("Your dossier is not available yet. Ask your case manager."))
    return profile


def _lesson(profile: LearnerProfile, payload: dict[str, Any]) -> Lesson:
    try:
        lesson_id = int(payload["lesson"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    lesson = selectors.lesson_for_learner(learner=profile, lesson_id=lesson_id)
    if lesson is None:
        raise Rejected("not_found", _("This lesson is no longer available."))
    return lesson


@command("lessons.progress.record", roles={Role.LEARNER})
def progress_record(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{lesson, step: opened|completed, language}`` → ``{progress}``."""
    profile = _learner(context)
    lesson = _lesson(profile, payload)
    progress = study.progress_record(
        learner=profile,
        lesson=lesson,
        step=str(payload.get("step", "")),
        language=str(payload.get("language") or context.user.preferred_language),
        client_uuid=context.uuid,
        client_time=context.client_time,
    )
    return {"progress": progress.pk}


@command("lessons.practice.submit", roles={Role.LEARNER})
def practice_submit(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{lesson, answers: [[question, choice], …]}`` → ``{attempt, correct, total}``."""
    profile = _learner(context)
    lesson = _lesson(profile, payload)
    try:
        answers = [(int(question), int(choice)) for question, choice in payload["answers"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    attempt = study.practice_submit(
        learner=profile,
        lesson=lesson,
        answers=answers,
        client_uuid=context.uuid,
        client_time=context.client_time,
    )
    return {"attempt": attempt.pk, "correct": attempt.correct, "total": attempt.total}


@command("lessons.attendance.record", roles={Role.TEACHER})
def attendance_record(context: Context, payload: dict[str, Any]) -> dict[str, Any]:
    """``{session, marks: {learner_id: present|absent|excused}}`` → ``{marked}``.

    Marked on the teacher's phone, often offline in the classroom; the phone's time is when the
    mark was made.
    """
    try:
        session_id = int(payload["session"])
        marks = {
            int(learner): str(presence) for learner, presence in dict(payload["marks"]).items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Something in this entry is missing or wrong.")) from exc
    if any(presence not in Presence.values for presence in marks.values()):
        raise ValidationError(_("Something in this entry is missing or wrong."))
    session = selectors.session_for_teacher(teacher=context.user, session_id=session_id)
    if session is None:
        raise Rejected("not_found", _("This session is no longer in your groups."))
    marked = groups.attendance_record(
        teacher=context.user, session=session, marks=marks, recorded_at=context.client_time
    )
    return {"marked": marked}
