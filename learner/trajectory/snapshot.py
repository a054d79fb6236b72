"""Facts and rule sets as plain JSON data, for the read model and the offline pack.

The trajectory state stores what ``rules.evaluate`` needs, so a screen can judge any day without
touching the fact tables. Round-trips exactly (tested): dates as ISO strings, money as strings.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from learner.trajectory import rules


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _exam(result: rules.ExamResult) -> list[Any]:
    return [result.taken_on.isoformat(), result.passed, result.level, result.taken]


def _exam_from(data: list[Any]) -> rules.ExamResult:
    return rules.ExamResult(date.fromisoformat(data[0]), data[1], data[2], data[3])


def _period(period: rules.Period) -> list[str | None]:
    return [period.start.isoformat(), _day(period.end)]


def _period_from(data: list[str | None]) -> rules.Period:
    start = _parse(data[0])
    assert start is not None  # noqa: S101 (written by _period)
    return rules.Period(start, _parse(data[1]))


def facts_to_data(facts: rules.Facts) -> dict[str, Any]:
    return {
        "signed_on": facts.signed_on.isoformat(),
        "richttermijn": facts.richttermijn.isoformat(),
        "birth_date": facts.birth_date.isoformat(),
        "region": facts.region,
        "obligated": facts.obligated,
        "working": facts.working,
        "studying": facts.studying,
        "low_literate": facts.low_literate,
        "uitgeleerd": facts.uitgeleerd,
        "exemptions": sorted(facts.exemptions),
        "suspensions": [_period(p) for p in facts.suspensions],
        "mo_course_started": facts.mo_course_started,
        "mo_repeat_courses": facts.mo_repeat_courses,
        "mo_tests": [_exam(r) for r in facts.mo_tests],
        "mo_exemption_screened": facts.mo_exemption_screened,
        "mo_exemption_tests": [_exam(r) for r in facts.mo_exemption_tests],
        "nt2_provider": facts.nt2_provider,
        "nt2_modules": [
            [m.lestijden, m.attended_lestijden, _day(m.ended_on)] for m in facts.nt2_modules
        ],
        "nt2_tests": [_exam(r) for r in facts.nt2_tests],
        "b1_tests": [_exam(r) for r in facts.b1_tests],
        "employment_service_registered_on": _day(facts.employment_service_registered_on),
        "participation": [[day.isoformat(), str(hours)] for day, hours in facts.participation],
        "activity_periods": [_period(p) for p in facts.activity_periods],
        "component_deadlines": [[str(p), day.isoformat()] for p, day in facts.component_deadlines],
        "noncompliance": [[code, day.isoformat()] for code, day in facts.noncompliance],
    }


def facts_from_data(data: dict[str, Any]) -> rules.Facts:
    return rules.Facts(
        signed_on=date.fromisoformat(data["signed_on"]),
        richttermijn=date.fromisoformat(data["richttermijn"]),
        birth_date=date.fromisoformat(data["birth_date"]),
        region=data["region"],
        obligated=data["obligated"],
        working=data["working"],
        studying=data["studying"],
        low_literate=data["low_literate"],
        uitgeleerd=data["uitgeleerd"],
        exemptions=frozenset(rules.Pillar(p) for p in data["exemptions"]),
        suspensions=tuple(_period_from(p) for p in data["suspensions"]),
        mo_course_started=data["mo_course_started"],
        mo_repeat_courses=data["mo_repeat_courses"],
        mo_tests=tuple(_exam_from(r) for r in data["mo_tests"]),
        mo_exemption_screened=data["mo_exemption_screened"],
        mo_exemption_tests=tuple(_exam_from(r) for r in data["mo_exemption_tests"]),
        nt2_provider=data["nt2_provider"],
        nt2_modules=tuple(
            rules.Nt2Module(lestijden, attended, _parse(ended))
            for lestijden, attended, ended in data["nt2_modules"]
        ),
        nt2_tests=tuple(_exam_from(r) for r in data["nt2_tests"]),
        b1_tests=tuple(_exam_from(r) for r in data.get("b1_tests", [])),
        employment_service_registered_on=_parse(data["employment_service_registered_on"]),
        participation=tuple(
            (date.fromisoformat(day), Decimal(hours)) for day, hours in data["participation"]
        ),
        activity_periods=tuple(_period_from(p) for p in data["activity_periods"]),
        component_deadlines=tuple(
            (rules.Pillar(p), date.fromisoformat(day)) for p, day in data["component_deadlines"]
        ),
        noncompliance=tuple((code, date.fromisoformat(day)) for code, day in data["noncompliance"]),
    )


def rules_to_data(rule_set: rules.RuleSet) -> dict[str, Any]:
    return {
        name: value.isoformat()
        if isinstance(value, date)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for name, value in dataclasses.asdict(rule_set).items()
    }


def rules_from_data(data: dict[str, Any]) -> rules.RuleSet:
    values: dict[str, Any] = {}
    for field in dataclasses.fields(rules.RuleSet):
        value = data[field.name]
        if field.type in {"date", date}:
            value = date.fromisoformat(value)
        elif field.type in {"Decimal", Decimal}:
            value = Decimal(value)
        values[field.name] = value
    return rules.RuleSet(**values)
