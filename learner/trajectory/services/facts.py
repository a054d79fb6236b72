"""Recording the facts of a running trajectory: courses, tests, registrations, periods, payments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.profiles.services import VersionConflictError
from learner.trajectory import rules
from learner.trajectory.models import (
    ActivityPeriod,
    Contract,
    Eligibility,
    EmploymentServiceRegistration,
    ExamSession,
    Exemption,
    Fact,
    FeePayment,
    LearningCeiling,
    MoCourse,
    Noncompliance,
    Nt2Module,
    Nt2Route,
    Screening,
    Suspension,
)
from learner.trajectory.models.facts import DecisionStatus, ExamKind, ExamOutcome, Source
from learner.trajectory.reasons import refusal
from learner.trajectory.selectors import gather
from learner.trajectory.services.refresh import lock, trajectory_refresh
from portal.accounts.models import User
from portal.events.services import event_record

# The kinds of fact a case manager records on a running contract (and the sync API later).
RECORDABLE: tuple[type[Fact], ...] = (
    Nt2Route,
    Nt2Module,
    MoCourse,
    Screening,
    ExamSession,
    EmploymentServiceRegistration,
    Exemption,
    Suspension,
    LearningCeiling,
    ActivityPeriod,
    Noncompliance,
    FeePayment,
)
# One of these per learner: recording again replaces the values.
SINGLE = (Nt2Route, LearningCeiling)


def _check_test_planning(learner: LearnerProfile, session: ExamSession) -> None:
    """The rules that refuse a test attempt before it is planned."""
    gathered = gather(learner)
    facts, rule_set = gathered.facts, gathered.rules
    if facts is None or rule_set is None:
        raise refusal("no_contract")
    if session.kind == ExamKind.MO:
        reason = rules.may_take_mo_test(facts)
    elif session.kind == ExamKind.MO_EXEMPTION:
        reason = rules.may_take_mo_exemption_test(facts)
    elif session.kind == ExamKind.NT2:
        reason = rules.may_take_nt2_test(facts, rule_set)
    else:
        reason = None
    if reason:
        raise refusal(reason)


F = TypeVar("F", bound=Fact)


def fact_record(*, learner: LearnerProfile, fact: F, actor: User | None) -> F:
    """Record one fact about a learner with a contract, then recompute their trajectory.

    ``fact`` is an unsaved instance of a ``RECORDABLE`` model (its learner is set here). A test
    session must be planned before its result (``exam_result_record``); the rules may refuse
    planning it. Exemptions and suspensions start as requests unless ``fact.status`` says
    otherwise. Emits ``trajectory.fact.recorded``.
    """
    if not isinstance(fact, RECORDABLE):
        raise TypeError(f"{type(fact).__name__} is not recorded through fact_record.")
    with transaction.atomic():
        learner = lock(learner)
        if not Contract.objects.filter(learner=learner).exists():
            raise refusal("no_contract")
        if isinstance(fact, SINGLE):
            existing = type(fact)._default_manager.filter(learner=learner).first()
            if existing is not None and existing.source == Source.BACKOFFICE:
                raise refusal("owned_by_backoffice")
            if existing is not None:
                fact.pk = existing.pk
        fact.learner = learner
        fact.recorded_by = actor
        fact.updated_at = timezone.now()
        if isinstance(fact, ExamSession):
            if fact.pk is None and fact.outcome != ExamOutcome.PLANNED:
                raise refusal("not_planned")
            _check_test_planning(learner, fact)
        fact.full_clean()
        fact.save()
        event_record(
            code="trajectory.fact.recorded",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={"kind": fact._meta.model_name, "id": fact.pk},
        )
        trajectory_refresh(learner=learner, actor=actor)
    return fact


def exam_result_record(
    *, session: ExamSession, outcome: ExamOutcome, level: str, actor: User | None
) -> ExamSession:
    """The result of a planned session. NT2 and B1 results need the level.

    Emits ``trajectory.test.result_recorded``.
    """
    if outcome == ExamOutcome.PLANNED:
        raise refusal("not_planned")
    with transaction.atomic():
        learner = lock(session.learner)
        session = ExamSession.objects.select_for_update().get(pk=session.pk, learner=learner)
        if session.outcome != ExamOutcome.PLANNED:
            raise refusal("not_planned")
        if session.kind in {ExamKind.NT2, ExamKind.B1} and not level:
            raise refusal("level_required")
        session.outcome = outcome
        session.level = level
        session.recorded_by = actor
        session.updated_at = timezone.now()
        session.full_clean()
        session.save()
        event_record(
            code="trajectory.test.result_recorded",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={"kind": session.kind, "outcome": outcome, "level": level},
        )
        trajectory_refresh(learner=learner, actor=actor)
    return session


def decision_record(
    *, decision: Exemption | Suspension, approve: bool, actor: User
) -> Exemption | Suspension:
    """Approve or refuse a requested exemption or suspension (agency staff).

    An approved suspension stops deadline signals while it runs and moves the deadlines after.
    Emits ``trajectory.exemption.decided`` or ``trajectory.suspension.decided``.
    """
    with transaction.atomic():
        learner = lock(decision.learner)
        decision = (
            type(decision)._default_manager.select_for_update().get(pk=decision.pk, learner=learner)
        )
        if decision.status != DecisionStatus.REQUESTED:
            raise refusal("already_decided")
        decision.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.updated_at = decision.decided_at
        decision.save()
        event_record(
            code=f"trajectory.{decision._meta.model_name}.decided",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={"id": decision.pk, "status": decision.status},
        )
        trajectory_refresh(learner=learner, actor=actor)
    return decision


# Back office -------------------------------------------------------------------------------------

# What the back office may send, beyond the case manager's kinds: it owns eligibility too.
UPSERTABLE: tuple[type[Fact], ...] = (Eligibility, *RECORDABLE)
# One of these per learner: the back office's record replaces the portal's.
SINGLE_PER_LEARNER = (Eligibility, Nt2Route, LearningCeiling)


def fact_upsert(
    *,
    learner: LearnerProfile,
    model: type[Fact],
    external_id: str,
    version: int,
    values: dict[str, Any],
    updated_at: datetime | None = None,
) -> tuple[Fact, bool]:
    """Create or update the fact the back office knows as ``external_id``; (fact, changed).

    The back office is the system of record: no planning checks (its test results happened), but
    the model's own validation holds. An older ``version`` than stored raises
    ``VersionConflictError``; the same version changes nothing. Emits
    ``trajectory.fact.recorded`` and recomputes the trajectory.
    """
    if model not in UPSERTABLE:
        raise TypeError(f"{model.__name__} is not sent by the back office.")
    with transaction.atomic():
        learner = lock(learner)
        if model is not Eligibility and not Contract.objects.filter(learner=learner).exists():
            raise refusal("no_contract")
        records = model._default_manager.select_for_update().filter(learner=learner)
        existing = records.filter(external_id=external_id).first()
        if existing is None and model in SINGLE_PER_LEARNER:
            existing = records.first()
        if existing is not None and existing.source == Source.BACKOFFICE:
            if version < existing.version:
                raise VersionConflictError(existing.version)
            if version == existing.version:
                return existing, False
        fact = existing or model(learner=learner)
        for name, value in values.items():
            setattr(fact, name, value)
        fact.source = Source.BACKOFFICE
        fact.external_id = external_id
        fact.version = version
        fact.recorded_by = None
        fact.updated_at = updated_at or timezone.now()
        fact.full_clean()
        fact.save()
        event_record(
            code="trajectory.fact.recorded",
            actor=None,
            learner=learner.user,
            agency=learner.agency,
            payload={
                "kind": model._meta.model_name,
                "id": fact.pk,
                "external_id": external_id,
                "version": version,
            },
        )
        trajectory_refresh(learner=learner, actor=None)
    return fact, True
