"""The secret in a share's link, derived rather than stored.

``link_token`` is an HMAC-SHA256 of the share's random ``key`` under the server's secret key,
base64url (43 characters, 256 bits). The database keeps only its SHA-256 (``token_hash``): an
opened link is found by hashing what it carries, and the learner's list recomputes the link so
they can copy it again. A database copy without the secret key opens nothing.

If the secret key is rotated, old links keep working (their hash is stored) but can no longer be
shown: ``retrievable_token`` then answers None and the learner makes a new share.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.utils.crypto import salted_hmac

from portfolio.sharing.models import Share

SALT = "portfolio.sharing.link"


def link_token(share: Share) -> str:
    raw = salted_hmac(SALT, share.key.hex, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def retrievable_token(share: Share) -> str | None:
    """The share's link secret, if the current secret key still derives the stored one."""
    token = link_token(share)
    if not hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), share.token_hash):
        return None
    return token
