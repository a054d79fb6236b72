"""The read model's plain-data form round-trips every fact exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from learner.trajectory import rules, snapshot

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
exams = st.builds(
    rules.ExamResult,
    taken_on=days,
    passed=st.booleans(),
    level=st.sampled_from(["", "A1", "A2", "B1"]),
    taken=st.booleans(),
)
periods = st.builds(rules.Period, start=days, end=st.none() | days)
facts = st.builds(
    rules.Facts,
    signed_on=days,
    richttermijn=days,
    birth_date=days,
    region=st.sampled_from(["flanders", "brussels"]),
    obligated=st.booleans(),
    working=st.booleans(),
    studying=st.booleans(),
    low_literate=st.booleans(),
    uitgeleerd=st.booleans(),
    exemptions=st.frozensets(st.sampled_from(list(rules.Pillar))),
    suspensions=st.lists(periods, max_size=3).map(tuple),
    mo_course_started=st.booleans(),
    mo_repeat_courses=st.integers(0, 3),
    mo_tests=st.lists(exams, max_size=3).map(tuple),
    mo_exemption_screened=st.booleans(),
    mo_exemption_tests=st.lists(exams, max_size=2).map(tuple),
    nt2_provider=st.sampled_from(["cvo", "cbe", "utc"]),
    nt2_modules=st.lists(
        st.builds(
            rules.Nt2Module,
            lestijden=st.integers(1, 400),
            attended_lestijden=st.none() | st.integers(0, 400),
            ended_on=st.none() | days,
        ),
        max_size=4,
    ).map(tuple),
    nt2_tests=st.lists(exams, max_size=3).map(tuple),
    b1_tests=st.lists(exams, max_size=2).map(tuple),
    employment_service_registered_on=st.none() | days,
    participation=st.lists(
        st.tuples(days, st.decimals(min_value=Decimal("0.25"), max_value=Decimal(8), places=2)),
        max_size=5,
    ).map(tuple),
    activity_periods=st.lists(periods, max_size=2).map(tuple),
    component_deadlines=st.lists(
        st.tuples(st.sampled_from(list(rules.Pillar)), days), max_size=2
    ).map(tuple),
    noncompliance=st.lists(
        st.tuples(st.sampled_from(rules.NONCOMPLIANCE_CODES), days), max_size=2
    ).map(tuple),
)


@given(facts)
def test_facts_round_trip_through_plain_data(original: rules.Facts) -> None:
    assert snapshot.facts_from_data(snapshot.facts_to_data(original)) == original


def test_rule_sets_round_trip_through_plain_data() -> None:
    original = rules.RuleSet(effective_from=date(2022, 1, 1), nt2_fee_per_lestijd=Decimal("1.75"))
    assert snapshot.rules_from_data(snapshot.rules_to_data(original)) == original
