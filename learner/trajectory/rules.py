"""The rules of the integration trajectory as pure functions: facts and a rule set in, answers out.

No ORM and no clock: every function takes the facts, the rule set in force at signing, and (when
time matters) the day to judge on. Sources are DOMAIN.md and the seed lines it cites ([002 Lnnn]).
Every amount, deadline and threshold is a field of ``RuleSet``, never a literal in the logic.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Pillar(StrEnum):
    MO = "mo"
    NT2 = "nt2"
    WORK = "work"
    PARTICIPATION = "participation"


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    MET = "met"
    MET_LATE = "met-late"
    EXEMPT = "exempt"
    OPTIONAL = "optional"


# Statuses that count toward the attest.
DONE = frozenset({Status.MET, Status.MET_LATE, Status.EXEMPT, Status.OPTIONAL})

CEFR_ORDER = ("A1", "A2", "B1", "B2", "C1", "C2")


@dataclass(frozen=True)
class RuleSet:
    """Every parameter of the decree, valid for contracts signed from ``effective_from`` on."""

    effective_from: date
    mo_course_fee: Decimal = Decimal("90")
    mo_repeat_course_fee: Decimal = Decimal("0")
    mo_test_fee: Decimal = Decimal("90")
    mo_exemption_test_fee: Decimal = Decimal("90")
    nt2_fee_per_lestijd: Decimal = Decimal("1.50")
    nt2_fee_cap: Decimal = Decimal("180")
    nt2_utc_fee: Decimal = Decimal("180")
    nt2_retest_fee: Decimal = Decimal("90")
    b1_test_fee: Decimal = Decimal("90")
    vdab_registration_months: int = 2  # Flanders: VDAB within 2 months of signing
    actiris_registration_days: int = 60  # Brussels: Actiris within 60 days
    brussels_late_registration_signal: bool = False  # the text says "kunnen" [003 L297-299]
    participation_hours: int = 40
    nt2_level: str = "A2"
    nt2_adapted_level: str = "A1"  # for learners flagged low-literate [002 L292]
    b1_window_months: int = 24
    b1_lapse_continuous_months: int = 6
    working_age_from: int = 18
    working_age_until: int = 66  # exclusive: the legal pension age
    declaration_signature_required: bool = True
    # 2013 regime thresholds, kept for the "regular participation" signal and early nudges.
    attendance_min_obligated_pct: int = 80
    attendance_min_entitled_pct: int = 50
    absence_nudge_pct: int = 10
    absence_alert_pct: int = 20


def rule_set_in_force(rule_sets: Iterable[RuleSet], on: date) -> RuleSet:
    """The rule set with the latest ``effective_from`` on or before ``on`` (a signing date)."""
    candidates = [rules for rules in rule_sets if rules.effective_from <= on]
    if not candidates:
        raise LookupError(f"No rule set in force on {on.isoformat()}.")
    return max(candidates, key=lambda rules: rules.effective_from)


# Date arithmetic -------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the last day of that month (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


# Facts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Inclusive dates; ``end`` None means still running."""

    start: date
    end: date | None = None

    def days_until(self, day: date) -> int:
        """Days of this period that fall on or before ``day``."""
        if day < self.start:
            return 0
        last = day if self.end is None else min(self.end, day)
        return (last - self.start).days + 1

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ExamResult:
    """One test attempt. ``taken`` is False while the session is only planned (it costs already)."""

    taken_on: date
    passed: bool
    level: str = ""  # NT2: the CEFR level of the test
    taken: bool = True

    @property
    def failed(self) -> bool:
        return self.taken and not self.passed


@dataclass(frozen=True)
class Nt2Module:
    lestijden: int
    attended_lestijden: int | None = None  # reported by the provider when the module ends
    ended_on: date | None = None


