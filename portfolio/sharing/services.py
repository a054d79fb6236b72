"""Writes of sharing and export: create and revoke a share, record an opening, record an export.

Every service takes the learner's own profile (views get it from ``selectors.own_profile``) and
checks that what it is given belongs to that learner; nothing here trusts an id from a form.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learner.profiles.models import LearnerProfile
from portal.events.services import event_record
from portfolio.sharing import rules, selectors, verification
from portfolio.sharing.links import link_token
from portfolio.sharing.models import PortfolioExport, RecipientKind, Share, ShareOpening


@transaction.atomic
def share_create(
    *,
    learner: LearnerProfile,
    recipient_kind: str,
    recipient_name: str,
    item_ids: Collection[int],
    days: int,
) -> Share:
    """Share some of the learner's items with one recipient for ``days`` days (1..90).

    Preconditions: ``learner`` is the acting learner. Every id in ``item_ids`` must be one of
    their items (else ValidationError, nothing saved); at least one item. The link works from
    now until the end of the last day (local time). Emits ``portfolio.share.created`` (recipient
    kind, item count and expiry only: the recipient's name stays with the learner).
    """
    wanted = set(item_ids)
    items = list(selectors.items_of(learner).filter(pk__in=wanted))
    if not wanted or len(items) != len(wanted):
        raise ValidationError({"items": _("Choose at least one of your own items.")})
    if recipient_kind not in RecipientKind.values:
        raise ValidationError({"recipient_kind": _("Choose who you share with.")})
    now = timezone.now()
    try:
        expires_at = rules.share_expires_at(
            today=timezone.localdate(now), days=days, tz=ZoneInfo(settings.TIME_ZONE)
        )
    except ValueError:
        raise ValidationError(
            {"days": _("A link works for at most %(days)d days.") % {"days": rules.MAX_SHARE_DAYS}}
        ) from None
    share = Share(
        learner=learner,
        recipient_kind=recipient_kind,
        recipient_name=recipient_name.strip(),
        created_at=now,
        expires_at=expires_at,
    )
    share.token_hash = selectors.token_hash(link_token(share))
    share.full_clean()
    share.save()
    share.items.set(items)
    event_record(
        code="portfolio.share.created",
        actor=learner.user,
        learner=learner.user,
        payload={
            "share": share.pk,
            "recipient_kind": recipient_kind,
            "items": len(items),
            "expires_at": expires_at.isoformat(),
        },
    )
    return share


@transaction.atomic
def share_revoke(*, learner: LearnerProfile, share_id: int) -> Share:
    """Stop a share at once: its link answers "not found" from this moment.

    Preconditions: the share is the learner's (else ``Share.DoesNotExist``). Revoking a share
    that is already revoked or expired changes nothing and emits nothing. Locks the row.
    Emits ``portfolio.share.revoked``.
    """
    share = Share.objects.select_for_update().get(pk=share_id, learner=learner)
    if share.revoked_at is not None:
        return share
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    event_record(
        code="portfolio.share.revoked",
        actor=learner.user,
        learner=learner.user,
        payload={"share": share.pk},
    )
    return share


def share_opening_record(*, share: Share, user_agent: str) -> ShareOpening:
    """Note that a share's page was opened: when, and the browser family only (no IP address).

    Preconditions: ``share`` came from ``selectors.open_share`` (open now). Emits nothing: the
    openings are the learner's to see, not news for the agency.
    """
    browser, device = rules.browser_family(user_agent)
    return ShareOpening.objects.create(share=share, browser=browser, device=device)


@transaction.atomic
def export_create(
    *, learner: LearnerProfile, refs: Collection[str], language: str
) -> PortfolioExport:
    """Record what an exported PDF certifies: the chosen statements among today's certified ones.

    Preconditions: ``learner`` is the acting learner; ``refs`` are refs of their current
    certified statements (others are ignored: nothing can be certified that the portal does not
    hold). Stores the canonical payload and its HMAC. Emits ``portfolio.export.made``.
    """
    chosen = set(refs)
    statements = [
        s for s in selectors.certified_statements(learner) if rules.statement_ref(s) in chosen
    ]
    now = timezone.now()
    public_id = secrets.token_urlsafe(16)[:22]
    payload = {
        "v": 1,
        "id": public_id,
        "name": learner.user.get_full_name() or learner.user.username,
        "made_on": timezone.localdate(now).isoformat(),
        "statements": statements,
    }
    export = PortfolioExport.objects.create(
        learner=learner,
        public_id=public_id,
        created_at=now,
        language=language,
        payload=payload,
        digest=verification.digest(payload),
    )
    event_record(
        code="portfolio.export.made",
        actor=learner.user,
        learner=learner.user,
        payload={"export": export.public_id, "statements": len(statements)},
    )
    return export
