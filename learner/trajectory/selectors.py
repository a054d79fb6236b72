"""Reads of the trajectory, scoped to who asks (fail closed), and the gathering of facts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.utils import timezone

from learner.participation.selectors import confirmed_hours
from learner.profiles.models import Employment, LearnerProfile, Obligation
from learner.profiles.selectors import learner_list_for, learners_visible_to
from learner.trajectory import rules, snapshot
from learner.trajectory.models import (
    ActivityPeriod,
    Attest,
    AuthorityAdvice,
    Contract,
    ContractProof,
    DeadlineChange,
    Declaration,
    DeclarationAcknowledgement,
    Eligibility,
    EmploymentServiceRegistration,
    ExamSession,
    Exemption,
    FeePayment,
    LearningCeiling,
    MoCourse,
    Noncompliance,
    Nt2Module,
    Nt2OnlyReferral,
    Nt2Route,
    RuleSet,
    Screening,
    Signal,
    Suspension,
    TrajectoryState,
)
from learner.trajectory.models.facts import (
    DecisionStatus,
    ExamKind,
    ExamOutcome,
    MoCourseKind,
)
from portal.accounts.models import User

# Fact models listed in a dossier, in the order a case manager reads them.
DOSSIER_FACTS: tuple[type[Model], ...] = (
    Eligibility,
    Contract,
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
    FeePayment,
    Nt2OnlyReferral,
)
# Assumed when the register has not sent a birth date: working age, so no duty is hidden.
UNKNOWN_AGE_YEARS = 30


def rule_set_in_force(on: date) -> RuleSet:
    """The stored rule set for a contract signed on ``on``; raises RuleSet.DoesNotExist."""
    found = RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if found is None:
        raise RuleSet.DoesNotExist(f"No rule set in force on {on.isoformat()}.")
    return found


def declaration_current(on: date | None = None) -> Declaration | None:
    on = on or timezone.localdate()
    return Declaration.objects.filter(effective_from__lte=on).order_by("-version").first()


def acknowledgement_of(
    *, learner: LearnerProfile, declaration: Declaration
) -> DeclarationAcknowledgement | None:
    return DeclarationAcknowledgement.objects.filter(
        learner=learner, declaration=declaration
    ).first()


@dataclass
class Gathered:
    """Every fact of one learner, loaded once (only on writes, refreshes and ``as_of`` reads)."""

    profile: LearnerProfile
    contract: Contract | None
    facts: rules.Facts | None
    rules: rules.RuleSet | None
    records: list[Model] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    attest: Attest | None = None
    advices: list[AuthorityAdvice] = field(default_factory=list)
    deadline_changes: list[DeadlineChange] = field(default_factory=list)


def _grouped(queryset: QuerySet[Any], key: str = "learner_id") -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for record in queryset:
        grouped.setdefault(getattr(record, key), []).append(record)
    return grouped


def gather(profile: LearnerProfile) -> Gathered:
    """Load the learner's facts and build ``rules.Facts`` (None before a contract exists)."""
    return gather_many([profile])[profile.pk]