@dataclass(frozen=True)
class Facts:
    """What is known about one learner's trajectory, as plain data."""

    signed_on: date
    richttermijn: date
    birth_date: date
    region: str  # "flanders" or "brussels"
    obligated: bool
    working: bool = False
    studying: bool = False
    low_literate: bool = False
    uitgeleerd: bool = False
    exemptions: frozenset[Pillar] = frozenset()
    suspensions: tuple[Period, ...] = ()
    mo_course_started: bool = False
    mo_repeat_courses: int = 0
    mo_tests: tuple[ExamResult, ...] = ()
    mo_exemption_screened: bool = False
    mo_exemption_tests: tuple[ExamResult, ...] = ()
    nt2_provider: str = "cvo"  # "cvo", "cbe" or "utc"
    nt2_modules: tuple[Nt2Module, ...] = ()
    nt2_tests: tuple[ExamResult, ...] = ()
    b1_tests: tuple[ExamResult, ...] = ()
    employment_service_registered_on: date | None = None
    # (day, hours) of each confirmed participation entry.
    participation: tuple[tuple[date, Decimal], ...] = ()
    activity_periods: tuple[Period, ...] = field(default=())  # work, training or study
    # Per-component deadlines agreed with the case manager in the contract.
    component_deadlines: tuple[tuple[Pillar, date], ...] = ()
    # What the case manager recorded as not complied with: (reason code, day).
    noncompliance: tuple[tuple[str, date], ...] = ()


# Suspensions -------------------------------------------------------------------------------------


def suspended_days(facts: Facts, *, before: date, on: date) -> int:
    """Days of suspension that started before ``before`` and have passed by ``on``."""
    return sum(period.days_until(on) for period in facts.suspensions if period.start <= before)


def is_suspended(facts: Facts, day: date) -> bool:
    return any(period.covers(day) for period in facts.suspensions)


def richttermijn(facts: Facts, *, on: date) -> date:
    """The guiding deadline, moved by every suspended day before it [DOMAIN: suspensions]."""
    return add_days(facts.richttermijn, suspended_days(facts, before=facts.richttermijn, on=on))


# Pillars -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PillarState:
    status: Status
    met_on: date | None = None
    deadline: date | None = None


def of_working_age(facts: Facts, rules: RuleSet, day: date) -> bool:
    return rules.working_age_from <= age_on(facts.birth_date, day) < rules.working_age_until


def _first_pass(results: Sequence[ExamResult], on: date) -> date | None:
    passed = [r.taken_on for r in results if r.taken and r.passed and r.taken_on <= on]
    return min(passed) if passed else None


def mo_state(facts: Facts, rules: RuleSet, on: date) -> PillarState:
    if Pillar.MO in facts.exemptions:
        return PillarState(Status.EXEMPT)
    passes = [
        day
        for day in (_first_pass(facts.mo_tests, on), _first_pass(facts.mo_exemption_tests, on))
        if day is not None
    ]
    if passes:
        return PillarState(Status.MET, met_on=min(passes))
    if facts.mo_course_started or any(r.taken and r.taken_on <= on for r in facts.mo_tests):
        return PillarState(Status.IN_PROGRESS)
    return PillarState(Status.OPEN)


def nt2_level_reached(facts: Facts, rules: RuleSet, level: str) -> bool:
    required = rules.nt2_adapted_level if facts.low_literate else rules.nt2_level
    return CEFR_ORDER.index(level) >= CEFR_ORDER.index(required)


def nt2_state(facts: Facts, rules: RuleSet, on: date) -> PillarState:
    """Met only by passing the test at A2 (or the adapted level): attendance never counts."""
    if Pillar.NT2 in facts.exemptions:
        return PillarState(Status.EXEMPT)
    passes = [
        r.taken_on
        for r in facts.nt2_tests
        if r.taken
        and r.passed
        and r.taken_on <= on
        and r.level in CEFR_ORDER
        and nt2_level_reached(facts, rules, r.level)
    ]
    if passes:
        return PillarState(Status.MET, met_on=min(passes))
    if facts.nt2_modules or any(r.taken and r.taken_on <= on for r in facts.nt2_tests):
        return PillarState(Status.IN_PROGRESS)
    return PillarState(Status.OPEN)


