"""The trajectory as screens show it: plain structures with translated words, no queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from learner.profiles.models import LearnerProfile
from learner.trajectory import labels, rules, selectors
from learner.trajectory.forms import RECORD_FORMS
from learner.trajectory.models import Signal, TrajectoryState
from learner.trajectory.models.facts import DeadlineComponent, FeeItem, Source
from learner.trajectory.selectors import View
from portal.events.models import Event

# The dossier's audit trail shows the latest events; the full log is in the admin and the feed.
AUDIT_TRAIL_LENGTH = 50
# Enforcement data and residence/protection status: for agency staff only, never for the
# municipality's participation coordinator (who coaches pillar 4) nor the learner's own screens.
AGENCY_ONLY_FACTS = frozenset({"eligibility", "noncompliance"})


def euros(amount: Decimal) -> str:
    return f"€ {number_format(amount, decimal_pos=2)}"


@dataclass(frozen=True)
class PillarRow:
    pillar: str
    title: str
    status: str
    status_label: str
    done: bool
    met_on: date | None
    deadline: date | None
    what_counts: str
    if_missed: str


def pillar_rows(view: View) -> list[PillarRow]:
    trajectory, facts, rule_set = view.trajectory, view.facts, view.rule_set
    if trajectory is None or facts is None or rule_set is None:
        return []
    level = rule_set.nt2_adapted_level if facts.low_literate else rule_set.nt2_level
    params = {
        "level": level,
        "service": "Actiris" if facts.region == "brussels" else "VDAB",
        "hours": rule_set.participation_hours,
    }
    rows = []
    for pillar, state in trajectory.pillars.items():
        deadline = state.deadline or rules.component_deadline(facts, pillar, on=trajectory.on)
        optional = state.status == rules.Status.OPTIONAL
        rows.append(
            PillarRow(
                pillar=str(pillar),
                title=str(labels.PILLAR[pillar]),
                status=str(state.status),
                status_label=str(labels.STATUS[state.status]),
                done=state.status in rules.DONE,
                met_on=state.met_on,
                deadline=None if state.status in rules.DONE else deadline,
                what_counts=str(labels.WHAT_COUNTS[pillar]) % params,
                if_missed=str(labels.OPTIONAL_WHY if optional else labels.IF_MISSED[pillar]),
            )
        )
    return rows


def next_deadline_label(trajectory: rules.Trajectory | None) -> str:
    upcoming = trajectory.next_deadline if trajectory else None
    return str(labels.DEADLINE[upcoming.kind]) if upcoming else ""


@dataclass(frozen=True)
class CaseloadColumns:
    """A caseload row's trajectory cells, from the stored state (no rules run per row)."""

    pillars: list[tuple[str, str, str]]  # (pillar title, status label, status code)
    next_deadline: date | None
    next_deadline_label: str
    open_signals: int


def caseload_columns(state: TrajectoryState | None) -> CaseloadColumns | None:
    if state is None or not state.pillars:
        return None
    return CaseloadColumns(
        pillars=[
            (str(labels.PILLAR[pillar]), str(labels.STATUS[value["status"]]), value["status"])
            for pillar, value in state.pillars.items()
        ],
        next_deadline=state.next_deadline,
        next_deadline_label=str(labels.DEADLINE.get(state.next_deadline_kind, "")),
        open_signals=state.open_signals,
    )


@dataclass(frozen=True)
class FeeRow:
    item: str
    label: str
    amount: Decimal
    reason: str


def fee_rows(view: View) -> list[FeeRow]:
    if view.trajectory is None or view.rule_set is None:
        return []
    params = {
        "rate": euros(view.rule_set.nt2_fee_per_lestijd),
        "cap": euros(view.rule_set.nt2_fee_cap),
    }
    return [
        FeeRow(
            item=line.item,
            label=str(FeeItem(line.item).label),
            amount=line.amount,
            reason=str(labels.FEE_REASON[line.reason]) % params,
        )
        for line in view.trajectory.fee_lines
    ]


def payments(view: View) -> list[dict[str, Any]]:
    return [
        record["fields"]
        for record in view.data.get("records", [])
        if record["kind"] == "feepayment"
    ]


