"""Phone-to-phone confirmation: the learner's signed claim and the buddy's signed receipt.

Both phones may be offline. The learner's phone shows a claim as a QR code, signed with its
device key::

    PC1.<base64url(claim JSON)>.<signature>
    claim = {"v": 1, "c": command id, "l": learner, "a": activity, "d": day, "m": minutes,
             "k": learner's key id}

The buddy's phone scans it, the buddy confirms with their PIN (which unseals their key), and it
shows a receipt back::

    PR1.<base64url(receipt JSON)>.<signature>
    receipt = {"v": 1, "h": sha256 of the claim code, "c": command id, "b": buddy,
               "k": buddy's key id, "dec": "confirmed"}

Whichever phone syncs first brings both; the server checks both signatures, that the keys
belong to that learner and to a buddy linked to them for that activity, and that the receipt is
for exactly this claim. An altered claim or receipt is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from portal.sync.registry import Rejected
from portal.sync.signatures import BadSignatureError, b64url_decode, sha256_b64url, signer_of


@dataclass(frozen=True)
class Vouched:
    learner_user: User
    buddy: User
    command: str
    activity: int
    day: date
    minutes: int
    evidence: dict[str, str]


def _parse(code: str, prefix: str) -> tuple[str, dict[str, Any], str]:
    try:
        head, body, signature = code.split(".")
        if head != prefix:
            raise ValueError(head)
        text = b64url_decode(body).decode()
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("version")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected("bad_code", _("This code is not one the portal made.")) from exc
    return text, data, signature


def check(claim_code: str, receipt_code: str) -> Vouched:
    """Both signatures and their keys, or ``Rejected("bad_signature")``."""
    claim_text, claim, claim_sig = _parse(claim_code, "PC1")
    receipt_text, receipt, receipt_sig = _parse(receipt_code, "PR1")
    try:
        learner_key = signer_of(key_id=str(claim["k"]), message=claim_text, signature=claim_sig)
        buddy_key = signer_of(key_id=str(receipt["k"]), message=receipt_text, signature=receipt_sig)
    except (BadSignatureError, KeyError) as exc:
        raise Rejected(
            "bad_signature", _("A signature does not match: nothing was saved.")
        ) from exc
    learner_user, buddy = learner_key.user, buddy_key.user
    if (
        learner_user.role != Role.LEARNER
        or learner_user.username != claim.get("l")
        or buddy.role != Role.BUDDY
        or buddy.username != receipt.get("b")
        or receipt.get("h") != sha256_b64url(claim_code)
        or receipt.get("c") != claim.get("c")
        or receipt.get("dec") != "confirmed"
    ):
        raise Rejected("bad_signature", _("The receipt is not for this claim."))
    try:
        return Vouched(
            learner_user=learner_user,
            buddy=buddy,
            command=str(claim["c"]),
            activity=int(claim["a"]),
            day=date.fromisoformat(str(claim["d"])),
            minutes=int(claim["m"]),
            evidence={"claim": claim_code, "receipt": receipt_code},
        )
    except (KeyError, ValueError) as exc:
        raise Rejected("bad_code", _("This code is not one the portal made.")) from exc
