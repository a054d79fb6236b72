"""How portfolio things read on a screen (and in a shared or printed portfolio): labels, titles,
the recognition tracker's rows, the staff access log's lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio import rules
from portfolio.models import Item, Kind, Recognition, RecognitionStep

# Titles of certificates the portal derives, by the kind of test (source_key "exam:<kind>:<pk>").
EXAM_TITLES: dict[str, Promise] = {
    "mo": gettext_lazy("MO test passed (social orientation)"),
    "mo_exemption": gettext_lazy("MO exemption test passed"),
    "nt2": gettext_lazy("Dutch (NT2) test passed"),
    "b1": gettext_lazy("Dutch B1 oral test passed"),
}
ATTEST_TITLE = gettext_lazy("Civic integration certificate (inburgeringsattest)")

DOCUMENT_LABELS: dict[str, Promise] = {
    "diploma_copy": gettext_lazy("A copy of the diploma"),
    "transcript": gettext_lazy("The list of courses and marks (transcript)"),
    "translation": gettext_lazy(
        "A sworn translation, if it is not in Dutch, English, French or German"
    ),
    "identity": gettext_lazy("A copy of my identity card or passport"),
    "application_form": gettext_lazy("The filled-in application form"),
}

STEP_HELP: dict[str, Promise] = {
    RecognitionStep.EXPLAIN: gettext_lazy(
        "NARIC-Vlaanderen compares a foreign diploma with a Flemish one. "
        "Your case manager can explain what it means for work or study."
    ),
    RecognitionStep.DOCUMENTS: gettext_lazy("Gather the documents in the checklist."),
    RecognitionStep.SUBMITTED: gettext_lazy(
        "NARIC confirms it received your application within 3 weeks."
    ),
    RecognitionStep.ACKNOWLEDGED: gettext_lazy(
        "NARIC decides within 4 months after it confirmed your complete application."
    ),
    RecognitionStep.DECIDED: gettext_lazy("You have the decision. Keep a copy here."),
}

# Kinds in the order the page shows them, with the kinds a learner may add themselves.
KIND_ORDER = (
    Kind.DIPLOMA,
    Kind.CERTIFICATE,
    Kind.WORK_EXPERIENCE,
    Kind.COMPETENCE,
    Kind.PARTICIPATION,
    Kind.PLAN_EVIDENCE,
    Kind.EVIDENCE,
)
LEARNER_KINDS = tuple(kind for kind in KIND_ORDER if kind != Kind.PARTICIPATION)

# What a staff member opened, by URL name (the access log's "what"); unknown names read as
# "your dossier".
ACCESS_LABELS: dict[str, Promise] = {
    "profiles:learner_detail": gettext_lazy("Your dossier"),
    "api:learner_trajectory": gettext_lazy("Your contract and where you stand"),
    "trajectory_staff:eligibility": gettext_lazy("Your contract: register and protection"),
    "trajectory_staff:contract": gettext_lazy("Your contract"),
    "trajectory_staff:deadline": gettext_lazy("Your contract: a deadline"),
    "trajectory_staff:referral": gettext_lazy("Your contract: a referral"),
    "trajectory_staff:record": gettext_lazy("Your contract: facts"),
    "trajectory_staff:exam_result": gettext_lazy("Your test results"),
    "trajectory_staff:decide": gettext_lazy("Your contract: a decision"),
    "trajectory_staff:attest": gettext_lazy("Your attest"),
    "trajectory_staff:advice": gettext_lazy("Advice to the authority"),
    "participation:proof_of": gettext_lazy("Your participation hours"),
    "accounts:activation_letter": gettext_lazy("Your activation letter"),
    "portfolio:staff_portfolio": gettext_lazy("Your portfolio"),
    "portfolio:file": gettext_lazy("A file in your portfolio"),
}
DOSSIER_LABEL = gettext_lazy("Your dossier")


def item_title(item: Item) -> str:
    """The title to show: derived certificates are named in the reader's language."""
    if item.source_key.startswith("exam:"):
        exam_kind = item.source_key.split(":")[1]
        title = str(EXAM_TITLES.get(exam_kind, item.title))
        return f"{title} · {item.level}" if item.level else title
    if item.source_key == "attest":
        return str(ATTEST_TITLE)
    return item.title


def kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def access_label(what: str) -> str:
    if what.startswith("plan"):
        return _("Your action plan")
    return str(ACCESS_LABELS.get(what, DOSSIER_LABEL))


@dataclass(frozen=True)
class StepRow:
    value: str
    label: str
    done: bool
    current: bool


@dataclass(frozen=True)
class Tracker:
    steps: list[StepRow]
    help: str
    documents: list[tuple[str, str, bool]]  # (code, label, have it)
    acknowledgement_due: date | None
    decision_due: date | None
    acknowledgement_late: bool
    decision_late: bool


def tracker(recognition: Recognition, *, today: date | None = None) -> Tracker:
    """The recognition steps with the current one, the checklist and the visible deadlines."""
    today = today or timezone.localdate()
    reached = rules.STEPS.index(recognition.step) if recognition.step in rules.STEPS else 0
    steps = [
        StepRow(value, str(label), index < reached, index == reached)
        for index, (value, label) in enumerate(RecognitionStep.choices)
    ]
    deadlines = rules.recognition_deadlines(
        submitted_on=recognition.submitted_on, acknowledged_on=recognition.acknowledged_on
    )
    checklist = rules.checklist_clean(recognition.checklist)
    return Tracker(
        steps=steps,
        help=str(STEP_HELP.get(recognition.step, "")),
        documents=[(code, str(DOCUMENT_LABELS[code]), checklist[code]) for code in checklist],
        acknowledgement_due=deadlines.acknowledgement_due,
        decision_due=deadlines.decision_due,
        acknowledgement_late=rules.is_overdue(
            deadlines.acknowledgement_due, answered_on=recognition.acknowledged_on, today=today
        ),
        decision_late=rules.is_overdue(
            deadlines.decision_due, answered_on=recognition.decided_on, today=today
        ),
    )


def groups(items: list[Item]) -> list[tuple[str, str, list[Item]]]:
    """(kind, label, items) in the page's order, every kind present (empty ones too)."""
    by_kind: dict[str, list[Item]] = {kind: [] for kind in KIND_ORDER}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    return [(kind, kind_label(kind), by_kind[kind]) for kind in by_kind]
