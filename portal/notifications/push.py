"""Web Push: a reminder reaches the phone while the portal is closed (RFC 8030, 8291, 8292).

The browser subscribes with the portal's VAPID public key and hands over its push address and
keys (``push_subscribe``). A reminder is pushed after the change that caused it commits, by a task,
so a slow push service never holds up a request or the reminder task. The message carries no
personal data: a phone's lock screen may be seen by anyone, so it says only that there is an
appointment soon, in the person's language, and links to the appointments page.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import tempfile
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from portal.accounts.models import User
from portal.notifications.models import PushSubscription

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# A reminder is stale once the appointment is near: the later one goes out two hours before.
TTL_SECONDS = 2 * 60 * 60
# A newer reminder replaces one the push service still holds for a phone that is off.
TOPIC = "appointment-reminder"
# The push service answers these when the subscription is gone for good.
GONE = frozenset({404, 410})


# Keys -------------------------------------------------------------------------------------------

_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64url_decode(text: str) -> bytes:
    """Strict base64url (the padding optional), as browsers and VAPID write it."""
    raw = text.strip().rstrip("=")
    if not raw or any(c not in _B64URL for c in raw):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _private_key_from(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 key from PEM, or from base64url of the raw 32 bytes or of DER."""
    text = text.strip().replace("\\n", "\n")  # a PEM squeezed into one line of an env file
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        raw = _b64url_decode(text)
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("not a P-256 key")
    return key


def _stored_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The key kept in the data folder, made the first time (development, tests, one machine).

    Written under a temporary name and linked into place, so processes starting together all
    end up with the one key that won.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
        try:
            with os.fdopen(handle, "wb") as file:  # mkstemp: readable by this user only
                file.write(pem)
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the key
        finally:
            os.unlink(temporary)
    return _private_key_from(path.read_text(encoding="ascii"))


@lru_cache(maxsize=1)
def vapid() -> Vapid:
    """The portal's VAPID signer: ``WEBPUSH_VAPID_PRIVATE_KEY``, else ``<data dir>/vapid.pem``."""
    configured = settings.WEBPUSH_VAPID_PRIVATE_KEY
    try:
        if configured:
            key = _private_key_from(configured)
        else:
            key = _stored_private_key(Path(settings.DATA_DIR) / "vapid.pem")
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ImproperlyConfigured(
            "PORTAL_WEBPUSH_VAPID_PRIVATE_KEY (or the data folder's vapid.pem) is not a P-256 "
            "private key in PEM or base64url."
        ) from exc
    return Vapid(private_key=key)


@lru_cache(maxsize=1)
def application_server_key() -> str:
    """The public key browsers subscribe with: the uncompressed P-256 point, base64url."""
    point = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url_encode(point)


# Subscriptions ----------------------------------------------------------------------------------


def _check_endpoint(endpoint: str) -> None:
    """https only; http on loopback outside production (a push service stand-in for tests).

    Outside tests the portal must never be made to post to itself or its private network.
    """
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    try:
        private = not ipaddress.ip_address(host).is_global
    except ValueError:
        private = host in LOOPBACK_HOSTS
    if parts.scheme == "https" and host and not (private and settings.PRODUCTION):
        return
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and not settings.PRODUCTION:
        return
    raise ValidationError({"endpoint": [_("The push address must start with https://.")]})


def _check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The browser's keys, normalised to unpadded base64url; refused unless they are a P-256
    public point and a 16-byte secret."""
    try:
        point = _b64url_decode(p256dh)
        secret = _b64url_decode(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, binascii.Error):
        point = secret = b""
    if len(point) != 65 or len(secret) != 16:
        raise ValidationError({"keys": [_("The browser's push keys are not valid.")]})
    return _b64url_encode(point), _b64url_encode(secret)


def push_subscribe(*, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Remember this browser's subscription for ``user``; the same one again changes nothing.

    The caller is signed in as ``user``. An endpoint another person registered moves to
    ``user`` (a shared phone reminds whoever registered it last). Raises ``ValidationError``
    for an address that is not https or keys that are not a browser's.
    """
    endpoint = endpoint.strip()
    _check_endpoint(endpoint)
    p256dh, auth = _check_keys(p256dh, auth)
    PushSubscription(user=user, endpoint=endpoint, p256dh=p256dh, auth=auth).full_clean(
        exclude=["user"], validate_unique=False, validate_constraints=False
    )
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "failures": 0}
    )
    return subscription


