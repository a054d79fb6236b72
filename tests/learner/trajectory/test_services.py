"""Trajectory services: refusals with reason codes, audited changes, recomputation and events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from learner.profiles.models import Employment, LearnerProfile
from learner.trajectory import rules, services
from learner.trajectory.models import (
    Contract,
    DeadlineChange,
    Declaration,
    EmploymentServiceRegistration,
    ExamSession,
    Exemption,
    MoCourse,
    Noncompliance,
    Nt2Module,
    RuleSet,
    Screening,
    Signal,
    Suspension,
    TrajectoryState,
)
from learner.trajectory.models.facts import (
    DeadlineComponent,
    DecisionStatus,
    EmploymentService,
    ExamKind,
    ExamOutcome,
    MoCourseKind,
    Protection,
    Register,
    SuspensionReason,
)
from learner.trajectory.selectors import view_of
from portal.accounts.models import Municipality, User
from portal.events.models import Event

SIGNED = date(2026, 1, 31)


def refused(code: str) -> pytest.RaisesExc:  # type: ignore[type-arg]
    return pytest.raises(ValidationError, check=lambda exc: exc.code == code)


def state(profile: LearnerProfile) -> TrajectoryState:
    return TrajectoryState.objects.get(learner=profile)


def judged(profile: LearnerProfile) -> rules.Trajectory:
    """The learner's trajectory today, read afresh as a new request would."""
    trajectory = view_of(LearnerProfile.objects.get(pk=profile.pk)).trajectory
    assert trajectory is not None
    return trajectory


def codes(profile: LearnerProfile) -> list[str]:
    return list(Event.objects.filter(learner=profile.user).values_list("code", flat=True))


def test_the_first_rule_set_and_declaration_come_with_the_migrations(db: None) -> None:
    first = RuleSet.objects.get(effective_from=date(2022, 1, 1))
    assert first.as_rules() == rules.RuleSet(effective_from=date(2022, 1, 1))
    declaration = Declaration.objects.get(version=1)
    assert "7." in declaration.text_nl
    assert "7." in declaration.text_ar
    assert declaration.text_ti is None  # falls back to Dutch on screen


def test_a_pending_asylum_seeker_cannot_sign_but_can_be_referred_to_nt2(
    learner: LearnerProfile, case_manager: User
) -> None:
    services.eligibility_record(
        learner=learner,
        register=Register.WAITING,
        protection=Protection.PENDING,
        actor=case_manager,
    )
    with refused("asylum_pending"):
        services.contract_sign(
            learner=learner, signed_on=SIGNED, richttermijn=date(2027, 1, 31), actor=case_manager
        )
    referral = services.nt2_referral_record(
        learner=learner, referred_on=SIGNED, provider_name="CVO Leuven", actor=case_manager
    )
    assert referral.pk
    assert not Contract.objects.filter(learner=learner).exists()
    assert view_of(LearnerProfile.objects.get(pk=learner.pk)).trajectory is None  # no pillars


def test_outside_the_registers_no_contract_and_no_referral(
    learner: LearnerProfile, case_manager: User
) -> None:
    services.eligibility_record(
        learner=learner, register=Register.NONE, protection=Protection.NONE, actor=case_manager
    )
    with refused("not_in_register"):
        services.contract_sign(
            learner=learner, signed_on=SIGNED, richttermijn=date(2027, 1, 31), actor=case_manager
        )
    with refused("nt2_referral_not_possible"):
        services.nt2_referral_record(
            learner=learner, referred_on=SIGNED, provider_name="", actor=case_manager
        )


def test_a_contract_needs_the_current_declaration_read_and_signed(
    learner: LearnerProfile, case_manager: User
) -> None:
    services.eligibility_record(
        learner=learner,
        register=Register.FOREIGNERS,
        protection=Protection.NONE,
        actor=case_manager,
    )
    sign = {"learner": learner, "signed_on": SIGNED, "richttermijn": date(2027, 1, 31)}
    with refused("declaration_not_acknowledged"):
        services.contract_sign(**sign, actor=case_manager)
    version_1 = Declaration.objects.get(version=1)
    services.declaration_acknowledge(learner=learner, declaration=version_1, language="ar")
    with refused("declaration_not_signed"):
        services.contract_sign(**sign, actor=case_manager)
    Declaration.objects.create(version=2, effective_from=date(2026, 1, 1), title="v2", text="…")
    services.declaration_acknowledge(
        learner=learner, declaration=version_1, language="ar", signed_name="Amal Haddad"
    )
    with refused("declaration_outdated"):
        services.contract_sign(**sign, actor=case_manager)
    services.declaration_acknowledge(
        learner=learner,
        declaration=Declaration.objects.get(version=2),
        language="ar",
        signed_name="Amal Haddad",
    )
    contract = services.contract_sign(**sign, actor=case_manager)
    assert contract.declaration.version == 2
    assert codes(learner).count("trajectory.declaration.acknowledged") == 2
    with refused("contract_exists"):
        services.contract_sign(**sign, actor=case_manager)


