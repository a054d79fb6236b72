"""Rebuild a learner's read model from the facts and keep the signal list in step with it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.trajectory import rules, snapshot
from learner.trajectory.models import Signal, TrajectoryState
from learner.trajectory.selectors import Gathered, gather_many
from portal.accounts.models import User
from portal.events.services import dossiers_changed, event_record

# Record fields that are bookkeeping, not content: the dossier shows them apart (source, age).
BOOKKEEPING = {"id", "learner", "source", "external_id", "version", "recorded_by", "updated_at"}


# Learners whose refresh waits for the end of a batch (see ``refresh_deferred``).
_deferred: ContextVar[dict[int, LearnerProfile] | None] = ContextVar("deferred", default=None)
# How many read models one catch-up transaction rebuilds.
CATCH_UP_CHUNK = 200


@contextmanager
def refresh_deferred(*, queued: bool = False) -> Iterator[None]:
    """Within this block, refresh each learner once, at its end, instead of after every write.

    For batches (the back office sends many facts per learner): the caller's transaction still
    holds the facts and the rebuilt read model together. With ``queued``, the rebuild is left to
    a background task instead (``trajectory_refresh_queue``): a large batch then costs its
    writes only, and the screens judge from the facts until the task has run. Not used if the
    block raises.
    """
    pending: dict[int, LearnerProfile] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending and queued:
        trajectory_refresh_queue(list(pending))
    elif pending:
        trajectory_refresh_many(learners=lock_many(list(pending)), actor=None)


def trajectory_refresh_queue(learner_ids: list[int]) -> None:
    """Mark these read models stale and queue their rebuild, in the caller's transaction.

    The task is stored in the same database transaction (Django Tasks, database backend), so
    the facts, the stale marks and the task commit or vanish together.
    """
    from learner.trajectory.tasks import trajectory_catch_up

    states = TrajectoryState.objects.filter(learner_id__in=learner_ids)
    have = set(states.values_list("learner_id", flat=True))
    states.update(stale=True)
    today, now = timezone.localdate(), timezone.now()
    TrajectoryState.objects.bulk_create(  # learners new in this batch: an empty, stale state
        TrajectoryState(learner_id=pk, stale=True, computed_on=today, computed_at=now)
        for pk in learner_ids
        if pk not in have
    )
    trajectory_catch_up.enqueue()


def trajectory_catch_up(*, chunk: int = CATCH_UP_CHUNK) -> int:
    """Rebuild every stale read model, ``chunk`` learners per transaction; how many were rebuilt.

    Learners are locked before their state, as every writer does (no deadlock with a batch);
    learners a batch holds right now are skipped: that batch queues its own catch-up.
    Concurrent workers take different learners (SKIP LOCKED on PostgreSQL).
    """
    done = 0
    while True:
        ids = list(
            TrajectoryState.objects.filter(stale=True)
            .order_by("learner_id")
            .values_list("learner_id", flat=True)[:chunk]
        )
        if not ids:
            return done
        with transaction.atomic():
            locked = lock_many(ids, skip_locked=True)
            if not locked:
                return done  # all held by running batches, which queue their own catch-up
            still_stale = set(
                TrajectoryState.objects.filter(learner__in=locked, stale=True).values_list(
                    "learner_id", flat=True
                )
            )
            learners = [learner for learner in locked if learner.pk in still_stale]
            trajectory_refresh_many(learners=learners, actor=None)
        done += len(learners)


def lock(learner: LearnerProfile) -> LearnerProfile:
    """Serialize writes about one learner: every trajectory service takes this row lock first."""
    return (
        LearnerProfile.objects.select_for_update()
        .select_related("municipality", "user")
        .get(pk=learner.pk)
    )


def lock_many(ids: list[int], *, skip_locked: bool = False) -> list[LearnerProfile]:
    """``lock`` for many learners, in id order (two batches never wait on each other in a ring).

    With ``skip_locked``, learners another transaction holds are left out instead of awaited.
    """
    return list(
        LearnerProfile.objects.select_for_update(skip_locked=skip_locked)
        .select_related("municipality", "user")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def record_data(record: models.Model) -> dict[str, Any]:
    """One fact as the dossier lists it: kind, content fields, source and age."""
    fields = {
        f.name: _value(getattr(record, f.name))
        for f in record._meta.concrete_fields
        if f.name not in BOOKKEEPING
    }
    recorded_by: User | None = getattr(record, "recorded_by", None)
    return {
        "kind": record._meta.model_name,
        "id": record.pk,
        "fields": fields,
        "source": getattr(record, "source", ""),
        "updated_at": getattr(record, "updated_at", None),
        "recorded_by": recorded_by.display_name if recorded_by else "",
    }


def snapshot_document(gathered: Gathered) -> dict[str, Any]:
    contract = gathered.contract
    return {
        "facts": snapshot.facts_to_data(gathered.facts) if gathered.facts else None,
        "rules": snapshot.rules_to_data(gathered.rules) if gathered.rules else None,
        "rule_set_from": contract.rule_set.effective_from.isoformat() if contract else None,
        "declaration_version": contract.declaration.version if contract else None,
        "records": [record_data(r) for r in gathered.records],
        "attest": (
            {
                "number": gathered.attest.number,
                "attest_on": gathered.attest.attest_on.isoformat(),
                "issued_at": gathered.attest.issued_at,
            }
            if gathered.attest
            else None
        ),
        "advices": [{"sent_at": a.sent_at} for a in gathered.advices],
        "deadline_changes": [
            {
                "component": c.component,
                "previous": _value(c.previous),
                "new": _value(c.new),
                "reason": c.reason,
                "by": c.changed_by.display_name if c.changed_by else "",
                "at": c.changed_at,
            }
            for c in gathered.deadline_changes
        ],
    }


def _pillars(trajectory: rules.Trajectory) -> dict[str, dict[str, str | None]]:
    return {
        str(pillar): {
            "status": str(state.status),
            "met_on": _value(state.met_on),
            "deadline": _value(state.deadline),
        }
        for pillar, state in trajectory.pillars.items()
    }


def _signal_evidence(gathered: Gathered, signal: rules.Signal) -> dict[str, Any]:
    evidence: dict[str, Any] = {"raised_on": signal.raised_on.isoformat()}
    for record in gathered.records:
        if (
            record._meta.model_name == "noncompliance"
            and getattr(record, "code", "") == signal.code
        ):
            evidence["recorded"] = {
                "on": _value(getattr(record, "occurred_on", None)),
                "evidence": getattr(record, "evidence", ""),
            }
    return evidence


def _sync_signals(
    *, gathered: Gathered, trajectory: rules.Trajectory | None, actor: User | None
) -> int:
    derived = {(s.code, s.raised_on): s for s in (trajectory.signals if trajectory else [])}
    now = timezone.now()
    learner = gathered.profile
    for stored in gathered.signals:
        key = (stored.code, stored.raised_on)
        if key in derived and stored.withdrawn_at is not None:
            stored.withdrawn_at = None
            stored.save(update_fields=["withdrawn_at"])
            _signal_event("trajectory.signal.raised", stored, actor)
        elif key not in derived and stored.withdrawn_at is None:
            stored.withdrawn_at = now
            stored.save(update_fields=["withdrawn_at"])
            _signal_event("trajectory.signal.withdrawn", stored, actor)
        derived.pop(key, None)
    open_count = sum(1 for stored in gathered.signals if stored.withdrawn_at is None)
    for signal in derived.values():
        open_count += 1
        created = Signal.objects.create(
            learner=learner,
            code=signal.code,
            raised_on=signal.raised_on,
            evidence=_signal_evidence(gathered, signal),
            raised_at=now,
        )
        _signal_event("trajectory.signal.raised", created, actor)
    return open_count


def _signal_event(code: str, signal: Signal, actor: User | None) -> None:
    event_record(
        code=code,
        actor=actor,
        learner=signal.learner.user,
        agency=signal.learner.agency,
        payload={"signal": signal.code, "raised_on": signal.raised_on, "evidence": signal.evidence},
    )


def trajectory_refresh(
    *, learner: LearnerProfile, actor: User | None, today: date | None = None
) -> TrajectoryState | None:
    """Rebuild the learner's read model for ``today`` and sync their signals.

    Runs inside the caller's transaction after the learner's lock (``lock``). Emits
    ``trajectory.pillar.met`` for each pillar done since the last refresh and
    ``trajectory.signal.raised`` / ``.withdrawn`` as the facts and the days require. Inside
    ``refresh_deferred`` it only notes the learner (and returns None).
    """
    states = trajectory_refresh_many(learners=[learner], actor=actor, today=today)
    return states.get(learner.pk)


def trajectory_refresh_many(
    *, learners: list[LearnerProfile], actor: User | None, today: date | None = None
) -> dict[int, TrajectoryState]:
    """``trajectory_refresh`` for many locked learners: their facts gathered and stored together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("trajectory_refresh must run inside the writer's transaction.")
    pending = _deferred.get()
    if pending is not None:
        pending.update((learner.pk, learner) for learner in learners)
        return {}
    today = today or timezone.localdate()
    gathered_all = gather_many(learners)
    before_all = dict(
        TrajectoryState.objects.filter(learner__in=learners).values_list("learner_id", "pillars")
    )
    states = []
    for learner in learners:
        gathered = gathered_all[learner.pk]
        trajectory = (
            rules.evaluate(gathered.facts, gathered.rules, today)
            if gathered.facts is not None and gathered.rules is not None
            else None
        )
        before = before_all.get(learner.pk) or {}
        pillars = _pillars(trajectory) if trajectory else {}
        for pillar, now_state in pillars.items():
            was_done = before.get(pillar, {}).get("status") in rules.DONE
            if now_state["status"] in rules.DONE and not was_done:
                event_record(
                    code="trajectory.pillar.met",
                    actor=actor,
                    learner=learner.user,
                    agency=learner.agency,
                    payload={"pillar": pillar, **now_state},
                )
        open_signals = _sync_signals(gathered=gathered, trajectory=trajectory, actor=actor)
        next_deadline = trajectory.next_deadline if trajectory else None
        states.append(
            TrajectoryState(
                learner=learner,
                snapshot=snapshot_document(gathered),
                pillars=pillars,
                next_deadline=next_deadline.due_on if next_deadline else None,
                next_deadline_kind=next_deadline.kind if next_deadline else "",
                open_signals=open_signals,
                attest_eligible_on=trajectory.attest.on if trajectory else None,
                computed_on=today,
                computed_at=timezone.now(),
                stale=False,
            )
        )
    # One upsert for all: the read model of each learner is replaced whole.
    TrajectoryState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["learner"],
        update_fields=[
            "snapshot",
            "pillars",
            "next_deadline",
            "next_deadline_kind",
            "open_signals",
            "attest_eligible_on",
            "computed_on",
            "computed_at",
            "stale",
        ],
    )
    for learner, state in zip(learners, states, strict=True):
        learner.trajectory_state = state
    # A rebuilt read model can change the home screen without an event (a deadline passed).
    dossiers_changed([learner.user_id for learner in learners])
    return {state.learner_id: state for state in states}
