"""Reads of sharing and export, scoped to who asks (the learner: their own; a link: its share)."""

from __future__ import annotations

import hashlib

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from learner.participation import selectors as participation
from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learners_visible_to
from learner.trajectory.models import Attest, ExamSession
from learner.trajectory.models.facts import ExamOutcome
from portal.accounts.models import Role, User
from portfolio.models import Attachment, Item
from portfolio.sharing.models import PortfolioExport, Share, ShareOpening
from portfolio.sharing.rules import Statement


def own_profile(user: User) -> LearnerProfile | None:
    """The signed-in learner's profile; None for anyone else."""
    if user.role != Role.LEARNER:
        return None
    return learners_visible_to(user=user).filter(user=user).select_related("user").first()


def items_of(learner: LearnerProfile) -> QuerySet[Item]:
    """Everything the learner may put in a share: all their items."""
    return Item.objects.filter(learner=learner)


def own_items(learner: LearnerProfile) -> QuerySet[Item]:
    """The learner's own (not derived) items: the export prints the certified facts itself."""
    return Item.objects.filter(learner=learner, certified=False, source_key="")


def shares_of(learner: LearnerProfile) -> QuerySet[Share]:
    """The learner's shares, newest first, with their items and openings (three queries)."""
    return Share.objects.filter(learner=learner).prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("kind", "title")),
        Prefetch("openings", queryset=ShareOpening.objects.order_by("-at", "-id")),
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_share(token: str) -> Share | None:
    """The share a link opens: only while it is neither revoked nor expired; else None."""
    if not token:
        return None
    return (
        Share.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("learner__user")
        .first()
    )


def shared_items(share: Share) -> QuerySet[Item]:
    """Only the items the learner chose, with their attachments."""
    return (
        Item.objects.filter(pk__in=share.items.values("pk"), learner_id=share.learner_id)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.all()))
        .order_by("kind", "title", "pk")
    )


def shared_attachment(share: Share, attachment_id: int) -> Attachment | None:
    """A file of one of the share's items; None for any other file."""
    return (
        Attachment.objects.filter(
            pk=attachment_id,
            item__in=share.items.values("pk"),
            item__learner_id=share.learner_id,
        )
        .select_related("image", "audio")
        .first()
    )


def certified_statements(learner: LearnerProfile) -> list[Statement]:
    """What the portal certifies today: passed tests, confirmed hours, the attest (see rules)."""
    statements: list[Statement] = [
        {"type": "exam", "exam": kind, "level": level, "date": day.isoformat()}
        for kind, level, day in ExamSession.objects.filter(
            learner=learner, outcome=ExamOutcome.PASSED
        )
        .order_by("session_on", "id")
        .values_list("kind", "level", "session_on")
    ]
    minutes = sum(participation.confirmed_entries(learner).values_list("minutes", flat=True))
    if minutes:
        statements.append({"type": "hours", "minutes": minutes})
    attest = Attest.objects.filter(learner=learner).first()
    if attest is not None:
        statements.append(
            {"type": "attest", "number": attest.number, "date": attest.attest_on.isoformat()}
        )
    return statements


def export_by_public_id(public_id: str) -> PortfolioExport | None:
    if not public_id:
        return None
    return (
        PortfolioExport.objects.filter(public_id=public_id).select_related("learner__user").first()
    )