def test_acknowledging_twice_keeps_the_first_time(learner: LearnerProfile) -> None:
    declaration = Declaration.objects.get(version=1)
    first = services.declaration_acknowledge(
        learner=learner, declaration=declaration, language="ar"
    )
    again = services.declaration_acknowledge(
        learner=learner, declaration=declaration, language="nl"
    )
    assert again.pk == first.pk
    assert again.acknowledged_at == first.acknowledged_at
    assert again.language == "ar"


def test_changing_a_future_rule_set_leaves_contracts_signed_before_it_alone(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    sign_contract: Callable[..., Contract],
    make_staff: Callable[..., User],
) -> None:
    from portal.accounts.models import Role

    admin = make_staff(Role.AGENCY_ADMIN, "admin")
    future = timezone.localdate() + timedelta(days=30)
    services.rule_set_save(
        actor=admin, effective_from=future, values={"mo_course_fee": Decimal("120")}
    )
    sign_contract(learner)
    services.fact_record(
        learner=learner,
        fact=MoCourse(kind=MoCourseKind.COURSE, started_on=SIGNED),
        actor=case_manager,
    )
    later = make_learner("INB-0002", case_manager=case_manager)
    sign_contract(later, signed_on=future, richttermijn=future + timedelta(days=365))
    services.fact_record(
        learner=later,
        fact=MoCourse(kind=MoCourseKind.COURSE, started_on=future),
        actor=case_manager,
    )
    assert judged(learner).fee_lines[0].amount == Decimal("90")
    assert judged(later).fee_lines[0].amount == Decimal("120")
    # Raising it again before it starts still changes only the contracts signed under it.
    pending = RuleSet.objects.get(effective_from=future)
    services.rule_set_save(
        actor=admin,
        effective_from=future,
        values={"mo_course_fee": Decimal("150")},
        rule_set=pending,
    )
    assert Contract.objects.get(learner=learner).rule_set.mo_course_fee == Decimal("90")


def test_a_rule_set_in_force_cannot_be_changed(db: None, make_staff: Callable[..., User]) -> None:
    from portal.accounts.models import Role

    admin = make_staff(Role.AGENCY_ADMIN, "admin")
    in_force = RuleSet.objects.get(effective_from=date(2022, 1, 1))
    with refused("rule_set_must_start_in_future"):
        services.rule_set_save(actor=admin, effective_from=timezone.localdate(), values={})
    with refused("rule_set_in_force"):
        services.rule_set_save(
            actor=admin,
            effective_from=timezone.localdate() + timedelta(days=1),
            values={},
            rule_set=in_force,
        )
    saved = Event.objects.filter(code="trajectory.ruleset.saved")
    assert not saved.exists()


def test_a_changed_deadline_keeps_who_when_why_and_the_old_value(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)
    services.contract_deadline_change(
        learner=learner,
        component=DeadlineComponent.RICHTTERMIJN,
        new=date(2027, 6, 30),
        reason="NT2 route takes longer",
        actor=case_manager,
    )
    change = DeadlineChange.objects.get()
    assert (change.previous, change.new, change.changed_by) == (
        date(2027, 1, 31),
        date(2027, 6, 30),
        case_manager,
    )
    assert judged(learner).richttermijn == date(2027, 6, 30)
    assert state(learner).snapshot["deadline_changes"][0]["reason"] == "NT2 route takes longer"
    with refused("richttermijn_before_signing"):
        services.contract_deadline_change(
            learner=learner,
            component=DeadlineComponent.RICHTTERMIJN,
            new=date(2025, 1, 1),
            reason="typo",
            actor=case_manager,
        )


def test_an_approved_suspension_moves_the_richttermijn_by_the_suspended_days(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner, signed_on=date(2025, 1, 31), richttermijn=date(2026, 1, 31))
    suspension = services.fact_record(
        learner=learner,
        fact=Suspension(
            reason=SuspensionReason.MEDICAL,
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 30),
            evidence="Hospital letter",
        ),
        actor=case_manager,
    )
    assert judged(learner).richttermijn == date(2026, 1, 31)
    services.decision_record(decision=suspension, approve=True, actor=case_manager)  # type: ignore[arg-type]
    assert judged(learner).richttermijn == date(2026, 3, 2)
    with refused("already_decided"):
        services.decision_record(decision=suspension, approve=False, actor=case_manager)  # type: ignore[arg-type]