def registration_deadline(facts: Facts, rules: RuleSet, *, on: date) -> date:
    """VDAB within N months (Flanders) or Actiris within N days (Brussels), plus suspended days."""
    if facts.region == "brussels":
        base = add_days(facts.signed_on, rules.actiris_registration_days)
    else:
        base = add_months(facts.signed_on, rules.vdab_registration_months)
    return add_days(base, suspended_days(facts, before=base, on=on))


def work_state(facts: Facts, rules: RuleSet, on: date) -> PillarState:
    if Pillar.WORK in facts.exemptions:
        return PillarState(Status.EXEMPT)
    if facts.working:
        return PillarState(Status.MET, met_on=facts.signed_on)
    if not of_working_age(facts, rules, facts.signed_on):
        return PillarState(Status.OPTIONAL)
    deadline = registration_deadline(facts, rules, on=on)
    registered = facts.employment_service_registered_on
    if registered is not None and registered <= on:
        status = Status.MET if registered <= deadline else Status.MET_LATE
        return PillarState(status, met_on=registered, deadline=deadline)
    return PillarState(Status.OPEN, deadline=deadline)


def participation_hours(facts: Facts, on: date) -> Decimal:
    return sum((hours for day, hours in facts.participation if day <= on), Decimal(0))


def participation_state(facts: Facts, rules: RuleSet, on: date) -> PillarState:
    """40 confirmed hours; optional (counts as met) for working, studying or voluntary learners."""
    if Pillar.PARTICIPATION in facts.exemptions:
        return PillarState(Status.EXEMPT)
    if facts.working or facts.studying or not facts.obligated:
        return PillarState(Status.OPTIONAL)
    total = Decimal(0)
    for day, hours in sorted(facts.participation):
        if day > on:
            break
        total += hours
        if total >= rules.participation_hours:
            return PillarState(Status.MET, met_on=day, deadline=richttermijn(facts, on=on))
    status = Status.IN_PROGRESS if total > 0 else Status.OPEN
    return PillarState(status, deadline=richttermijn(facts, on=on))


def pillar_states(facts: Facts, rules: RuleSet, on: date) -> dict[Pillar, PillarState]:
    return {
        Pillar.MO: mo_state(facts, rules, on),
        Pillar.NT2: nt2_state(facts, rules, on),
        Pillar.WORK: work_state(facts, rules, on),
        Pillar.PARTICIPATION: participation_state(facts, rules, on),
    }


# Attest ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttestDecision:
    eligible: bool
    on: date | None = None
    manual_review: bool = False  # `uitgeleerd` routes the decision to a person


def attest(facts: Facts, rules: RuleSet, on: date) -> AttestDecision:
    """Eligible when every pillar is done; dated the day the last required pillar was met."""
    states = pillar_states(facts, rules, on)
    if facts.uitgeleerd:
        return AttestDecision(eligible=False, manual_review=True)
    if not all(state.status in DONE for state in states.values()):
        return AttestDecision(eligible=False)
    met_days = [state.met_on for state in states.values() if state.met_on is not None]
    return AttestDecision(eligible=True, on=max(met_days) if met_days else facts.signed_on)


# Fees --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    item: str
    amount: Decimal
    reason: str


