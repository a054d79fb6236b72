"""Certified items kept in step with the facts: passed tests, confirmed hours, the attest.

Why on read and not on write: facts reach the portal by many paths (a case manager's screen, a
back-office batch whose rebuild is queued, a buddy's confirmation, a corrected result), and each
ends in the trajectory's own refresh. Rather than teach every one of them about the portfolio,
the portfolio's readers (its pages, the export, a shared or printed portfolio) call
``portfolio_sync_derived`` first. It is cheap (three small queries) and writes only when
something differs, so the portfolio is never behind the facts when someone looks at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone, translation

from learner.participation.models import Decision, HourEntry
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Attest, ExamSession
from learner.trajectory.services.refresh import lock
from portal.events.services import event_record
from portfolio import presenters, rules
from portfolio.models import Item

# Fields a derived item takes from its facts.
_FIELDS = ("kind", "title", "place", "level", "hours", "started_on", "ended_on")


@dataclass(frozen=True)
class SyncResult:
    added: int
    changed: int
    removed: int

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _facts(learner: LearnerProfile) -> list[rules.Derived]:
    exams = [
        rules.ExamFact(pk, kind, outcome, level, session_on, location)
        for pk, kind, outcome, level, session_on, location in ExamSession.objects.filter(
            learner=learner
        ).values_list("pk", "kind", "outcome", "level", "session_on", "location")
    ]
    counting = (
        HourEntry.objects.filter(
            learner=learner,
            confirmation__decision=Decision.CONFIRMED,
            superseded_by__isnull=True,
        )
        .values("activity_id", "activity__title", "activity__host__name")
        .annotate(minutes=Sum("minutes"), first=Min("day"), last=Max("day"))
        .order_by("activity_id")
    )
    participation = [
        rules.ParticipationFact(
            activity_pk=row["activity_id"],
            title=row["activity__title"],
            host=row["activity__host__name"] or "",
            hours=(Decimal(row["minutes"]) / 60).quantize(Decimal("0.01")),
            first_day=row["first"],
            last_day=row["last"],
        )
        for row in counting
    ]
    attest_row = Attest.objects.filter(learner=learner).values("number", "attest_on").first()
    attest = rules.AttestFact(**attest_row) if attest_row else None
    return rules.derived_items(exams=exams, participation=participation, attest=attest)


def _stored_title(derived: rules.Derived) -> str:
    """The title kept in the row, in Dutch (screens translate it: ``presenters.item_title``)."""
    if derived.title:
        return derived.title
    probe = Item(source_key=derived.source_key, level="", title="")
    with translation.override("nl"):
        return presenters.item_title(probe)


def _differs(item: Item, values: dict[str, object]) -> bool:
    return any(getattr(item, name) != value for name, value in values.items())


def portfolio_sync_derived(*, learner: LearnerProfile) -> SyncResult:
    """Upsert the learner's certified items from the facts, by ``source_key``; idempotent.

    A test gives a certificate only once passed (a result corrected to "not passed" removes
    it again); confirmed hours give one participation item per activity; the attest gives its
    certificate. Takes the learner's row lock only when something is to be written. Emits
    ``portfolio.certificate.added`` for each new certificate (the learner hears of it).
    """
    wanted = {d.source_key: d for d in _facts(learner)}
    stored = {
        item.source_key: item for item in Item.objects.filter(learner=learner, certified=True)
    }
    planned = {
        key: {**{name: getattr(d, name) for name in _FIELDS}, "title": _stored_title(d)}
        for key, d in wanted.items()
    }
    to_add = [key for key in planned if key not in stored]
    to_change = [key for key in planned if key in stored and _differs(stored[key], planned[key])]
    to_remove = [key for key in stored if key not in planned]
    if not (to_add or to_change or to_remove):
        return SyncResult(0, 0, 0)
    now = timezone.now()
    with transaction.atomic():
        learner = lock(learner)
        # Re-read under the lock: another reader may have synced in between.
        stored = {
            item.source_key: item
            for item in Item.objects.filter(learner=learner, certified=True).select_for_update()
        }
        added = changed = 0
        for key, values in planned.items():
            item = stored.get(key)
            if item is None:
                item = Item(
                    learner=learner,
                    certified=True,
                    source_key=key,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                item.full_clean(validate_unique=False)
                item.save()
                added += 1
                if item.kind == "certificate":
                    event_record(
                        code="portfolio.certificate.added",
                        actor=None,
                        learner=learner.user,
                        payload={"item": item.pk, "source": key},
                    )
            elif _differs(item, values):
                for name, value in values.items():
                    setattr(item, name, value)
                item.updated_at = now
                item.save()
                changed += 1
        gone = [item for key, item in stored.items() if key not in planned]
        for item in gone:
            # Derived items carry no files of the learner's; nothing else to clean.
            item.delete()
    return SyncResult(added, changed, len(gone))
