"""The portfolio's pure rules: recognition deadlines and steps, derived items, the quota."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio import rules


def test_receipt_is_due_three_weeks_after_sending_and_the_decision_four_months_after_it() -> None:
    due = rules.recognition_deadlines(submitted_on=date(2026, 3, 2), acknowledged_on=None)
    assert due.acknowledgement_due == date(2026, 3, 23)
    # Until the receipt is confirmed: counted from sending (the earliest it can come).
    assert due.decision_due == date(2026, 7, 2)
    confirmed = rules.recognition_deadlines(
        submitted_on=date(2026, 3, 2), acknowledged_on=date(2026, 3, 16)
    )
    assert confirmed.acknowledgement_due == date(2026, 3, 23)
    assert confirmed.decision_due == date(2026, 7, 16)


@pytest.mark.parametrize(
    ("acknowledged", "decision_due"),
    [
        (date(2026, 10, 31), date(2027, 2, 28)),  # clamped to the end of February
        (date(2027, 10, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 1, 30), date(2026, 5, 30)),
        (date(2026, 8, 31), date(2026, 12, 31)),
    ],
)
def test_four_months_is_the_same_day_clamped_to_the_month_end(
    acknowledged: date, decision_due: date
) -> None:
    due = rules.recognition_deadlines(
        submitted_on=acknowledged - timedelta(days=10), acknowledged_on=acknowledged
    )
    assert due.decision_due == decision_due


def test_no_deadlines_before_the_application_is_sent() -> None:
    due = rules.recognition_deadlines(submitted_on=None, acknowledged_on=None)
    assert due == rules.RecognitionDeadlines(None, None)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=0, max_value=200),
)
def test_deadlines_follow_each_other(submitted: date, days: int) -> None:
    acknowledged = submitted + timedelta(days=days)
    due = rules.recognition_deadlines(submitted_on=submitted, acknowledged_on=acknowledged)
    assert due.acknowledgement_due == submitted + timedelta(days=21)
    assert due.decision_due is not None
    assert (
        acknowledged + timedelta(days=89) <= due.decision_due <= acknowledged + timedelta(days=123)
    )


def test_an_answer_is_late_only_after_its_day_and_only_while_missing() -> None:
    due = date(2026, 3, 23)
    assert not rules.is_overdue(due, answered_on=None, today=due)
    assert rules.is_overdue(due, answered_on=None, today=due + timedelta(days=1))
    assert not rules.is_overdue(due, answered_on=date(2026, 3, 30), today=date(2026, 4, 1))
    assert not rules.is_overdue(None, answered_on=None, today=due)


def test_each_step_needs_its_dates_in_order_and_not_in_the_future() -> None:
    today = date(2026, 5, 1)
    ask = dict(submitted_on=None, acknowledged_on=None, decided_on=None, decision="", today=today)
    assert rules.recognition_problems(step="documents", **ask) == {}
    assert rules.recognition_problems(step="submitted", **ask) == {"submitted_on": "required"}
    assert rules.recognition_problems(step="decided", **ask) == {
        "submitted_on": "required",
        "acknowledged_on": "required",
        "decided_on": "required",
        "decision": "required",
    }
    assert rules.recognition_problems(
        step="acknowledged",
        **{**ask, "submitted_on": date(2026, 3, 2), "acknowledged_on": date(2026, 3, 1)},
    ) == {"acknowledged_on": "order"}
    assert rules.recognition_problems(
        step="submitted", **{**ask, "submitted_on": date(2026, 5, 2)}
    ) == {"submitted_on": "future"}


def test_the_checklist_keeps_known_documents_only() -> None:
    cleaned = rules.checklist_clean({"diploma_copy": "on", "passport_photo": True})
    assert cleaned == {code: code == "diploma_copy" for code in rules.RECOGNITION_DOCUMENTS}
    assert rules.checklist_clean("nonsense") == dict.fromkeys(rules.RECOGNITION_DOCUMENTS, False)


def _exam(pk: int, kind: str, outcome: str, level: str = "") -> rules.ExamFact:
    return rules.ExamFact(pk, kind, outcome, level, date(2026, 3, 10), "Leuven")


def test_only_passed_tests_give_certificates_and_nt2_keeps_its_level() -> None:
    derived = rules.derived_items(
        exams=[
            _exam(1, "nt2", "planned", "A2"),
            _exam(2, "nt2", "failed", "A2"),
            _exam(3, "nt2", "passed", "A2"),
            _exam(4, "mo", "failed"),
            _exam(5, "mo", "passed"),
        ],
        participation=[],
        attest=None,
    )
    assert [(d.source_key, d.kind, d.level) for d in derived] == [
        ("exam:nt2:3", "certificate", "A2"),
        ("exam:mo:5", "certificate", ""),
    ]
    assert derived[0].started_on == date(2026, 3, 10)


def test_confirmed_hours_give_one_item_per_activity_and_the_attest_its_certificate() -> None:
    derived = rules.derived_items(
        exams=[],
        participation=[
            rules.ParticipationFact(
                7, "Repair café", "Buurthuis", Decimal("2.5"), date(2026, 3, 1), date(2026, 3, 8)
            ),
            rules.ParticipationFact(
                8, "Nothing yet", "", Decimal("0"), date(2026, 3, 1), date(2026, 3, 1)
            ),
        ],
        attest=rules.AttestFact("ATT-1", date(2026, 6, 1)),
    )
    assert [(d.source_key, d.kind, d.title, d.hours) for d in derived] == [
        ("participation:7", "participation", "Repair café", Decimal("2.5")),
        ("attest", "certificate", "", None),
    ]


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_the_quota_allows_exactly_what_fits(used: int, incoming: int, quota: int) -> None:
    assert rules.quota_allows(used=used, incoming=incoming, quota=quota) == (
        used + incoming <= quota
    )
