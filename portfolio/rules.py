"""Pure rules of the portfolio: recognition deadlines and steps, derived items, the quota.

Plain data in, plain data out: no database, no clock (the caller passes "today").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from learner.trajectory.rules import add_months

# NARIC: the receipt is confirmed within 3 weeks of the application; the decision follows within
# 4 months of the complete file (the confirmed receipt) [DOMAIN: portfolio].
ACKNOWLEDGEMENT_WEEKS = 3
DECISION_MONTHS = 4

# The recognition steps in their order (values of models.RecognitionStep).
STEPS = ("explain", "documents", "submitted", "acknowledged", "decided")

# What an application for recognition of a foreign diploma asks for (codes; labels in presenters).
RECOGNITION_DOCUMENTS = (
    "diploma_copy",
    "transcript",
    "translation",
    "identity",
    "application_form",
)

# Exam kinds (trajectory.ExamKind values) that give a certificate once passed.
CERTIFIED_EXAMS = ("mo", "mo_exemption", "nt2", "b1")


# Recognition --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecognitionDeadlines:
    """When the answers are due; None until the step that starts the clock is reached."""

    acknowledgement_due: date | None
    decision_due: date | None


def recognition_deadlines(
    *, submitted_on: date | None, acknowledged_on: date | None
) -> RecognitionDeadlines:
    """Receipt due 3 weeks after sending; decision due 4 months after the confirmed receipt.

    Before the receipt is confirmed the decision is estimated from the day the application was
    sent (the earliest it can come), so the learner sees a date from the start.
    "N months after D" is the same day N months later, clamped to the month's end.
    """
    if submitted_on is None:
        return RecognitionDeadlines(None, None)
    acknowledgement = submitted_on + timedelta(weeks=ACKNOWLEDGEMENT_WEEKS)
    decision = add_months(acknowledged_on or submitted_on, DECISION_MONTHS)
    return RecognitionDeadlines(acknowledgement, decision)


def is_overdue(due: date | None, *, answered_on: date | None, today: date) -> bool:
    """An answer is late when its due day has passed and it has not come."""
    return due is not None and answered_on is None and today > due


def recognition_problems(
    *,
    step: str,
    submitted_on: date | None,
    acknowledged_on: date | None,
    decided_on: date | None,
    decision: str,
    today: date,
) -> dict[str, str]:
    """Field → code of what is missing or wrong for this step (empty when all is well).

    Codes: ``required`` (the step needs this date or the decision), ``future`` (a date after
    today), ``order`` (a date before the step it follows).
    """
    problems: dict[str, str] = {}
    reached = STEPS.index(step) if step in STEPS else 0
    needed = {
        "submitted_on": reached >= STEPS.index("submitted"),
        "acknowledged_on": reached >= STEPS.index("acknowledged"),
        "decided_on": reached >= STEPS.index("decided"),
        "decision": reached >= STEPS.index("decided"),
    }
    values: dict[str, date | str | None] = {
        "submitted_on": submitted_on,
        "acknowledged_on": acknowledged_on,
        "decided_on": decided_on,
        "decision": decision,
    }
    for field, required in needed.items():
        if required and not values[field]:
            problems[field] = "required"
    for field, day in (
        ("submitted_on", submitted_on),
        ("acknowledged_on", acknowledged_on),
        ("decided_on", decided_on),
    ):
        if day is not None and day > today:
            problems.setdefault(field, "future")
    if submitted_on and acknowledged_on and acknowledged_on < submitted_on:
        problems.setdefault("acknowledged_on", "order")
    earlier = acknowledged_on or submitted_on
    if earlier and decided_on and decided_on < earlier:
        problems.setdefault("decided_on", "order")
    return problems


def checklist_clean(checklist: object) -> dict[str, bool]:
    """The known documents with a yes/no each; unknown codes are dropped."""
    given = checklist if isinstance(checklist, dict) else {}
    return {code: bool(given.get(code)) for code in RECOGNITION_DOCUMENTS}


# Derived items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamFact:
    pk: int
    kind: str
    outcome: str
    level: str
    session_on: date
    location: str


@dataclass(frozen=True)
class ParticipationFact:
    """The confirmed hours of one activity (entries no correction replaced)."""

    activity_pk: int
    title: str
    host: str
    hours: Decimal
    first_day: date
    last_day: date


@dataclass(frozen=True)
class AttestFact:
    number: str
    attest_on: date


@dataclass(frozen=True)
class Derived:
    """An item the portal keeps in step with the facts; ``title`` is filled by the caller for
    exams and the attest (a translatable label), and is the activity's title otherwise."""

    source_key: str
    kind: str
    title: str
    place: str
    level: str
    hours: Decimal | None
    started_on: date | None
    ended_on: date | None


def exam_source_key(exam_kind: str, pk: int) -> str:
    return f"exam:{exam_kind}:{pk}"


def derived_items(
    *,
    exams: list[ExamFact],
    participation: list[ParticipationFact],
    attest: AttestFact | None,
) -> list[Derived]:
    """The certified items the facts give, each keyed by its source.

    Only a passed test gives a certificate (never a planned or failed one); an NT2 certificate
    carries its level. Participation gives one item per activity with confirmed hours.
    """
    found: list[Derived] = []
    for exam in exams:
        if exam.outcome != "passed" or exam.kind not in CERTIFIED_EXAMS:
            continue
        found.append(
            Derived(
                source_key=exam_source_key(exam.kind, exam.pk),
                kind="certificate",
                title="",
                place=exam.location,
                level=exam.level if exam.kind in {"nt2", "b1"} else "",
                hours=None,
                started_on=exam.session_on,
                ended_on=None,
            )
        )
    for activity in participation:
        if activity.hours <= 0:
            continue
        found.append(
            Derived(
                source_key=f"participation:{activity.activity_pk}",
                kind="participation",
                title=activity.title,
                place=activity.host,
                level="",
                hours=activity.hours,
                started_on=activity.first_day,
                ended_on=activity.last_day,
            )
        )
    if attest is not None:
        found.append(
            Derived(
                source_key="attest",
                kind="certificate",
                title="",
                place="",
                level="",
                hours=None,
                started_on=attest.attest_on,
                ended_on=None,
            )
        )
    return found


# Quota --------------------------------------------------------------------------------------------


def quota_allows(*, used: int, incoming: int, quota: int) -> bool:
    """Whether ``incoming`` more bytes fit next to ``used`` within ``quota``."""
    return incoming >= 0 and used + incoming <= quota
