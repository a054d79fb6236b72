"""The trajectory rules of DOMAIN.md, one named test each, and their invariants (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learner.trajectory import rules as r
from learner.trajectory.rules import ExamResult, Facts, Nt2Module, Period, Pillar, RuleSet, Status

RULES = RuleSet(effective_from=date(2022, 1, 1))
SIGNED = date(2026, 1, 31)


def facts(**changes: object) -> Facts:
    base = Facts(
        signed_on=SIGNED,
        richttermijn=date(2027, 1, 31),
        birth_date=date(1990, 5, 1),
        region="flanders",
        obligated=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


# Date arithmetic ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_month_arithmetic_clamps_to_the_end_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert r.add_months(day, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 36))
def test_add_months_lands_in_the_right_month_never_past_the_day(day: date, months: int) -> None:
    result = r.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    if result.day < day.day:  # clamped: then it is the last day of its month
        assert (result + timedelta(days=1)).month != result.month


def test_a_contract_is_judged_by_the_rule_set_in_force_at_signing() -> None:
    old = RuleSet(effective_from=date(2022, 1, 1))
    new = dataclasses.replace(old, effective_from=date(2027, 1, 1), mo_course_fee=Decimal("120"))
    assert r.rule_set_in_force([old, new], SIGNED) is old
    assert r.rule_set_in_force([old, new], date(2027, 3, 1)) is new
    with pytest.raises(LookupError):
        r.rule_set_in_force([new], SIGNED)


# Pillar 3: work -----------------------------------------------------------------------------------


def test_vdab_registration_within_two_months_is_met_on_the_last_day_inclusive() -> None:
    on_time = facts(employment_service_registered_on=date(2026, 3, 31))
    state = r.work_state(on_time, RULES, date(2026, 6, 1))
    assert state == r.PillarState(Status.MET, met_on=date(2026, 3, 31), deadline=date(2026, 3, 31))


def test_late_vdab_registration_is_met_late_and_keeps_its_signal() -> None:
    late = facts(employment_service_registered_on=date(2026, 4, 1))
    assert r.work_state(late, RULES, date(2026, 6, 1)).status == Status.MET_LATE
    assert [s.code for s in r.signals(late, RULES, date(2026, 6, 1))] == [
        "late_employment_service_registration"
    ]


def test_no_registration_after_the_deadline_raises_the_signal_the_day_after() -> None:
    missing = facts()
    assert r.signals(missing, RULES, date(2026, 3, 31)) == []
    assert r.signals(missing, RULES, date(2026, 4, 1)) == [
        r.Signal("late_employment_service_registration", date(2026, 4, 1))
    ]


def test_brussels_uses_actiris_within_60_days_and_signals_only_if_the_rule_set_says_so() -> None:
    brussels = facts(region="brussels", employment_service_registered_on=date(2026, 4, 2))
    state = r.work_state(brussels, RULES, date(2026, 6, 1))
    assert state.deadline == SIGNED + timedelta(days=60)
    assert state.status == Status.MET_LATE
    assert r.signals(brussels, RULES, date(2026, 6, 1)) == []
    strict = dataclasses.replace(RULES, brussels_late_registration_signal=True)
    assert [s.code for s in r.signals(brussels, strict, date(2026, 6, 1))] == [
        "late_employment_service_registration"
    ]


def test_working_learners_meet_pillar_three_and_those_outside_working_age_need_not() -> None:
    assert r.work_state(facts(working=True), RULES, SIGNED).status == Status.MET
    retired = facts(birth_date=date(1955, 1, 1))
    assert r.work_state(retired, RULES, SIGNED).status == Status.OPTIONAL
    assert (
        r.work_state(facts(exemptions=frozenset({Pillar.WORK})), RULES, SIGNED).status
        == Status.EXEMPT
    )


# Pillars 1 and 2 ----------------------------------------------------------------------------------


def test_mo_is_met_by_the_test_or_the_exemption_test() -> None:
    assert r.mo_state(facts(), RULES, SIGNED).status == Status.OPEN
    failed = facts(mo_course_started=True, mo_tests=(ExamResult(date(2026, 5, 1), passed=False),))
    assert r.mo_state(failed, RULES, date(2026, 6, 1)).status == Status.IN_PROGRESS
    exempted = facts(
        mo_exemption_screened=True, mo_exemption_tests=(ExamResult(date(2026, 2, 10), passed=True),)
    )
    assert r.mo_state(exempted, RULES, date(2026, 3, 1)) == r.PillarState(
        Status.MET, date(2026, 2, 10)
    )


def test_a_second_mo_test_needs_the_repeat_course_unless_uitgeleerd() -> None:
    failed = facts(mo_tests=(ExamResult(date(2026, 5, 1), passed=False),))
    assert r.may_take_mo_test(failed) == "repeat_course_required"
    assert r.may_take_mo_test(dataclasses.replace(failed, mo_repeat_courses=1)) is None
    assert r.may_take_mo_test(dataclasses.replace(failed, uitgeleerd=True)) is None


def test_the_mo_exemption_test_needs_screening() -> None:
    assert r.may_take_mo_exemption_test(facts()) == "screening_required"
    assert r.may_take_mo_exemption_test(facts(mo_exemption_screened=True)) is None


def test_nt2_needs_a2_or_the_adapted_level_and_attendance_never_counts() -> None:
    attending = facts(nt2_modules=(Nt2Module(120),) * 5)
    assert r.nt2_state(attending, RULES, date(2026, 12, 1)).status == Status.IN_PROGRESS
    a1 = (ExamResult(date(2026, 9, 1), passed=True, level="A1"),)
    assert r.nt2_state(facts(nt2_tests=a1), RULES, date(2026, 10, 1)).status == Status.IN_PROGRESS
    assert (
        r.nt2_state(facts(nt2_tests=a1, low_literate=True), RULES, date(2026, 10, 1)).status
        == Status.MET
    )
    a2 = (ExamResult(date(2026, 9, 1), passed=True, level="A2"),)
    assert r.nt2_state(facts(nt2_tests=a2), RULES, date(2026, 10, 1)).met_on == date(2026, 9, 1)


# Pillar 4 and the attest -------------------------------------------------------------------------


def test_participation_is_met_on_the_day_the_40th_hour_is_confirmed() -> None:
    hours = tuple((date(2026, 3, day), Decimal(8)) for day in range(1, 6))
    state = r.participation_state(facts(participation=hours), RULES, date(2026, 4, 1))
    assert state.status == Status.MET
    assert state.met_on == date(2026, 3, 5)
    partial = facts(participation=hours[:2])
    assert r.participation_state(partial, RULES, date(2026, 4, 1)).status == Status.IN_PROGRESS


@pytest.mark.parametrize("change", [{"working": True}, {"studying": True}, {"obligated": False}])
def test_participation_is_optional_for_workers_students_and_voluntary_learners(
    change: dict,
) -> None:
    assert r.participation_state(facts(**change), RULES, SIGNED).status == Status.OPTIONAL


def test_attest_date_is_the_day_the_last_required_pillar_was_met() -> None:
    done = facts(
        mo_tests=(ExamResult(date(2026, 6, 1), passed=True),),
        nt2_tests=(ExamResult(date(2026, 11, 20), passed=True, level="A2"),),
        employment_service_registered_on=date(2026, 2, 15),
        participation=tuple((date(2026, 9, day), Decimal(10)) for day in range(1, 5)),
    )
    assert r.attest(done, RULES, date(2026, 11, 19)).eligible is False
    decision = r.attest(done, RULES, date(2026, 12, 1))
    assert decision == r.AttestDecision(eligible=True, on=date(2026, 11, 20))
    assert r.attest(
        dataclasses.replace(done, uitgeleerd=True), RULES, date(2026, 12, 1)
    ).manual_review


def test_participation_not_met_by_the_richttermijn_raises_a_signal() -> None:
    late = facts(participation=((date(2026, 3, 1), Decimal(10)),))
    assert "participation_not_met" not in {
        s.code for s in r.signals(late, RULES, date(2027, 1, 31))
    }
    assert "participation_not_met" in {s.code for s in r.signals(late, RULES, date(2027, 2, 1))}


# Suspensions --------------------------------------------------------------------------------------


def test_a_suspension_moves_the_richttermijn_by_the_suspended_days() -> None:
    suspended = facts(suspensions=(Period(date(2026, 5, 1), date(2026, 5, 30)),))
    assert r.richttermijn(suspended, on=date(2026, 12, 1)) == date(2027, 1, 31) + timedelta(days=30)
    # While it runs, it moves day by day.
    assert r.richttermijn(suspended, on=date(2026, 5, 10)) == date(2027, 1, 31) + timedelta(days=10)


def test_no_signals_while_a_suspension_is_active() -> None:
    missing = facts(suspensions=(Period(date(2026, 4, 1), None),))
    assert r.signals(missing, RULES, date(2026, 6, 1)) == []


def test_a_suspension_before_the_registration_deadline_moves_it() -> None:
    suspended = facts(suspensions=(Period(date(2026, 2, 1), date(2026, 2, 10)),))
    assert r.registration_deadline(suspended, RULES, on=date(2026, 6, 1)) == date(2026, 4, 10)


# Fees ---------------------------------------------------------------------------------------------


def test_nt2_at_cvo_costs_per_lestijd_capped_at_180() -> None:
    lines = r.fee_lines(facts(nt2_modules=(Nt2Module(60), Nt2Module(40), Nt2Module(60))), RULES)
    assert [line.amount for line in lines] == [Decimal("90.00"), Decimal("60.00"), Decimal("30.00")]
    assert r.nt2_fee_total(lines) == Decimal(180)
    more = r.fee_lines(facts(nt2_modules=(Nt2Module(120),) * 3), RULES)
    assert [line.reason for line in more][-1] == "nt2_cap_reached"


def test_nt2_at_utc_is_180_once_and_retests_are_outside_the_cap() -> None:
    lines = r.fee_lines(
        facts(
            nt2_provider="utc",
            nt2_modules=(Nt2Module(100), Nt2Module(100)),
            nt2_tests=(
                ExamResult(date(2026, 6, 1), False, "A2"),
                ExamResult(date(2026, 9, 1), True, "A2"),
            ),
        ),
        RULES,
    )
    assert [(line.item, line.amount) for line in lines] == [
        ("nt2_utc", Decimal(180)),
        ("nt2_retest", Decimal(90)),
    ]


def test_mo_fees_course_once_repeat_course_free_tests_per_attempt() -> None:
    lines = r.fee_lines(
        facts(
            mo_course_started=True,
            mo_repeat_courses=1,
            mo_tests=(ExamResult(date(2026, 5, 1), False), ExamResult(date(2026, 7, 1), True)),
        ),
        RULES,
    )
    assert [(line.item, line.amount) for line in lines] == [
        ("mo_course", Decimal(90)),
        ("mo_repeat_course", Decimal(0)),
        ("mo_test", Decimal(90)),
        ("mo_test", Decimal(90)),
    ]


def test_a_future_fee_change_leaves_earlier_contracts_alone() -> None:
    new = dataclasses.replace(RULES, effective_from=date(2027, 1, 1), mo_course_fee=Decimal(120))
    in_force = r.rule_set_in_force([RULES, new], SIGNED)
    assert r.fee_lines(facts(mo_course_started=True), in_force)[0].amount == Decimal(90)


modules = st.lists(st.integers(min_value=0, max_value=400).map(Nt2Module), max_size=12)
tests = st.lists(
    st.builds(
        ExamResult,
        st.dates(date(2026, 1, 1), date(2028, 1, 1)),
        st.booleans(),
        st.sampled_from(["A1", "A2", "B1"]),
    ),
    max_size=4,
)


@given(modules=modules, provider=st.sampled_from(["cvo", "cbe", "utc"]), nt2_tests=tests)
def test_the_nt2_course_fee_never_exceeds_the_cap(
    modules: list[Nt2Module], provider: str, nt2_tests: list[ExamResult]
) -> None:
    lines = r.fee_lines(
        facts(nt2_provider=provider, nt2_modules=tuple(modules), nt2_tests=tuple(nt2_tests)), RULES
    )
    assert r.nt2_fee_total(lines) <= RULES.nt2_fee_cap
    assert all(line.amount >= 0 for line in lines)


@given(
    modules=modules,
    nt2_tests=tests,
    mo_tests=tests,
    course=st.booleans(),
    provider=st.sampled_from(["cvo", "cbe", "utc"]),
)
def test_a_brussels_learner_never_has_a_non_zero_fee_line(
    modules: list[Nt2Module],
    nt2_tests: list[ExamResult],
    mo_tests: list[ExamResult],
    course: bool,
    provider: str,
) -> None:
    lines = r.fee_lines(
        facts(
            region="brussels",
            nt2_provider=provider,
            nt2_modules=tuple(modules),
            nt2_tests=tuple(nt2_tests),
            mo_tests=tuple(mo_tests),
            mo_course_started=course,
        ),
        RULES,
    )
    assert all(line.amount == 0 and line.reason == "brussels" for line in lines)


@given(
    hours=st.lists(
        st.tuples(st.dates(date(2026, 2, 1), date(2027, 6, 1)), st.decimals(0, 12, places=2)),
        max_size=20,
    ),
    on=st.dates(date(2026, 2, 1), date(2027, 6, 1)),
)
def test_participation_is_met_exactly_when_confirmed_hours_reach_40(
    hours: list[tuple[date, Decimal]], on: date
) -> None:
    state = r.participation_state(facts(participation=tuple(hours)), RULES, on)
    total = r.participation_hours(facts(participation=tuple(hours)), on)
    assert (state.status == Status.MET) == (total >= RULES.participation_hours)
    if state.met_on is not None:
        assert state.met_on <= on


# After the attest ---------------------------------------------------------------------------------


def test_b1_is_due_24_months_after_the_attest_for_obligated_jobseekers() -> None:
    obligation = r.b1_obligation(facts(), RULES, date(2027, 1, 15), date(2027, 2, 1))
    assert obligation == r.B1Obligation(due_on=date(2029, 1, 15))
    assert (
        r.b1_obligation(facts(obligated=False), RULES, date(2027, 1, 15), date(2027, 2, 1)) is None
    )
    assert r.b1_obligation(facts(working=True), RULES, date(2027, 1, 15), date(2027, 2, 1)) is None


def test_b1_lapses_after_six_continuous_months_of_work_in_the_window() -> None:
    worked = facts(activity_periods=(Period(date(2027, 3, 1), date(2027, 8, 31)),))
    assert r.b1_obligation(worked, RULES, date(2027, 1, 15), date(2027, 9, 1)) is None
    short = facts(activity_periods=(Period(date(2027, 3, 1), date(2027, 8, 30)),))
    assert r.b1_obligation(short, RULES, date(2027, 1, 15), date(2027, 9, 1)) is not None


def test_interpreter_cost_is_covered_up_to_and_including_the_richttermijn() -> None:
    contract = facts()
    assert r.interpreter_covered(contract, date(2027, 1, 31))
    assert not r.interpreter_covered(contract, date(2027, 2, 1))
    assert not r.interpreter_covered(contract, date(2026, 1, 30))


# Eligibility, declaration, attendance, deadlines, pace -------------------------------------------


@pytest.mark.parametrize(
    ("register", "protection", "reason"),
    [
        ("foreigners", "none", None),
        ("population", "refugee", None),
        ("foreigners", "subsidiary", None),
        ("waiting", "pending", "asylum_pending"),
        ("foreigners", "pending", "asylum_pending"),
        ("none", "none", "not_in_register"),
        ("waiting", "none", "not_in_register"),
    ],
)
def test_only_people_in_the_registers_sign_and_never_while_asylum_is_pending(
    register: str, protection: str, reason: str | None
) -> None:
    assert r.may_sign_contract(register, protection) == reason
    assert r.nt2_only_referral_possible(register, protection) == (protection == "pending")


def test_the_current_declaration_must_be_acknowledged_and_signed_where_required() -> None:
    unsigned_ok = dataclasses.replace(RULES, declaration_signature_required=False)
    check = r.may_sign_with_declaration
    assert check(RULES, current_version=None, acknowledged_version=None, signed=False) == (
        "no_declaration"
    )
    assert check(RULES, current_version=2, acknowledged_version=None, signed=False) == (
        "declaration_not_acknowledged"
    )
    assert check(RULES, current_version=2, acknowledged_version=1, signed=True) == (
        "declaration_outdated"
    )
    assert check(RULES, current_version=2, acknowledged_version=2, signed=False) == (
        "declaration_not_signed"
    )
    assert check(unsigned_ok, current_version=2, acknowledged_version=2, signed=False) is None
    assert check(RULES, current_version=2, acknowledged_version=2, signed=True) is None


@pytest.mark.parametrize(
    ("attended", "obligated", "judged"),
    [
        (100, True, r.Attendance.OK),
        (91, True, r.Attendance.OK),
        (90, True, r.Attendance.NUDGE),
        (80, True, r.Attendance.ALERT),
        (79, True, r.Attendance.IRREGULAR),
        (60, False, r.Attendance.ALERT),
        (49, False, r.Attendance.IRREGULAR),
    ],
)
def test_attendance_thresholds_of_the_rule_set(
    attended: int, obligated: bool, judged: r.Attendance
) -> None:
    assert r.attendance(RULES, planned=100, attended=attended, obligated=obligated) == judged


def test_irregular_nt2_attendance_raises_a_signal_when_the_module_ends() -> None:
    module = Nt2Module(120, attended_lestijden=60, ended_on=date(2026, 6, 30))
    f = facts(nt2_modules=(module,), working=True)
    assert r.signals(f, RULES, date(2026, 6, 29)) == []
    assert r.signals(f, RULES, date(2026, 7, 1))[0] == r.Signal(
        "irregular_nt2_participation", date(2026, 6, 30)
    )


def test_recorded_refusals_are_signals_but_a_refused_retest_not_once_uitgeleerd() -> None:
    f = facts(
        working=True,
        noncompliance=(("refused_retest", date(2026, 5, 1)), ("refused_intake", SIGNED)),
    )
    assert {s.code for s in r.signals(f, RULES, date(2026, 5, 2))} == {
        "refused_retest",
        "refused_intake",
    }
    ceiling = dataclasses.replace(f, uitgeleerd=True)
    assert {s.code for s in r.signals(ceiling, RULES, date(2026, 5, 2))} == {"refused_intake"}


def test_uitgeleerd_routes_the_attest_to_manual_review() -> None:
    decision = r.attest(facts(uitgeleerd=True), RULES, date(2026, 6, 1))
    assert decision == r.AttestDecision(eligible=False, manual_review=True)


def test_a_planned_session_costs_already_but_is_not_a_failed_attempt() -> None:
    planned = ExamResult(date(2026, 3, 1), passed=False, taken=False)
    f = facts(mo_tests=(planned,))
    assert r.may_take_mo_test(f) == "test_already_planned"
    assert r.mo_state(f, RULES, date(2026, 3, 2)).status == Status.OPEN
    assert [line.item for line in r.fee_lines(f, RULES)] == ["mo_test"]


def test_agreed_component_deadlines_move_with_a_suspension() -> None:
    f = facts(
        component_deadlines=((Pillar.MO, date(2026, 6, 30)),),
        suspensions=(Period(date(2026, 3, 1), date(2026, 3, 10)),),
    )
    assert r.component_deadline(f, Pillar.MO, on=date(2026, 4, 1)) == date(2026, 7, 10)
    assert r.component_deadline(f, Pillar.NT2, on=date(2026, 4, 1)) is None


def test_at_this_pace_the_40_hours_are_reached_on_a_projected_day() -> None:
    # 10 hours over the first 10 days (1 h/day): 30 more hours, 30 more days.
    entries = tuple((date(2026, 3, d), Decimal(2)) for d in (1, 3, 5, 7, 10))
    f = facts(participation=entries)
    assert r.participation_projection(f, RULES, date(2026, 3, 10)) == date(2026, 4, 9)
    assert r.participation_projection(facts(), RULES, date(2026, 3, 10)) is None


def test_the_whole_picture_lists_deadlines_in_order_and_the_next_one() -> None:
    f = facts(component_deadlines=((Pillar.NT2, date(2026, 12, 31)),))
    picture = r.evaluate(f, RULES, date(2026, 2, 1))
    assert [(d.kind, d.due_on) for d in picture.deadlines] == [
        ("registration", date(2026, 3, 31)),
        ("component", date(2026, 12, 31)),
        ("richttermijn", date(2027, 1, 31)),
    ]
    assert picture.next_deadline == picture.deadlines[0]
    assert picture.interpreter_covered


@given(
    signed=st.dates(min_value=date(2022, 1, 1), max_value=date(2030, 12, 31)),
    length=st.integers(0, 900),
    pauses=st.lists(st.tuples(st.integers(0, 900), st.integers(0, 120)), max_size=3),
)
def test_suspensions_only_ever_move_deadlines_later(
    signed: date, length: int, pauses: list[tuple[int, int]]
) -> None:
    suspensions = tuple(
        Period(signed + timedelta(days=start), signed + timedelta(days=start + days))
        for start, days in pauses
    )
    base = facts(signed_on=signed, richttermijn=signed + timedelta(days=length))
    moved = dataclasses.replace(base, suspensions=suspensions)
    far = signed + timedelta(days=3000)
    assert r.richttermijn(moved, on=far) >= r.richttermijn(base, on=far)
    assert r.registration_deadline(moved, RULES, on=far) >= r.registration_deadline(
        base, RULES, on=far
    )


def test_each_b1_attempt_costs_90_and_passing_it_ends_the_duty() -> None:
    attest_on = date(2026, 6, 1)
    passed = facts(b1_tests=(ExamResult(date(2027, 3, 1), passed=True, level="B1"),))
    assert [(line.item, line.amount) for line in r.fee_lines(passed, RULES)] == [
        ("b1_test", Decimal(90))
    ]
    assert r.b1_obligation(passed, RULES, attest_on, date(2027, 2, 28)) is not None
    assert r.b1_obligation(passed, RULES, attest_on, date(2027, 3, 1)) is None
