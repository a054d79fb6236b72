"""The trajectory as screens show it: plain structures with translated words, no queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from learner.trajectory import labels, rules, selectors
from learner.trajectory.selectors import STAFF_ONLY_FACTS, View

# The dossier's audit trail shows the latest events; the full log is in the admin and the feed.
AUDIT_TRAIL_LENGTH = 50


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


@dataclass(frozen=True)
class FeeRow:
    item: str
    label: str
    amount: Decimal
    reason: str


def fee_rows(view: View) -> list[FeeRow]:
    if view.trajectory is None or view.rule_set is None:
        return []
    from learner.trajectory.models.facts import FeeItem

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
    return str(value)


def record_rows(view: View, *, staff: bool) -> list[RecordRow]:
    from learner.trajectory.models.facts import Source

    rows = []
    for record in view.data.get("records", []):
        if not staff and record["kind"] in STAFF_ONLY_FACTS:
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


def dossier_context(profile: Any, *, acting: bool) -> dict[str, Any]:
    """What the staff dossier shows of the trajectory: three queries (state, events, signals)."""
    from learner.trajectory.forms import RECORD_FORMS
    from learner.trajectory.models import Signal
    from portal.events.models import Event

    view = selectors.view_of(profile)
    trajectory = view.trajectory
    events = list(
        Event.objects.filter(learner_id=profile.user_id)
        .select_related("actor")
        .order_by("-id")[:AUDIT_TRAIL_LENGTH]
    )
    signals = list(Signal.objects.filter(learner=profile).order_by("-raised_on", "-id"))
    records = record_rows(view, staff=True)
    owed, paid = fee_totals(view)
    return {
        "view": view,
        "trajectory": trajectory,
        "pillars": pillar_rows(view),
        "deadlines": [
            (d, labels.DEADLINE[d.kind]) for d in (trajectory.deadlines if trajectory else [])
        ],
        "records": records,
        "planned_sessions": [
            r for r in records if r.kind == "examsession" and r.raw["outcome"] == "planned"
        ],
        "pending_decisions": [r for r in records if r.status == "requested"],
        "signals": [(s, labels.SIGNAL.get(s.code, s.code)) for s in signals],
        "events": [(e, labels.EVENT.get(e.code, e.code)) for e in events],
        "deadline_changes": view.data.get("deadline_changes", []),
        "advices": [parse_datetime(a["sent_at"]) for a in view.data.get("advices", [])],
        "attest": view.data.get("attest"),
        "fee_rows": fee_rows(view),
        "owed": owed,
        "paid": paid,
        "record_kinds": [
            (kind, str(form._meta.model._meta.verbose_name).capitalize())
            for kind, form in RECORD_FORMS.items()
        ],
    }
