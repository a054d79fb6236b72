"""Signatures made by phones (WebCrypto ECDSA P-256 with SHA-256), checked on the server.

WebCrypto gives the signature as r‖s (64 bytes); ``cryptography`` wants DER, so it is converted.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from portal.sync.models import DeviceKey


class BadSignatureError(ValueError):
    pass


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sha256_b64url(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode().rstrip("=")


def public_key(jwk: dict[str, Any]) -> ec.EllipticCurvePublicKey:
    """A P-256 public key from its JWK; raises ValueError for anything else."""
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("Only P-256 keys.")
    x = int.from_bytes(b64url_decode(str(jwk["x"])), "big")
    y = int.from_bytes(b64url_decode(str(jwk["y"])), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def signer_of(*, key_id: str, message: str, signature: str) -> DeviceKey:
    """The active device key that signed ``message``; raises BadSignatureError otherwise."""
    try:
        key = DeviceKey.objects.select_related("user").get(
            key_id=UUID(key_id), revoked_at__isnull=True
        )
        raw = b64url_decode(signature)
        if len(raw) != 64:
            raise BadSignatureError("signature length")
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public_key(key.public_jwk).verify(der, message.encode(), ec.ECDSA(hashes.SHA256()))
    except (DeviceKey.DoesNotExist, ValueError, KeyError, InvalidSignature) as exc:
        raise BadSignatureError(str(exc)) from exc
    return key