def push_unsubscribe(*, user: User, endpoint: str) -> bool:
    """Forget this browser's subscription if it is ``user``'s own; False when there was none."""
    deleted, _by_model = PushSubscription.objects.filter(
        user=user, endpoint=endpoint.strip()
    ).delete()
    return deleted > 0


# Sending ----------------------------------------------------------------------------------------


def push_send_after_commit(*, user_id: int) -> None:
    """Push the appointment reminder to the person's phones once the transaction commits.

    A rolled-back change pushes nothing. Only queues a task (``push_deliver``), and only when
    the person has a subscription; it never raises into the caller's commit.
    """
    transaction.on_commit(partial(_enqueue, user_id), robust=True)


def _enqueue(user_id: int) -> None:
    from portal.notifications.tasks import push_deliver  # the task module imports this one

    if PushSubscription.objects.filter(user_id=user_id).exists():
        push_deliver.enqueue(user_id)


def reminder_message(language: str) -> dict[str, str]:
    """What a reminder says: generic on purpose (no name, time, place or kind of appointment)."""
    with translation.override(language):
        return {
            "title": _("Reminder"),
            "body": _("You have an appointment soon. Open the portal to see it."),
            "url": reverse("appointments:home"),
        }


def push_send(*, user_id: int) -> int:
    """Send the reminder to each of the person's subscriptions; how many took it.

    Run by the ``push_deliver`` task. A subscription the push service says is gone (404, 410) is
    deleted; any other failure counts in ``failures`` (reset by the next delivery). Never raises
    for a push service's answer or a network failure.
    """
    subscriptions = list(
        PushSubscription.objects.filter(user_id=user_id, user__is_active=True).select_related(
            "user"
        )
    )
    if not subscriptions:
        return 0
    data = json.dumps(reminder_message(subscriptions[0].user.preferred_language))
    delivered = 0
    with requests.Session() as session:
        # A push service does not redirect; following one could send the portal anywhere.
        session.max_redirects = 0
        for subscription in subscriptions:
            status = _post(subscription, data, session)
            if 200 <= status < 300:
                delivered += 1
                PushSubscription.objects.filter(pk=subscription.pk).update(
                    last_success_at=timezone.now(), failures=0
                )
            elif status in GONE:
                PushSubscription.objects.filter(pk=subscription.pk).delete()
            else:
                logger.warning("Web Push to subscription %s failed (%s)", subscription.pk, status)
                PushSubscription.objects.filter(pk=subscription.pk).update(
                    failures=F("failures") + 1
                )
    return delivered


def _post(subscription: PushSubscription, data: str, session: requests.Session) -> int:
    """One push; the push service's status, 0 when it did not answer (refused, timed out)."""
    try:
        response = webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=data,
            vapid_private_key=vapid(),
            # A fresh dict each time: webpush adds "aud" (this endpoint's origin) and "exp".
            vapid_claims={"sub": settings.WEBPUSH_CONTACT},
            timeout=settings.WEBPUSH_TIMEOUT_SECONDS,
            ttl=TTL_SECONDS,
            headers={"Topic": TOPIC, "Urgency": "high"},
            requests_session=session,
        )
    except WebPushException as error:
        return error.status_code or 0
    except (OSError, ValueError):  # requests' errors are OSErrors; a stored key gone bad
        return 0
    return int(response.status_code)