def test_mo_test_refusals_second_attempt_and_exemption_test(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)

    def plan(kind: ExamKind, day: date) -> ExamSession:
        session = services.fact_record(
            learner=learner, fact=ExamSession(kind=kind, session_on=day), actor=case_manager
        )
        assert isinstance(session, ExamSession)
        return session

    with refused("screening_required"):
        plan(ExamKind.MO_EXEMPTION, date(2026, 3, 1))
    first = plan(ExamKind.MO, date(2026, 3, 1))
    with refused("test_already_planned"):
        plan(ExamKind.MO, date(2026, 3, 2))
    services.exam_result_record(
        session=first, outcome=ExamOutcome.FAILED, level="", actor=case_manager
    )
    with refused("repeat_course_required"):
        plan(ExamKind.MO, date(2026, 4, 1))
    services.fact_record(
        learner=learner,
        fact=MoCourse(kind=MoCourseKind.REPEAT, started_on=date(2026, 3, 10)),
        actor=case_manager,
    )
    second = plan(ExamKind.MO, date(2026, 4, 1))
    with refused("not_planned"):
        services.exam_result_record(
            session=first, outcome=ExamOutcome.PASSED, level="", actor=case_manager
        )
    services.exam_result_record(
        session=second, outcome=ExamOutcome.PASSED, level="", actor=case_manager
    )
    pillar = state(learner).pillars["mo"]
    assert pillar == {"status": "met", "met_on": "2026-04-01", "deadline": None}
    assert "trajectory.pillar.met" in codes(learner)
    with refused("already_passed"):
        plan(ExamKind.MO, date(2026, 5, 1))


def test_the_exemption_test_after_screening_meets_mo(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)
    services.fact_record(
        learner=learner,
        fact=Screening(screened_on=date(2026, 2, 1), exemption_test_allowed=True),
        actor=case_manager,
    )
    session = services.fact_record(
        learner=learner,
        fact=ExamSession(kind=ExamKind.MO_EXEMPTION, session_on=date(2026, 2, 10)),
        actor=case_manager,
    )
    services.exam_result_record(
        session=session,
        outcome=ExamOutcome.PASSED,
        level="",
        actor=case_manager,  # type: ignore[arg-type]
    )
    assert state(learner).pillars["mo"]["status"] == "met"


def test_nt2_results_need_a_level(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)
    session = services.fact_record(
        learner=learner,
        fact=ExamSession(kind=ExamKind.NT2, session_on=date(2026, 6, 1)),
        actor=case_manager,
    )
    with refused("level_required"):
        services.exam_result_record(
            session=session,
            outcome=ExamOutcome.PASSED,
            level="",
            actor=case_manager,  # type: ignore[arg-type]
        )


def test_facts_need_a_contract(learner: LearnerProfile, case_manager: User) -> None:
    with refused("no_contract"):
        services.fact_record(
            learner=learner,
            fact=MoCourse(kind=MoCourseKind.COURSE, started_on=SIGNED),
            actor=case_manager,
        )


def test_a_brussels_learners_fee_lines_are_all_zero(
    make_learner: Callable[..., LearnerProfile],
    schaarbeek: Municipality,
    case_manager: User,
    sign_contract: Callable[..., Contract],
) -> None:
    profile = make_learner("INB-0100", case_manager=case_manager, municipality=schaarbeek)
    sign_contract(profile)
    for fact in (
        MoCourse(kind=MoCourseKind.COURSE, started_on=SIGNED),
        Nt2Module(name="1.1", lestijden=120, started_on=SIGNED),
        ExamSession(kind=ExamKind.MO, session_on=date(2026, 3, 1)),
    ):
        services.fact_record(learner=profile, fact=fact, actor=case_manager)
    lines = judged(profile).fee_lines
    assert len(lines) == 3
    assert {(line.amount, line.reason) for line in lines} == {(Decimal(0), "brussels")}


def test_late_registration_raises_a_signal_that_a_suspension_withdraws(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner, signed_on=date(2025, 1, 31), richttermijn=date(2026, 1, 31))
    services.fact_record(
        learner=learner,
        fact=EmploymentServiceRegistration(
            service=EmploymentService.VDAB, registered_on=date(2025, 4, 15)
        ),
        actor=case_manager,
    )
    signal = Signal.objects.get(learner=learner, code="late_employment_service_registration")
    assert signal.raised_on == date(2025, 4, 1)
    assert signal.withdrawn_at is None
    assert state(learner).pillars["work"]["status"] == "met-late"
    assert state(learner).open_signals >= 1
    suspension = services.fact_record(
        learner=learner,
        fact=Suspension(
            reason=SuspensionReason.PERSONAL,
            starts_on=date(2025, 2, 1),
            ends_on=date(2025, 3, 31),
            evidence="Approved by the agency",
        ),
        actor=case_manager,
    )
    services.decision_record(decision=suspension, approve=True, actor=case_manager)  # type: ignore[arg-type]
    signal.refresh_from_db()
    assert signal.withdrawn_at is not None  # the deadline moved past the registration
    assert state(learner).pillars["work"]["status"] == "met"
    assert "trajectory.signal.withdrawn" in codes(learner)


