"""Recording the facts of a running trajectory: courses, tests, registrations, periods, payments."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
from portal.events.models import Event
from portal.events.services import event_record, events_record

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


@dataclass
class Upsert:
    """One back-office record for ``facts_upsert_many``; its outcome is filled in."""

    learner: LearnerProfile
    model: type[Fact]
    external_id: str
    version: int
    values: dict[str, Any]
    outcome: str = ""  # applied, unchanged, conflict or invalid
    current_version: int | None = None
    error: ValidationError | None = None


def facts_upsert_many(upserts: list[Upsert]) -> None:
    """``fact_upsert`` for a batch: the same rules, with a few queries per kind, not per record.

    The learners must be locked by the caller (``lock_many``), inside its transaction, with
    ``refresh_deferred`` around it. Records are applied in order (a later version in the same
    batch wins), then written with one insert and one update per kind, and their events with
    one insert. A record the database refuses makes its whole kind fall back to ``fact_upsert``
    one record at a time, so the others still apply.
    """
    now = timezone.now()
    learner_ids = {u.learner.pk for u in upserts}
    with_contract = set(
        Contract.objects.filter(learner_id__in=learner_ids).values_list("learner_id", flat=True)
    )
    by_model: dict[type[Fact], list[Upsert]] = {}
    for upsert in upserts:
        if upsert.model not in UPSERTABLE:
            raise TypeError(f"{upsert.model.__name__} is not sent by the back office.")
        by_model.setdefault(upsert.model, []).append(upsert)
    events: list[Event] = []
    for model, group in by_model.items():
        written = _upsert_kind(model, group, with_contract, now)
        if written is None:  # the database refused one: one by one, each in its savepoint
            for upsert in group:
                _upsert_one(upsert)
            continue
        events.extend(
            Event(
                code="trajectory.fact.recorded",
                learner=upsert.learner.user,
                agency_id=upsert.learner.agency_id,
                payload={
                    "kind": model._meta.model_name,
                    "id": fact.pk,
                    "external_id": upsert.external_id,
                    "version": upsert.version,
                },
            )
            for upsert, fact in written
        )
    if events:
        events_record(events)
    for learner in {u.learner.pk: u.learner for u in upserts if u.outcome == "applied"}.values():
        trajectory_refresh(learner=learner, actor=None)  # deferred: once per learner


def _upsert_kind(
    model: type[Fact], group: list[Upsert], with_contract: set[int], now: datetime
) -> list[tuple[Upsert, Fact]] | None:
    """Apply one kind's records in memory and write them; None if the database refused."""
    single = model in SINGLE_PER_LEARNER
    existing = model._default_manager.filter(learner_id__in={u.learner.pk for u in group})
    if not single:
        existing = existing.filter(external_id__in={u.external_id for u in group})
    by_key: dict[tuple[int, str], Fact] = {}
    by_learner: dict[int, Fact] = {}
    for fact in existing.order_by("id"):
        by_key.setdefault((fact.learner_id, fact.external_id), fact)
        by_learner.setdefault(fact.learner_id, fact)
    written: dict[int, tuple[Upsert, Fact]] = {}  # id(fact) → the last record applied to it
    for upsert in group:
        learner_id = upsert.learner.pk
        if model is not Eligibility and learner_id not in with_contract:
            upsert.outcome, upsert.error = "invalid", refusal("no_contract")
            continue
        current = by_key.get((learner_id, upsert.external_id))
        if current is None and single:
            current = by_learner.get(learner_id)
        if current is not None and current.source == Source.BACKOFFICE:
            if upsert.version < current.version:
                upsert.outcome, upsert.current_version = "conflict", current.version
                continue
            if upsert.version == current.version:
                upsert.outcome = "unchanged"
                continue
        fact = copy.copy(current) if current is not None else model(learner=upsert.learner)
        for name, value in upsert.values.items():
            setattr(fact, name, value)
        fact.source = Source.BACKOFFICE
        fact.external_id = upsert.external_id
        fact.version = upsert.version
        fact.recorded_by = None
        fact.updated_at = now
        try:
            # The learner is locked (it exists), unique-per-learner is kept by the lookup above,
            # and each check constraint has its rule in the model's clean(): no query per record.
            # Should the database still refuse one, the kind falls back to one at a time.
            fact.full_clean(exclude=["learner"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            upsert.outcome, upsert.error = "invalid", exc
            continue
        if current is not None:
            written.pop(id(current), None)
        by_key[(learner_id, upsert.external_id)] = fact
        if single:
            by_learner[learner_id] = fact
        written[id(fact)] = (upsert, fact)
        upsert.outcome = "applied"
    facts = [fact for _upsert, fact in written.values()]
    fields = [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != "learner"
    ]
    new = [fact for fact in facts if fact.pk is None]
    changed = [fact for fact in facts if fact.pk is not None]
    try:
        with transaction.atomic():
            model._default_manager.bulk_create(new)
            if changed:
                # An upsert on the primary key: one statement, unlike bulk_update's CASE per row.
                model._default_manager.bulk_create(
                    changed, update_conflicts=True, unique_fields=["id"], update_fields=fields
                )
    except IntegrityError:
        for upsert in group:
            upsert.outcome, upsert.error, upsert.current_version = "", None, None
        return None
    return list(written.values())


def _upsert_one(upsert: Upsert) -> None:
    try:
        with transaction.atomic():
            _fact, changed = fact_upsert(
                learner=upsert.learner,
                model=upsert.model,
                external_id=upsert.external_id,
                version=upsert.version,
                values=upsert.values,
            )
    except VersionConflictError as exc:
        upsert.outcome, upsert.current_version = "conflict", exc.current_version
    except ValidationError as exc:
        upsert.outcome, upsert.error = "invalid", exc
    except IntegrityError as exc:
        upsert.outcome = "invalid"
        upsert.error = ValidationError(str(exc).splitlines()[0][:200])
    else:
        upsert.outcome = "applied" if changed else "unchanged"