def gather_many(profiles: Sequence[LearnerProfile]) -> dict[int, Gathered]:
    """``gather`` for many learners at once: one query per kind of record, not per learner."""
    ids = [profile.pk for profile in profiles]
    loaded: dict[type[Model], dict[int, list[Any]]] = {}
    for model in DOSSIER_FACTS:
        records = model._default_manager.filter(learner_id__in=ids).select_related("recorded_by")
        if model is Contract:
            records = records.select_related("rule_set", "declaration")
        loaded[model] = _grouped(records)
    noncompliance = _grouped(
        Noncompliance.objects.filter(learner_id__in=ids).select_related("recorded_by")
    )
    signals = _grouped(Signal.objects.filter(learner_id__in=ids))
    attests = _grouped(Attest.objects.filter(learner_id__in=ids))
    advices = _grouped(AuthorityAdvice.objects.filter(learner_id__in=ids).select_related("sent_by"))
    changes = _changes_by_learner(ids)
    hours = confirmed_hours(ids)
    rule_sets: dict[int, rules.RuleSet] = {}
    result: dict[int, Gathered] = {}
    for profile in profiles:
        mine = {model: loaded[model].get(profile.pk, []) for model in DOSSIER_FACTS}
        own_noncompliance = noncompliance.get(profile.pk, [])
        contract = next(iter(mine[Contract]), None)
        gathered = Gathered(
            profile=profile,
            contract=contract,
            facts=None,
            rules=None,
            records=[record for records in mine.values() for record in records] + own_noncompliance,
            signals=signals.get(profile.pk, []),
            attest=next(iter(attests.get(profile.pk, [])), None),
            advices=advices.get(profile.pk, []),
            deadline_changes=changes.get(profile.pk, []),
        )
        if contract is not None:
            if contract.rule_set_id not in rule_sets:
                rule_sets[contract.rule_set_id] = contract.rule_set.as_rules()
            gathered.rules = rule_sets[contract.rule_set_id]
            gathered.facts = _facts(
                profile, contract, mine, own_noncompliance, hours.get(profile.pk, [])
            )
        result[profile.pk] = gathered
    return result


def _changes_by_learner(ids: list[int]) -> dict[int, list[DeadlineChange]]:
    grouped: dict[int, list[DeadlineChange]] = {}
    for change in DeadlineChange.objects.filter(contract__learner_id__in=ids).select_related(
        "changed_by", "contract"
    ):
        grouped.setdefault(change.contract.learner_id, []).append(change)
    return grouped


def _exam(session: ExamSession) -> rules.ExamResult:
    return rules.ExamResult(
        taken_on=session.session_on,
        passed=session.outcome == ExamOutcome.PASSED,
        level=session.level,
        taken=session.outcome != ExamOutcome.PLANNED,
    )


def _facts(
    profile: LearnerProfile,
    contract: Contract,
    loaded: dict[type[Model], list[Any]],
    noncompliance: list[Noncompliance],
    participation: list[tuple[Any, Decimal]],
) -> rules.Facts:
    sessions: list[ExamSession] = loaded[ExamSession]
    route: Nt2Route | None = next(iter(loaded[Nt2Route]), None)
    registrations: list[EmploymentServiceRegistration] = loaded[EmploymentServiceRegistration]
    mo_courses: list[MoCourse] = loaded[MoCourse]
    approved_suspensions = [s for s in loaded[Suspension] if s.status == DecisionStatus.APPROVED]
    birth_date = profile.birth_date or contract.signed_on.replace(
        year=contract.signed_on.year - UNKNOWN_AGE_YEARS, day=1
    )
    agreed = [
        (rules.Pillar.MO, contract.mo_deadline),
        (rules.Pillar.NT2, contract.nt2_deadline),
        (rules.Pillar.WORK, contract.work_deadline),
        (rules.Pillar.PARTICIPATION, contract.participation_deadline),
    ]
    return rules.Facts(
        signed_on=contract.signed_on,
        richttermijn=contract.richttermijn,
        birth_date=birth_date,
        region=profile.municipality.region,
        obligated=profile.obligation == Obligation.OBLIGATED,
        working=profile.employment == Employment.EMPLOYED,
        studying=profile.employment == Employment.STUDYING,
        low_literate=profile.low_literate,
        uitgeleerd=bool(loaded[LearningCeiling]),
        exemptions=frozenset(
            rules.Pillar(e.pillar) for e in loaded[Exemption] if e.status == DecisionStatus.APPROVED
        ),
        suspensions=tuple(rules.Period(s.starts_on, s.ends_on) for s in approved_suspensions),
        mo_course_started=any(c.kind == MoCourseKind.COURSE for c in mo_courses),
        mo_repeat_courses=sum(1 for c in mo_courses if c.kind == MoCourseKind.REPEAT),
        mo_tests=tuple(_exam(s) for s in sessions if s.kind == ExamKind.MO),
        mo_exemption_screened=any(s.exemption_test_allowed for s in loaded[Screening]),
        mo_exemption_tests=tuple(_exam(s) for s in sessions if s.kind == ExamKind.MO_EXEMPTION),
        nt2_provider=route.provider_type if route else "cvo",
        nt2_modules=tuple(
            rules.Nt2Module(m.lestijden, m.attended_lestijden, m.ended_on)
            for m in loaded[Nt2Module]
        ),
        nt2_tests=tuple(_exam(s) for s in sessions if s.kind == ExamKind.NT2),
        b1_tests=tuple(_exam(s) for s in sessions if s.kind == ExamKind.B1),
        employment_service_registered_on=min(
            (r.registered_on for r in registrations), default=None
        ),
        participation=tuple(participation),
        activity_periods=tuple(
            rules.Period(p.starts_on, p.ends_on) for p in loaded[ActivityPeriod]
        ),
        component_deadlines=tuple((p, day) for p, day in agreed if day is not None),
        noncompliance=tuple((n.code, n.occurred_on) for n in noncompliance),
    )


