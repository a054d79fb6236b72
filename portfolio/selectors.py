"""Reads of the portfolio, scoped to who asks (fail closed).

A learner sees their own portfolio; their case manager and the agency's administrators see it
read-only (``learners_visible_to`` decides the caseload). Nobody else: not coordinators,
teachers or buddies, whose work does not need the learner's diplomas and private evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet, Sum

from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learners_visible_to
from portal.accounts.models import Role, User
from portfolio.models import Attachment, AttachmentKind, DossierAccess, Item

# Staff who may open a learner's portfolio (read-only).
PORTFOLIO_STAFF_ROLES = (Role.CASE_MANAGER, Role.AGENCY_ADMIN)


def portfolio_owners_visible_to(*, user: User) -> QuerySet[LearnerProfile]:
    """The learners whose portfolio ``user`` may see: their own, or their caseload's."""
    role = getattr(user, "role", None)
    if role != Role.LEARNER and role not in PORTFOLIO_STAFF_ROLES:
        return LearnerProfile.objects.none()
    return learners_visible_to(user=user)


def own_profile(*, user: User) -> LearnerProfile | None:
    """The learner's own profile (None for anyone else)."""
    if getattr(user, "role", None) != Role.LEARNER:
        return None
    return LearnerProfile.objects.filter(user=user).select_related("user", "agency").first()


def _items(learner: LearnerProfile) -> QuerySet[Item]:
    attachments = Attachment.objects.select_related("image", "audio").order_by("created_at", "id")
    return (
        Item.objects.filter(learner=learner)
        .select_related("recognition")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
    )


def items_of(learner: LearnerProfile) -> list[Item]:
    """Every item of a learner fetched through a scoped selector, with files and tracker."""
    return list(_items(learner))


def item_of(*, user: User, item_id: int) -> Item:
    """One item of the asking learner's own portfolio; raises Item.DoesNotExist otherwise."""
    profile = own_profile(user=user)
    if profile is None:
        raise Item.DoesNotExist
    return _items(profile).get(pk=item_id)


def attachment_of(*, user: User, attachment_id: int) -> Attachment:
    """An attachment the asking learner owns, or whose owner is in the staff member's scope.

    Raises Attachment.DoesNotExist otherwise (a 404 for the view: never "it exists").
    """
    owners = portfolio_owners_visible_to(user=user)
    return Attachment.objects.select_related("item__learner__user", "image", "audio").get(
        pk=attachment_id, item__learner__in=owners
    )


def may_see_media(user: User, kind: str, pk: int) -> bool | None:
    """The media view's check (``portal.media.selectors.media_scope_register``).

    None when no attachment refers to the picture or recording (lesson media: shared);
    otherwise whether ``user`` may see the portfolio it belongs to.
    """
    field = {"image": "image_id", "audio": "audio_id"}.get(kind)
    if field is None:
        return None
    owner_ids = list(
        Attachment.objects.filter(**{field: pk}).values_list("item__learner_id", flat=True)[:1]
    )
    if not owner_ids:
        return None
    return portfolio_owners_visible_to(user=user).filter(pk=owner_ids[0]).exists()


@dataclass(frozen=True)
class Quota:
    used: int
    limit: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 100

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def quota_used(learner: LearnerProfile) -> int:
    """Bytes the learner's attachments take (a photo counts all its stored variants)."""
    total = Attachment.objects.filter(item__learner=learner).aggregate(total=Sum("bytes"))
    return int(total["total"] or 0)


def quota_of(learner: LearnerProfile) -> Quota:
    return Quota(used=quota_used(learner), limit=settings.PORTFOLIO_QUOTA_BYTES)


def accesses_of(learner: LearnerProfile) -> QuerySet[DossierAccess]:
    """Every staff access to this learner's dossier, newest first (for the learner's own page)."""
    return DossierAccess.objects.filter(learner=learner).select_related("staff")


def image_attachments(items: list[Item]) -> list[Attachment]:
    return [a for item in items for a in item.attachments.all() if a.kind == AttachmentKind.IMAGE]
