"""Demo trajectories: each demo learner at a different, realistic point of their contract.

Dates are relative to today, so the demo always shows upcoming and passed deadlines. Goes
through the services, like a case manager would; skipped for learners who have a contract.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.trajectory import services
from learner.trajectory.models import (
    Contract,
    Declaration,
    Eligibility,
    EmploymentServiceRegistration,
    ExamSession,
    FeePayment,
    MoCourse,
    Nt2Module,
    Nt2Route,
    Suspension,
)
from learner.trajectory.models.facts import (
    EmploymentService,
    ExamKind,
    ExamOutcome,
    MoCourseKind,
    Protection,
    ProviderType,
    Register,
    SuspensionReason,
)
from learner.trajectory.rules import add_months
from portal.accounts.models import User


def _days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def _start(profile: LearnerProfile, actor: User, signed_on: date, months: int) -> None:
    services.eligibility_record(
        learner=profile, register=Register.FOREIGNERS, protection=Protection.NONE, actor=actor
    )
    services.declaration_acknowledge(
        learner=profile,
        declaration=Declaration.objects.get(version=1),
        language=profile.user.preferred_language,
        signed_name=profile.user.get_full_name(),
    )
    services.contract_sign(
        learner=profile,
        signed_on=signed_on,
        richttermijn=add_months(signed_on, months),
        actor=actor,
    )


def _exam(
    profile: LearnerProfile,
    actor: User,
    kind: ExamKind,
    day: date,
    outcome: ExamOutcome,
    level: str = "",
) -> None:
    session = services.fact_record(
        learner=profile, fact=ExamSession(kind=kind, session_on=day), actor=actor
    )
    services.exam_result_record(session=session, outcome=outcome, level=level, actor=actor)


def demo_trajectories(*, learners: dict[str, LearnerProfile], staff: dict[str, User]) -> None:
    an, youssef = staff["tb.an"], staff["tb.youssef"]

    def fresh(dossier: str) -> LearnerProfile | None:
        profile = learners.get(dossier)
        if profile is None or Contract.objects.filter(learner=profile).exists():
            return None
        return profile

    if amal := fresh("INB-2026-0001"):
        # Four months in: MO failed once then the repeat course, NT2 at a CVO, VDAB too late.
        signed = _days(-120)
        _start(amal, an, signed, 12)
        record = services.fact_record
        record(learner=amal, fact=MoCourse(kind=MoCourseKind.COURSE, started_on=signed), actor=an)
        _exam(amal, an, ExamKind.MO, _days(-40), ExamOutcome.FAILED)
        record(
            learner=amal, fact=MoCourse(kind=MoCourseKind.REPEAT, started_on=_days(-20)), actor=an
        )
        record(
            learner=amal,
            fact=Nt2Route(provider_type=ProviderType.CVO, provider_name="CVO Leuven"),
            actor=an,
        )
        record(
            learner=amal,
            fact=Nt2Module(
                name="Richtgraad 1.1",
                lestijden=80,
                started_on=signed,
                ended_on=_days(-30),
                attended_lestijden=76,
            ),
            actor=an,
        )
        record(
            learner=amal,
            fact=Nt2Module(name="Richtgraad 1.2", lestijden=80, started_on=_days(-20)),
            actor=an,
        )
        record(
            learner=amal,
            fact=EmploymentServiceRegistration(
                service=EmploymentService.VDAB, registered_on=_days(-40)
            ),
            actor=an,
        )
        record(
            learner=amal,
            fact=FeePayment(item="mo_course", amount=Decimal("90"), paid_on=_days(-100)),
            actor=an,
        )
    if tesfay := fresh("INB-2026-0002"):
        # Working, low literate: MO and NT2 (adapted level) passed, so the attest can be issued.
        signed = _days(-300)
        _start(tesfay, an, signed, 12)
        services.fact_record(
            learner=tesfay, fact=MoCourse(kind=MoCourseKind.COURSE, started_on=signed), actor=an
        )
        _exam(tesfay, an, ExamKind.MO, _days(-200), ExamOutcome.PASSED)
        services.fact_record(
            learner=tesfay,
            fact=Nt2Route(provider_type=ProviderType.CBE, provider_name="CBE Mechelen"),
            actor=an,
        )
        services.fact_record(
            learner=tesfay,
            fact=Nt2Module(name="Alfa 1", lestijden=120, started_on=signed),
            actor=an,
        )
        _exam(tesfay, an, ExamKind.NT2, _days(-10), ExamOutcome.PASSED, "A1")
    if olena := fresh("INB-2026-0003"):
        signed = _days(-60)
        _start(olena, an, signed, 9)
        services.fact_record(
            learner=olena, fact=MoCourse(kind=MoCourseKind.COURSE, started_on=_days(-30)), actor=an
        )
    if zahra := fresh("INB-2026-0004"):
        # Brussels: Actiris within 60 days, due in ten days; every fee line is €0.
        signed = _days(-50)
        _start(zahra, youssef, signed, 18)
        services.fact_record(
            learner=zahra,
            fact=MoCourse(kind=MoCourseKind.COURSE, started_on=_days(-20)),
            actor=youssef,
        )
        services.fact_record(
            learner=zahra,
            fact=Nt2Route(provider_type=ProviderType.CBE, provider_name="CBE Brussel"),
            actor=youssef,
        )
        services.fact_record(
            learner=zahra,
            fact=Nt2Module(name="Alfa 1", lestijden=120, started_on=_days(-20)),
            actor=youssef,
        )
    if abdi := fresh("INB-2026-0005"):
        # A medical suspension of 20 days moved his deadlines.
        signed = _days(-90)
        _start(abdi, youssef, signed, 12)
        suspension = services.fact_record(
            learner=abdi,
            fact=Suspension(
                reason=SuspensionReason.MEDICAL,
                starts_on=_days(-45),
                ends_on=_days(-26),
                evidence="Hospital letter",
            ),
            actor=youssef,
        )
        services.decision_record(decision=suspension, approve=True, actor=youssef)
        services.fact_record(
            learner=abdi,
            fact=EmploymentServiceRegistration(
                service=EmploymentService.ACTIRIS, registered_on=_days(-10)
            ),
            actor=youssef,
        )
    james = fresh("INB-2026-0006")
    if james and not Eligibility.objects.filter(learner=james).exists():
        # Intake done, contract not yet signed: the declaration waits for him.
        services.eligibility_record(
            learner=james, register=Register.POPULATION, protection=Protection.NONE, actor=youssef
        )