# Reads for the screens -------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A learner's trajectory as a screen shows it: judged on ``on`` from the read model."""

    profile: LearnerProfile
    state: TrajectoryState | None
    facts: rules.Facts | None
    rule_set: rules.RuleSet | None
    trajectory: rules.Trajectory | None
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> dict[str, Any]:
        return self.document


def view_of(profile: LearnerProfile, *, on: date | None = None) -> View:
    """Judge the learner's trajectory on ``on`` (today by default) from the stored snapshot.

    One query (the state) and none if the profile was fetched with ``trajectory_state``. While
    a queued rebuild is pending (``stale``), it judges from the facts themselves instead.
    """
    on = on or timezone.localdate()
    try:
        state: TrajectoryState | None = profile.trajectory_state
    except TrajectoryState.DoesNotExist:
        state = None
    if state is not None and state.stale:
        return _live_view(profile, state, on)
    data = state.snapshot if state is not None else {}
    if not data.get("facts"):
        return View(profile, state, None, None, None, data)
    facts = snapshot.facts_from_data(data["facts"])
    rule_set = snapshot.rules_from_data(data["rules"])
    return View(profile, state, facts, rule_set, rules.evaluate(facts, rule_set, on), data)


def _live_view(profile: LearnerProfile, state: TrajectoryState, on: date) -> View:
    # The read model's own document builder (a read: nothing is stored here).
    from learner.trajectory.services.refresh import snapshot_document

    gathered = gather(profile)
    document = json.loads(json.dumps(snapshot_document(gathered), cls=DjangoJSONEncoder))
    if gathered.facts is None or gathered.rules is None:
        return View(profile, state, None, None, None, document)
    trajectory = rules.evaluate(gathered.facts, gathered.rules, on)
    return View(profile, state, gathered.facts, gathered.rules, trajectory, document)


def own_view(*, user: User) -> View | None:
    """The signed-in learner's own trajectory, or None for anyone else."""
    profile = (
        learners_visible_to(user=user)
        .filter(user=user)
        .select_related("user", "municipality", "trajectory_state")
        .first()
    )
    return view_of(profile) if profile is not None else None


def caseload_for(
    *, user: User, search: str = "", due_within_days: int | None = None, signals_open: bool = False
) -> QuerySet[LearnerProfile]:
    """The staff list with each learner's read model: scoped, searchable, filterable."""
    profiles = learner_list_for(user=user, search=search).select_related("trajectory_state")
    if due_within_days is not None:
        today = timezone.localdate()
        profiles = profiles.filter(
            trajectory_state__next_deadline__gte=today,
            trajectory_state__next_deadline__lte=rules.add_days(today, due_within_days),
        )
    if signals_open:
        profiles = profiles.filter(trajectory_state__open_signals__gt=0)
    return profiles


def proof_valid_today(*, token: str) -> bool | None:
    """Whether the contract behind a proof token is valid today; None for an unknown token."""
    proof = (
        ContractProof.objects.filter(token=token)
        .select_related("learner__trajectory_state")
        .first()
    )
    if proof is None:
        return None
    view = view_of(proof.learner)
    return bool(view.trajectory and view.trajectory.interpreter_covered)