def fee_lines(facts: Facts, rules: RuleSet) -> list[FeeLine]:
    """What the learner owes, line by line; Brussels residents pay €0 on every line."""
    lines: list[FeeLine] = []
    if facts.mo_course_started:
        lines.append(FeeLine("mo_course", rules.mo_course_fee, "mo_course"))
    lines.extend(
        FeeLine("mo_repeat_course", rules.mo_repeat_course_fee, "mo_repeat_course")
        for _ in range(facts.mo_repeat_courses)
    )
    lines.extend(FeeLine("mo_test", rules.mo_test_fee, "per_attempt") for _ in facts.mo_tests)
    lines.extend(
        FeeLine("mo_exemption_test", rules.mo_exemption_test_fee, "per_attempt")
        for _ in facts.mo_exemption_tests
    )
    if facts.nt2_provider == "utc":
        if facts.nt2_modules:
            lines.append(FeeLine("nt2_utc", rules.nt2_utc_fee, "utc_flat"))
    else:
        paid = Decimal(0)
        for module in facts.nt2_modules:
            amount = min(
                rules.nt2_fee_per_lestijd * module.lestijden,
                max(Decimal(0), rules.nt2_fee_cap - paid),
            )
            paid += amount
            reason = "nt2_per_lestijd" if amount > 0 else "nt2_cap_reached"
            lines.append(FeeLine("nt2_module", amount, reason))
    # The first NT2 test is part of the course; each later attempt is a retest, outside the cap.
    lines.extend(
        FeeLine("nt2_retest", rules.nt2_retest_fee, "per_attempt") for _ in facts.nt2_tests[1:]
    )
    lines.extend(FeeLine("b1_test", rules.b1_test_fee, "per_attempt") for _ in facts.b1_tests)
    if facts.region == "brussels":
        return [FeeLine(line.item, Decimal(0), "brussels") for line in lines]
    return lines


def nt2_fee_total(lines: Iterable[FeeLine]) -> Decimal:
    return sum((line.amount for line in lines if line.item == "nt2_module"), Decimal(0))


# Permissions with reasons ------------------------------------------------------------------------
# Each returns None when the action is allowed, else a reason code the screens translate.


class Register(StrEnum):
    FOREIGNERS = "foreigners"  # vreemdelingenregister
    POPULATION = "population"  # bevolkingsregister
    WAITING = "waiting"  # wachtregister: asylum seekers
    NONE = "none"


class Protection(StrEnum):
    NONE = "none"
    PENDING = "pending"  # claim pending at CGVS or RvV
    REFUGEE = "refugee"
    SUBSIDIARY = "subsidiary"


def may_sign_contract(register: str, protection: str) -> str | None:
    """Only people in the foreigners' or population register; not while asylum is pending.

    ``asylum_pending`` comes with the offer of an NT2-only referral [002 L53-70].
    """
    if protection == Protection.PENDING:
        return "asylum_pending"
    if register not in {Register.FOREIGNERS, Register.POPULATION}:
        return "not_in_register"
    return None


def nt2_only_referral_possible(register: str, protection: str) -> bool:
    """Asylum seekers with a pending claim may still follow NT2, without contract or pillars."""
    return protection == Protection.PENDING


def may_sign_with_declaration(
    rules: RuleSet,
    *,
    current_version: int | None,
    acknowledged_version: int | None,
    signed: bool,
) -> str | None:
    """The current declaration of rights and duties must be attached and acknowledged (signed
    where the rule set requires a signature)."""
    if current_version is None:
        return "no_declaration"
    if acknowledged_version is None:
        return "declaration_not_acknowledged"
    if acknowledged_version != current_version:
        return "declaration_outdated"
    if rules.declaration_signature_required and not signed:
        return "declaration_not_signed"
    return None


def may_take_mo_test(facts: Facts) -> str | None:
    """A retake needs the repeat course first (not once ``uitgeleerd``); one pass is enough."""
    if _first_pass(facts.mo_tests, date.max) or _first_pass(facts.mo_exemption_tests, date.max):
        return "already_passed"
    if any(not r.taken for r in facts.mo_tests):
        return "test_already_planned"
    failed = [r for r in facts.mo_tests if r.failed]
    if failed and facts.mo_repeat_courses < len(failed) and not facts.uitgeleerd:
        return "repeat_course_required"
    return None


def may_take_mo_exemption_test(facts: Facts) -> str | None:
    """The exemption test (vrijstellingstoets) only after screening by the agency."""
    if _first_pass(facts.mo_tests, date.max) or _first_pass(facts.mo_exemption_tests, date.max):
        return "already_passed"
    return None if facts.mo_exemption_screened else "screening_required"


