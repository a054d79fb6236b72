"""What agency staff decide on the whole trajectory: the attest and the advice to the DVZ."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.trajectory import rules
from learner.trajectory.models import Attest, AuthorityAdvice, Signal
from learner.trajectory.reasons import refusal
from learner.trajectory.selectors import gather
from learner.trajectory.services.refresh import lock, trajectory_refresh
from portal.accounts.models import User
from portal.events.services import event_record


def attest_issue(*, learner: LearnerProfile, actor: User, reviewed: bool = False) -> Attest:
    """Issue the attest, dated the day the last required pillar was met.

    Refused unless every pillar is done; for a learner who is ``uitgeleerd`` the rules route the
    decision to a person, so ``reviewed`` must confirm the dossier was reviewed (then the attest
    date is the last pillar met, or today). Emits ``trajectory.attest.issued``.
    """
    today = timezone.localdate()
    with transaction.atomic():
        learner = lock(learner)
        if Attest.objects.filter(learner=learner).exists():
            raise refusal("attest_exists")
        gathered = gather(learner)
        if gathered.facts is None or gathered.rules is None:
            raise refusal("no_contract")
        decision = rules.attest(gathered.facts, gathered.rules, today)
        if decision.manual_review and not reviewed:
            raise refusal("attest_review_required")
        if not decision.eligible and not decision.manual_review:
            raise refusal("attest_not_eligible")
        states = rules.pillar_states(gathered.facts, gathered.rules, today)
        met = [s.met_on for s in states.values() if s.met_on is not None]
        attest_on = decision.on or (max(met) if met else today)
        attest = Attest.objects.create(
            learner=learner,
            number=f"ATT-{today.year}-{secrets.token_hex(4).upper()}",
            attest_on=attest_on,
            issued_at=timezone.now(),
            issued_by=actor,
        )
        event_record(
            code="trajectory.attest.issued",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={"number": attest.number, "attest_on": attest_on, "reviewed": reviewed},
        )
        trajectory_refresh(learner=learner, actor=actor)
    return attest


def advice_send(*, learner: LearnerProfile, actor: User) -> AuthorityAdvice:
    """Record the systematic advice to the Dienst Vreemdelingenzaken: pillar statuses and signals.

    Staff only; the learner is told that and when it was sent. Emits ``trajectory.advice.sent``.
    """
    today = timezone.localdate()
    with transaction.atomic():
        learner = lock(learner)
        gathered = gather(learner)
        if gathered.facts is None or gathered.rules is None:
            raise refusal("no_contract")
        trajectory = rules.evaluate(gathered.facts, gathered.rules, today)
        open_signals = Signal.objects.filter(learner=learner, withdrawn_at__isnull=True)
        advice = AuthorityAdvice.objects.create(
            learner=learner,
            snapshot={
                "on": today,
                "pillars": {
                    str(p): {"status": str(s.status), "met_on": s.met_on}
                    for p, s in trajectory.pillars.items()
                },
                "signals": [
                    {"code": s.code, "raised_on": s.raised_on, "evidence": s.evidence}
                    for s in open_signals
                ],
                "attest_on": trajectory.attest.on,
            },
            sent_at=timezone.now(),
            sent_by=actor,
        )
        event_record(
            code="trajectory.advice.sent",
            actor=actor,
            learner=learner.user,
            agency=learner.agency,
            payload={"sent_on": today},
        )
        trajectory_refresh(learner=learner, actor=actor)
    return advice
