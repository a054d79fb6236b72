"""Reads about accounts."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.utils import timezone

from portal.accounts import rules
from portal.accounts.models import ActivationCode


def activation_code_matching(*, username: str, code: str) -> ActivationCode | None:
    """The open activation code of this person that matches what was typed, if any.

    At most one code is open per person (issuing revokes the others), so this checks one hash.
    """
    candidate = (
        ActivationCode.objects.select_related("user")
        .filter(
            user__username=username.strip(),
            used_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .order_by("-issued_at")
        .first()
    )
    if candidate is None:
        return None
    if not check_password(rules.activation_code_normalise(code), candidate.code_hash):
        return None
    return candidate