def may_take_nt2_test(facts: Facts, rules: RuleSet) -> str | None:
    if nt2_state(facts, rules, date.max).status in {Status.MET, Status.EXEMPT}:
        return "already_passed"
    if any(not r.taken for r in facts.nt2_tests):
        return "test_already_planned"
    return None


# Attendance --------------------------------------------------------------------------------------


class Attendance(StrEnum):
    OK = "ok"
    NUDGE = "nudge"  # early support: absence passed the first threshold
    ALERT = "alert"  # absence passed the second threshold
    IRREGULAR = "irregular"  # attendance below the minimum: a signal


def attendance(rules: RuleSet, *, planned: int, attended: int, obligated: bool) -> Attendance:
    """Judge attendance of planned lessons; thresholds are rule-set parameters [004 L2845]."""
    if planned <= 0:
        return Attendance.OK
    attended_pct = Decimal(100) * attended / planned
    minimum = rules.attendance_min_obligated_pct if obligated else rules.attendance_min_entitled_pct
    if attended_pct < minimum:
        return Attendance.IRREGULAR
    absent_pct = 100 - attended_pct
    if absent_pct >= rules.absence_alert_pct:
        return Attendance.ALERT
    if absent_pct >= rules.absence_nudge_pct:
        return Attendance.NUDGE
    return Attendance.OK


# Signals -----------------------------------------------------------------------------------------

# Reasons a case manager can record, each raised as a signal of the same code [002 L296-315].
NONCOMPLIANCE_CODES = (
    "late_reporting",
    "refused_intake",
    "refused_contract",
    "irregular_mo_participation",
    "irregular_nt2_participation",
    "refused_test",
    "refused_retest",
)


@dataclass(frozen=True)
class Signal:
    code: str
    raised_on: date


def signals(facts: Facts, rules: RuleSet, on: date) -> list[Signal]:
    """Sanction signals for the back office (the portal never sanctions).

    No deadline or participation signals while a suspension is active (the deadlines move
    afterwards). A late registration keeps its signal even once met (Brussels: only if the rule
    set says so). What the case manager recorded is raised as recorded, except a refused retest
    once the learner is ``uitgeleerd`` (the retake duty is gone).
    """
    raised: list[Signal] = [
        Signal(code, day)
        for code, day in facts.noncompliance
        if day <= on and not (code == "refused_retest" and facts.uitgeleerd)
    ]
    for module in facts.nt2_modules:
        if module.attended_lestijden is None or module.ended_on is None or module.ended_on > on:
            continue
        judged = attendance(
            rules,
            planned=module.lestijden,
            attended=module.attended_lestijden,
            obligated=facts.obligated,
        )
        if judged == Attendance.IRREGULAR and not any(
            signal.code == "irregular_nt2_participation" for signal in raised
        ):
            raised.append(Signal("irregular_nt2_participation", module.ended_on))
    if is_suspended(facts, on):
        return raised
    work = work_state(facts, rules, on)
    if (
        work.deadline is not None
        and (work.status == Status.MET_LATE or (work.status == Status.OPEN and on > work.deadline))
        and (facts.region != "brussels" or rules.brussels_late_registration_signal)
    ):
        raised.append(Signal("late_employment_service_registration", add_days(work.deadline, 1)))
    participation = participation_state(facts, rules, on)
    if (
        participation.status in {Status.OPEN, Status.IN_PROGRESS}
        and participation.deadline is not None
        and on > participation.deadline
    ):
        raised.append(Signal("participation_not_met", add_days(participation.deadline, 1)))
    return raised


# After the attest and around it ------------------------------------------------------------------


@dataclass(frozen=True)
class B1Obligation:
    due_on: date


