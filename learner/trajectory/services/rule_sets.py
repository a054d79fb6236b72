"""Rule sets: new ones for future dates; those in force never change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from learner.trajectory.models import RuleSet
from learner.trajectory.reasons import refusal
from portal.accounts.models import User
from portal.events.services import event_record


def rule_set_save(
    *,
    actor: User,
    effective_from: date,
    values: dict[str, Decimal | int | bool | str],
    rule_set: RuleSet | None = None,
) -> RuleSet:
    """Create a rule set for a future date, or change one that is not yet in force.

    A rule set in force is refused: contracts signed under it keep its amounts. Emits
    ``trajectory.ruleset.saved`` with the values before and after.
    """
    today = timezone.localdate()
    if effective_from <= today:
        raise refusal("rule_set_must_start_in_future")
    with transaction.atomic():
        if rule_set is not None:
            rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
            if rule_set.effective_from <= today:
                raise refusal("rule_set_in_force")
        taken = RuleSet.objects.filter(effective_from=effective_from)
        if rule_set is not None:
            taken = taken.exclude(pk=rule_set.pk)
        if taken.exists():
            raise refusal("rule_set_date_taken")
        target = rule_set or RuleSet(created_by=actor)
        before = {name: getattr(target, name) for name in RuleSet.parameter_names()}
        target.effective_from = effective_from
        for name, value in values.items():
            if name not in RuleSet.parameter_names() or name == "effective_from":
                raise ValueError(f"{name} is not a rule-set parameter.")
            setattr(target, name, value)
        target.full_clean()
        target.save()
        after = {name: getattr(target, name) for name in RuleSet.parameter_names()}
        event_record(
            code="trajectory.ruleset.saved",
            actor=actor,
            agency=actor.agency,
            payload={
                "effective_from": effective_from,
                "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
            },
        )
    return target