def fee_totals(view: View) -> tuple[Decimal, Decimal]:
    owed = sum((row.amount for row in fee_rows(view)), Decimal(0))
    paid = sum((Decimal(p["amount"]) for p in payments(view)), Decimal(0))
    return owed, paid


@dataclass(frozen=True)
class RecordRow:
    """One fact in the dossier: what it says, where it came from and how old it is."""

    kind: str
    title: str
    lines: list[tuple[str, str]]
    source: str
    updated_at: datetime | None
    recorded_by: str
    record_id: int
    status: str
    raw: dict[str, Any]


def short_date(value: str | None) -> str:
    """An ISO date from the snapshot, in the reader's format; a dash when there is none."""
    day = parse_date(value) if value else None
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def _display(model: Any, name: str, value: Any) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateField):
        return short_date(value)
    return str(value)


def record_rows(view: View, *, agency_staff: bool) -> list[RecordRow]:
    rows = []
    for record in view.data.get("records", []):
        if not agency_staff and record["kind"] in AGENCY_ONLY_FACTS:
            continue
        model = apps.get_model("trajectory", record["kind"])
        lines = []
        for name, value in record["fields"].items():
            if name in {"decided_by", "decided_at", "status"}:
                continue
            label = str(model._meta.get_field(name).verbose_name)
            lines.append((label[:1].upper() + label[1:], _display(model, name, value)))
        updated = record.get("updated_at")
        rows.append(
            RecordRow(
                kind=record["kind"],
                title=str(model._meta.verbose_name).capitalize(),
                lines=lines,
                source=str(dict(Source.choices).get(record["source"], record["source"])),
                updated_at=parse_datetime(updated) if isinstance(updated, str) else updated,
                recorded_by=record["recorded_by"],
                record_id=record["id"],
                status=record["fields"].get("status", ""),
                raw=record["fields"],
            )
        )
    return rows


def dossier_context(profile: LearnerProfile, *, agency_staff: bool) -> dict[str, Any]:
    """What the staff dossier shows of the trajectory: the state, the events, the signals.

    Signals, eligibility and non-compliance records only for agency staff (``agency_staff``).
    """
    view = selectors.view_of(profile)
    trajectory = view.trajectory
    events = Event.objects.filter(learner_id=profile.user_id).select_related("actor")
    if not agency_staff:
        events = events.exclude(code__startswith="trajectory.signal.")
    signals = (
        list(Signal.objects.filter(learner=profile).order_by("-raised_on", "-id"))
        if agency_staff
        else []
    )
    latest_events = events.order_by("-id")[:AUDIT_TRAIL_LENGTH]
    records = record_rows(view, agency_staff=agency_staff)
    attest = view.data.get("attest")
    owed, paid = fee_totals(view)
    components = dict(DeadlineComponent.choices)
    return {
        "view": view,
        "trajectory": trajectory,
        "pillars": pillar_rows(view),
        "records": records,
        "planned_sessions": [
            (
                r.record_id,
                _display(apps.get_model("trajectory", r.kind), "kind", r.raw["kind"]),
                short_date(r.raw["session_on"]),
            )
            for r in records
            if r.kind == "examsession" and r.raw["outcome"] == "planned"
        ],
        "pending_decisions": [r for r in records if r.status == "requested"],
        "signals": [(s, labels.SIGNAL.get(s.code, s.code)) for s in signals],
        "events": [(e, labels.EVENT.get(e.code, e.code)) for e in latest_events],
        "deadline_changes": [
            {
                **change,
                "component": components.get(change["component"], change["component"]),
                "previous": short_date(change["previous"]),
                "new": short_date(change["new"]),
            }
            for change in view.data.get("deadline_changes", [])
        ],
        "advices": [parse_datetime(a["sent_at"]) for a in view.data.get("advices", [])],
        "attest": attest,
        "attest_on": parse_date(view.data["attest"]["attest_on"])
        if view.data.get("attest")
        else None,
        "owed": owed,
        "paid": paid,
        "record_kinds": [
            (kind, str(form._meta.model._meta.verbose_name).capitalize())
            for kind, form in RECORD_FORMS.items()
        ],
    }