def b1_obligation(facts: Facts, rules: RuleSet, attest_on: date, on: date) -> B1Obligation | None:
    """Obligated learners of working age without job, training or study: B1 oral test within the
    window after the attest; met by passing it; lapses once a continuous activity period reaches
    N months in it."""
    if not facts.obligated or not of_working_age(facts, rules, attest_on):
        return None
    if facts.working or facts.studying or _first_pass(facts.b1_tests, on) is not None:
        return None
    due = add_months(attest_on, rules.b1_window_months)
    for period in facts.activity_periods:
        start = max(period.start, attest_on)
        end = min(period.end or on, due, on)
        if end >= start and add_months(start, rules.b1_lapse_continuous_months) <= add_days(end, 1):
            return None
    return B1Obligation(due_on=due)


def interpreter_covered(facts: Facts, day: date) -> bool:
    """Interpreter cost is covered while the contract is valid (richttermijn inclusive)."""
    return facts.signed_on <= day <= richttermijn(facts, on=day)


# Deadlines, pace and the whole picture -----------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str  # "richttermijn", "registration", "component", "b1"
    due_on: date
    pillar: Pillar | None = None


def component_deadline(facts: Facts, pillar: Pillar, *, on: date) -> date | None:
    """The deadline agreed for one component, moved by the suspended days before it."""
    for agreed_pillar, day in facts.component_deadlines:
        if agreed_pillar == pillar:
            return add_days(day, suspended_days(facts, before=day, on=on))
    return None


def participation_projection(facts: Facts, rules: RuleSet, on: date) -> date | None:
    """At the pace so far (confirmed hours since the first entry), the day the hours are reached.

    None without hours, once reached, or when the pace is zero.
    """
    entries = sorted((day, hours) for day, hours in facts.participation if day <= on)
    total = sum((hours for _day, hours in entries), Decimal(0))
    if not entries or total <= 0 or total >= rules.participation_hours:
        return None
    elapsed_days = (on - entries[0][0]).days + 1
    per_day = total / elapsed_days
    remaining_days = (rules.participation_hours - total) / per_day
    return add_days(on, int(remaining_days.to_integral_value(rounding="ROUND_CEILING")))


@dataclass(frozen=True)
class Trajectory:
    """Everything derived for one learner on one day."""

    on: date
    pillars: dict[Pillar, PillarState]
    richttermijn: date
    deadlines: list[Deadline]
    fee_lines: list[FeeLine]
    signals: list[Signal]
    attest: AttestDecision
    b1: B1Obligation | None
    interpreter_covered: bool
    suspended: bool
    participation_hours: Decimal
    participation_projection: date | None

    @property
    def next_deadline(self) -> Deadline | None:
        upcoming = [d for d in self.deadlines if d.due_on >= self.on]
        return min(upcoming, key=lambda d: d.due_on) if upcoming else None


def evaluate(facts: Facts, rules: RuleSet, on: date) -> Trajectory:
    """Judge the whole trajectory on day ``on`` under ``rules`` (the set in force at signing)."""
    states = pillar_states(facts, rules, on)
    guiding = richttermijn(facts, on=on)
    deadlines = [Deadline("richttermijn", guiding)]
    for pillar, state in states.items():
        if state.status in DONE:
            continue
        agreed = component_deadline(facts, pillar, on=on)
        if agreed is not None:
            deadlines.append(Deadline("component", agreed, pillar))
        elif pillar == Pillar.WORK and state.deadline is not None:
            deadlines.append(Deadline("registration", state.deadline, pillar))
    decision = attest(facts, rules, on)
    b1 = b1_obligation(facts, rules, decision.on, on) if decision.on is not None else None
    if b1 is not None:
        deadlines.append(Deadline("b1", b1.due_on))
    return Trajectory(
        on=on,
        pillars=states,
        richttermijn=guiding,
        deadlines=sorted(deadlines, key=lambda d: d.due_on),
        fee_lines=fee_lines(facts, rules),
        signals=signals(facts, rules, on),
        attest=decision,
        b1=b1,
        interpreter_covered=interpreter_covered(facts, on),
        suspended=is_suspended(facts, on),
        participation_hours=participation_hours(facts, on),
        participation_projection=participation_projection(facts, rules, on),
    )