def test_recorded_noncompliance_becomes_a_signal_with_its_evidence(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)
    services.fact_record(
        learner=learner,
        fact=Noncompliance(
            code="refused_test", occurred_on=date(2026, 3, 1), evidence="Did not come, no reason"
        ),
        actor=case_manager,
    )
    signal = Signal.objects.get(learner=learner, code="refused_test")
    assert signal.evidence["recorded"]["evidence"] == "Did not come, no reason"
    event = Event.objects.filter(code="trajectory.signal.raised").last()
    assert event is not None
    assert event.payload["signal"] == "refused_test"


def test_an_approved_exemption_meets_the_pillar(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)
    exemption = services.fact_record(
        learner=learner,
        fact=Exemption(pillar="work", reason="unfit_for_work", evidence="Medical certificate"),
        actor=case_manager,
    )
    assert state(learner).pillars["work"]["status"] == "open"
    services.decision_record(decision=exemption, approve=True, actor=case_manager)  # type: ignore[arg-type]
    assert state(learner).pillars["work"]["status"] == "exempt"
    assert Exemption.objects.get().status == DecisionStatus.APPROVED


def test_the_attest_is_dated_the_day_the_last_pillar_was_met(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    LearnerProfile.objects.filter(pk=learner.pk).update(employment=Employment.EMPLOYED)
    learner.refresh_from_db()
    sign_contract(learner)
    with refused("attest_not_eligible"):
        services.attest_issue(learner=learner, actor=case_manager)
    for kind, day, level in (
        (ExamKind.MO, date(2026, 5, 4), ""),
        (ExamKind.NT2, date(2026, 9, 8), "A2"),
    ):
        session = services.fact_record(
            learner=learner, fact=ExamSession(kind=kind, session_on=day), actor=case_manager
        )
        services.exam_result_record(
            session=session,
            outcome=ExamOutcome.PASSED,
            level=level,
            actor=case_manager,  # type: ignore[arg-type]
        )
    attest = services.attest_issue(learner=learner, actor=case_manager)
    assert attest.attest_on == date(2026, 9, 8)
    assert state(learner).snapshot["attest"]["number"] == attest.number
    with refused("attest_exists"):
        services.attest_issue(learner=learner, actor=case_manager)


def test_advice_to_the_immigration_office_is_recorded_and_announced(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    sign_contract(learner)
    advice = services.advice_send(learner=learner, actor=case_manager)
    assert set(advice.snapshot["pillars"]) == {"mo", "nt2", "work", "participation"}
    assert len(state(learner).snapshot["advices"]) == 1
    assert "trajectory.advice.sent" in codes(learner)


def test_the_nightly_refresh_raises_signals_as_days_pass(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    from django.db import transaction

    sign_contract(learner, signed_on=date(2024, 1, 31), richttermijn=date(2025, 1, 31))
    # Signed long ago with nothing registered: refreshing today raises both deadline signals.
    assert set(Signal.objects.filter(learner=learner).values_list("code", flat=True)) == {
        "late_employment_service_registration",
        "participation_not_met",
    }
    with transaction.atomic():
        services.trajectory_refresh(learner=learner, actor=None, today=date(2024, 2, 1))
    assert state(learner).open_signals == 0  # as of then, nothing was late yet


def test_the_learner_hears_of_progress_but_never_of_signals(
    learner: LearnerProfile, case_manager: User, sign_contract: Callable[..., Contract]
) -> None:
    from portal.notifications.messages import notification_text
    from portal.notifications.models import Notification

    sign_contract(learner, signed_on=date(2024, 1, 31), richttermijn=date(2025, 1, 31))
    assert Signal.objects.filter(learner=learner).exists()
    codes_heard = set(
        Notification.objects.filter(recipient=learner.user).values_list("code", flat=True)
    )
    assert "trajectory.contract.signed" in codes_heard
    assert not any(".signal." in code for code in codes_heard)
    session = services.fact_record(
        learner=learner,
        fact=ExamSession(kind=ExamKind.MO, session_on=date(2024, 6, 1)),
        actor=case_manager,
    )
    services.exam_result_record(
        session=session,  # type: ignore[arg-type]
        outcome=ExamOutcome.PASSED,
        level="",
        actor=case_manager,
    )
    met = Notification.objects.get(recipient=learner.user, code="trajectory.pillar.met")
    with translation.override("en"):
        text = notification_text(met.code, met.params)
    assert text == "Well done: Civic orientation (MO) is done."
