"""Eligibility, the declaration, the contract and its deadlines."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.trajectory import rules
from learner.trajectory.models import (
    Contract,
    ContractProof,
    DeadlineChange,
    Declaration,
    DeclarationAcknowledgement,
    Eligibility,
    Nt2OnlyReferral,
    RuleSet,
)
from learner.trajectory.models.facts import DeadlineComponent, Source
from learner.trajectory.reasons import refusal
from learner.trajectory.selectors import declaration_current, rule_set_in_force
from learner.trajectory.services.refresh import lock, trajectory_refresh
from portal.accounts.models import User
from portal.events.models import Event
from portal.events.services import event_record, events_record


def eligibility_record(
    *,
    learner: LearnerProfile,
    register: str,
    protection: str,
    actor: User | None,
    source: str = Source.PORTAL,
    updated_at: datetime | None = None,
) -> Eligibility:
    """Record (or replace) register and protection status. Emits ``trajectory.fact.recorded``."""
    with transaction.atomic():
        learner = lock(learner)
        eligibility = Eligibility.objects.filter(learner=learner).first() or Eligibility(
            learner=learner
        )
        if source == Source.PORTAL and eligibility.source == Source.BACKOFFICE:
            raise refusal("owned_by_backoffice")
        eligibility.register = register
        eligibility.protection = protection
        eligibility.source = source
        eligibility.recorded_by = actor
        eligibility.updated_at = updated_at or timezone.now()
        eligibility.full_clean()
        eligibility.save()
        _fact_event(learner, eligibility, actor)
        trajectory_refresh(learner=learner, actor=actor)
    return eligibility


def nt2_referral_record(
    *, learner: LearnerProfile, referred_on: date, provider_name: str, actor: User | None
) -> Nt2OnlyReferral:
    """Refer a pending asylum seeker to NT2 only: no contract, pillars, fees or attest."""
    with transaction.atomic():
        learner = lock(learner)
        eligibility = Eligibility.objects.filter(learner=learner).first()
        if eligibility is None or not rules.nt2_only_referral_possible(
            eligibility.register, eligibility.protection
        ):
            raise refusal("nt2_referral_not_possible")
        referral = Nt2OnlyReferral(
            learner=learner, referred_on=referred_on, provider_name=provider_name, recorded_by=actor
        )
        referral.full_clean()
        referral.save()
        _fact_event(learner, referral, actor)
        trajectory_refresh(learner=learner, actor=actor)
    return referral


def declaration_acknowledge(
    *,
    learner: LearnerProfile,
    declaration: Declaration,
    language: str,
    signed_name: str = "",
) -> DeclarationAcknowledgement:
    """The learner confirms they read ``declaration`` (and signs it by typing their name).

    Idempotent: confirming again keeps the first time; a later signature is added to it.
    Emits ``trajectory.declaration.acknowledged`` (and ``.signed``) once each.
    """
    now = timezone.now()
    with transaction.atomic():
        learner = lock(learner)
        acknowledgement, created = DeclarationAcknowledgement.objects.get_or_create(
            learner=learner,
            declaration=declaration,
            defaults={"language": language, "acknowledged_at": now},
        )
        if created:
            event_record(
                code="trajectory.declaration.acknowledged",
                actor=learner.user,
                learner=learner.user,
                payload={"version": declaration.version, "language": language},
            )
        if signed_name.strip() and acknowledgement.signed_at is None:
            acknowledgement.signed_at = now
            acknowledgement.signed_name = signed_name.strip()[:200]
            acknowledgement.save(update_fields=["signed_at", "signed_name"])
            event_record(
                code="trajectory.declaration.signed",
                actor=learner.user,
                learner=learner.user,
                payload={"version": declaration.version},
            )
    return acknowledgement


def contract_sign(
    *,
    learner: LearnerProfile,
    signed_on: date,
    richttermijn: date,
    actor: User | None,
    deadlines: dict[str, date | None] | None = None,
    source: str = Source.PORTAL,
) -> Contract:
    """Record the signed contract under the rule set in force on ``signed_on``.

    Refused (with a reason code) outside the target group, without the current declaration
    acknowledged (and signed where required), or when a contract exists. Emits
    ``trajectory.contract.signed``.
    """
    with transaction.atomic():
        learner = lock(learner)
        if Contract.objects.filter(learner=learner).exists():
            raise refusal("contract_exists")
        acknowledgement = (
            DeclarationAcknowledgement.objects.filter(learner=learner)
            .select_related("declaration")
            .order_by("-declaration__version")
            .first()
        )
        contract = _contract_checked(
            learner=learner,
            signed_on=signed_on,
            richttermijn=richttermijn,
            eligibility=Eligibility.objects.filter(learner=learner).first(),
            acknowledgement=acknowledgement,
            actor=actor,
            deadlines=deadlines,
            source=source,
            in_force=_InForce(),
        )
        contract.full_clean()
        contract.save()
        event_record(
            code="trajectory.contract.signed",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload=_signed_payload(contract),
        )
        trajectory_refresh(learner=learner, actor=actor)
    return contract


class _InForce:
    """The rule set and declaration in force per signing day, each looked up once."""

    def __init__(self) -> None:
        self._rule_sets: dict[date, RuleSet | None] = {}
        self._declarations: dict[date, Declaration | None] = {}

    def rule_set(self, on: date) -> RuleSet | None:
        if on not in self._rule_sets:
            try:
                self._rule_sets[on] = rule_set_in_force(on)
            except RuleSet.DoesNotExist:
                self._rule_sets[on] = None
        return self._rule_sets[on]

    def declaration(self, on: date) -> Declaration | None:
        if on not in self._declarations:
            self._declarations[on] = declaration_current(on)
        return self._declarations[on]


def _contract_checked(
    *,
    learner: LearnerProfile,
    signed_on: date,
    richttermijn: date,
    eligibility: Eligibility | None,
    acknowledgement: DeclarationAcknowledgement | None,
    actor: User | None,
    deadlines: dict[str, date | None] | None,
    source: str,
    in_force: _InForce,
) -> Contract:
    """The unsaved contract, once the signing rules allow it (else a refusal with its reason)."""
    if eligibility is None:
        raise refusal("eligibility_unknown")
    reason = rules.may_sign_contract(eligibility.register, eligibility.protection)
    if reason:
        raise refusal(reason)
    rule_set = in_force.rule_set(signed_on)
    if rule_set is None:
        raise refusal("no_rule_set")
    declaration = in_force.declaration(signed_on)
    reason = rules.may_sign_with_declaration(
        rule_set.as_rules(),
        current_version=declaration.version if declaration else None,
        acknowledged_version=acknowledgement.declaration.version if acknowledgement else None,
        signed=bool(acknowledgement and acknowledgement.signed_at),
    )
    if reason or declaration is None:
        raise refusal(reason or "no_declaration")
    if richttermijn < signed_on:
        raise refusal("richttermijn_before_signing")
    return Contract(
        learner=learner,
        signed_on=signed_on,
        richttermijn=richttermijn,
        rule_set=rule_set,
        declaration=declaration,
        recorded_by=actor,
        source=source,
        **{f"{name}_deadline": day for name, day in (deadlines or {}).items()},
    )


def _signed_payload(contract: Contract) -> dict[str, object]:
    return {
        "signed_on": contract.signed_on,
        "richttermijn": contract.richttermijn,
        "rule_set": contract.rule_set.effective_from,
        "declaration": contract.declaration.version,
    }


@dataclass
class Signing:
    """One contract the back office sends for the first time (``contracts_sign_many``)."""

    learner: LearnerProfile  # locked by the caller
    signed_on: date
    richttermijn: date
    deadlines: dict[str, date | None]
    external_id: str
    version: int
    signed_on_paper: bool
    contract: Contract | None = None  # set once signed
    error: ValidationError | None = None


def contracts_sign_many(signings: list[Signing]) -> None:
    """``contract_sign`` for the back office's new contracts: the same rules, a few queries.

    The learners are locked by the caller, without a contract yet. A declaration signed on
    paper is acknowledged first. A signing the rules refuse gets ``error``; the others are
    saved together. Emits ``trajectory.contract.signed`` and queues each learner's refresh.
    """
    if not signings:
        return
    in_force = _InForce()
    now = timezone.now()
    ids = [s.learner.pk for s in signings]
    paper = []
    for signing in signings:
        declaration = in_force.declaration(signing.signed_on)
        if signing.signed_on_paper and declaration is not None:
            paper.append(
                DeclarationAcknowledgement(
                    learner=signing.learner,
                    declaration=declaration,
                    language="paper",
                    acknowledged_at=now,
                    signed_at=now,
                )
            )
    DeclarationAcknowledgement.objects.bulk_create(paper, ignore_conflicts=True)
    eligibility = {e.learner_id: e for e in Eligibility.objects.filter(learner_id__in=ids)}
    acknowledgements: dict[int, DeclarationAcknowledgement] = {}
    for ack in (
        DeclarationAcknowledgement.objects.filter(learner_id__in=ids)
        .select_related("declaration")
        .order_by("declaration__version")
    ):
        acknowledgements[ack.learner_id] = ack  # the latest version wins
    valid = []
    for signing in signings:
        try:
            contract = _contract_checked(
                learner=signing.learner,
                signed_on=signing.signed_on,
                richttermijn=signing.richttermijn,
                eligibility=eligibility.get(signing.learner.pk),
                acknowledgement=acknowledgements.get(signing.learner.pk),
                actor=None,
                deadlines=signing.deadlines,
                source=Source.BACKOFFICE,
                in_force=in_force,
            )
            contract.external_id, contract.version = signing.external_id, signing.version
            # The rules above checked the dates; the keys were just looked up.
            contract.full_clean(
                exclude=["learner", "rule_set", "declaration"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            signing.error = exc
            continue
        signing.contract = contract
        valid.append(signing)
    Contract.objects.bulk_create([s.contract for s in valid if s.contract is not None])
    events_record(
        [
            Event(
                code="trajectory.contract.signed",
                learner=s.learner.user,
                agency_id=s.learner.agency_id,
                payload=_signed_payload(s.contract),
            )
            for s in valid
            if s.contract is not None
        ]
    )
    for signing in valid:
        trajectory_refresh(learner=signing.learner, actor=None)  # deferred by the caller


def contract_deadline_change(
    *,
    learner: LearnerProfile,
    component: DeadlineComponent,
    new: date | None,
    reason: str,
    actor: User | None,
    from_backoffice: bool = False,
) -> DeadlineChange:
    """Change the richttermijn or one component deadline, keeping who, when, why and the old value.

    Emits ``trajectory.deadline.changed``.
    """
    field = (
        "richttermijn" if component == DeadlineComponent.RICHTTERMIJN else f"{component}_deadline"
    )
    with transaction.atomic():
        learner = lock(learner)
        contract = Contract.objects.filter(learner=learner).first()
        if contract is None:
            raise refusal("no_contract")
        if from_backoffice is False and contract.source == Source.BACKOFFICE:
            raise refusal("owned_by_backoffice")
        if component == DeadlineComponent.RICHTTERMIJN and (
            new is None or new < contract.signed_on
        ):
            raise refusal("richttermijn_before_signing")
        previous = getattr(contract, field)
        change = DeadlineChange(
            contract=contract,
            component=component,
            previous=previous,
            new=new,
            reason=reason.strip(),
            changed_by=actor,
        )
        change.full_clean()
        change.save()
        setattr(contract, field, new)
        contract.recorded_by = actor
        contract.updated_at = timezone.now()
        contract.save()
        event_record(
            code="trajectory.deadline.changed",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={"component": component, "previous": previous, "new": new},
        )
        trajectory_refresh(learner=learner, actor=actor)
    return change


def _fact_event(
    learner: LearnerProfile, record: Eligibility | Nt2OnlyReferral, actor: User | None
) -> None:
    event_record(
        code="trajectory.fact.recorded",
        actor=actor,
        learner=learner.user,
        agency=learner.agency,
        payload={"kind": record._meta.model_name, "id": record.pk},
    )


def contract_proof_for(*, learner: LearnerProfile, renew: bool = False) -> ContractProof:
    """The learner's proof token, made on first use; ``renew`` voids the old QR code.

    Emits ``trajectory.proof.renewed`` when renewed.
    """
    with transaction.atomic():
        learner = lock(learner)
        proof = ContractProof.objects.filter(learner=learner).first()
        if proof is not None and not renew:
            return proof
        proof = proof or ContractProof(learner=learner)
        proof.token = secrets.token_urlsafe(32)
        proof.created_at = timezone.now()
        proof.save()
        if renew:
            event_record(code="trajectory.proof.renewed", actor=learner.user, learner=learner.user)
    return proof
