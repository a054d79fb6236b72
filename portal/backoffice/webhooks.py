"""Pushing events to an agency's back office: signed, retried, in order per learner, never lost.

The path of one event:

1. ``outbox_add`` (called by ``event_record``) writes a ``WebhookDelivery`` in the event's own
   transaction, so an event that commits has its delivery, and a rolled-back one has none.
2. After commit, ``wake`` makes sure a delivery task will run (Django Tasks, database backend).
   ``WebhookEndpoint.wake_at`` says one is already queued, so a batch of a thousand events
   queues one task, not a thousand. A task clears ``wake_at`` *before* it reads the queue, so an
   event committed after that clearing wakes a new task: no wake-up is lost.
3. ``deliver_pending`` (the task) holds a lease on the endpoint (one sender at a time) and
   POSTs each pending delivery, oldest first. A learner's next event waits until the one before
   it is delivered (in order per learner). A refused connection, a timeout or a 5xx means the
   back office is down: the pass stops and the endpoint backs off exponentially, with jitter.
   A 4xx concerns that one delivery: its learner waits, others go on.
4. A delivery still failing 72 hours after its event is parked as ``dead``: the agency admin
   sees it in the dead-letter list and can redeliver it.

At least once: a back office that answered but whose 2xx was lost (a timeout) gets the event
again, with the same ``webhook-id`` (the event id), to deduplicate on. Signatures follow the
Standard Webhooks specification (standardwebhooks.com), so receivers can use its libraries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Agency, User
from portal.backoffice.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from portal.events.models import Event

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of the format, not a secret)
LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
# A queued task that has not started this long after it was due is presumed lost (its worker
# died): the next wake queues another. Two tasks are harmless: the lease lets one send.
STALE_WAKE = timedelta(minutes=5)
SIGNATURE_TOLERANCE_SECONDS = 5 * 60


# Signatures (Standard Webhooks: "v1," + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}") ---------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None
) -> bool:
    """What a receiver checks: a known signature over this body, made within five minutes."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        offered = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def event_document(event: Event) -> dict[str, Any]:
    """An event as the feed and the webhooks show it (the same shape in both)."""
    return {
        "event_id": str(event.event_id),
        "code": event.code,
        "occurred_at": event.occurred_at,
        "learner": event.learner.username if event.learner else None,
        "actor_role": event.actor.role if event.actor else None,
        "payload": event.payload,
    }


# Endpoints ----------------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    loopback = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ValidationError({"url": [_("The address must start with https://.")]})


def endpoint_save(
    *, agency: Agency, url: str, active: bool, actor: User
) -> tuple[WebhookEndpoint, str | None]:
    """Set the agency's endpoint; a new endpoint gets a secret, returned once (else None)."""
    _check_url(url)
    from portal.events.services import event_record

    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().filter(agency=agency).first()
        secret = None
        if endpoint is None:
            secret = new_secret()
            endpoint = WebhookEndpoint(agency=agency, secret=secret)
        endpoint.url = url
        endpoint.active = active
        endpoint.full_clean()
        endpoint.save()
        event_record(
            code="backoffice.webhook.configured",
            actor=actor,
            agency=agency,
            payload={"url": url, "active": active},
        )
    return endpoint, secret


def secret_rotate(*, endpoint: WebhookEndpoint, actor: User) -> str:
    from portal.events.services import event_record

    secret = new_secret()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
        event_record(code="backoffice.webhook.secret_rotated", actor=actor, agency=endpoint.agency)
    return secret


# The outbox ---------------------------------------------------------------------------------------


def outbox_add(event: Event) -> None:
    """Queue ``event`` for the agency's endpoint, in the event's transaction (see module doc)."""
    outbox_add_many([event])


def outbox_add_many(events: list[Event]) -> None:
    """Queue saved events for their agencies' endpoints: one lookup, one insert, one wake-up."""
    agencies = {event.agency_id for event in events if event.agency_id is not None}
    if not agencies:
        return
    endpoints = dict(
        WebhookEndpoint.objects.filter(agency_id__in=agencies, active=True).values_list(
            "agency_id", "pk"
        )
    )
    if not endpoints:
        return
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=endpoints[event.agency_id],
            event=event,
            learner_key=event.learner_id or 0,
            created_at=event.occurred_at,
        )
        for event in events
        if event.agency_id in endpoints
    )
    for endpoint_id in set(endpoints.values()):
        transaction.on_commit(partial(wake, endpoint_id))


def wake(endpoint_id: int, at: datetime | None = None) -> None:
    """Make sure a delivery task runs for this endpoint at ``at`` (now) or earlier."""
    from portal.backoffice.tasks import deliver_webhooks

    now = timezone.now()
    at = at or now
    claimed = (
        WebhookEndpoint.objects.filter(pk=endpoint_id)
        .filter(Q(wake_at__isnull=True) | Q(wake_at__gt=at) | Q(wake_at__lt=now - STALE_WAKE))
        .update(wake_at=at)
    )
    if claimed:
        task = deliver_webhooks.using(run_after=at) if at > now else deliver_webhooks
        task.enqueue(endpoint_id)


# Sending ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    error: str = ""

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300

    @property
    def endpoint_down(self) -> bool:
        return self.status == 0 or self.status >= 500 or self.status == 429


Sender = Callable[[WebhookEndpoint, Event], Answer]


def post_event(endpoint: WebhookEndpoint, event: Event) -> Answer:
    body = json.dumps(event_document(event), cls=DjangoJSONEncoder).encode()
    message_id = str(event.event_id)
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 (https, or http on loopback: _check_url)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "inburgering-portal-webhooks/1",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(endpoint.secret, message_id, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:  # noqa: S310
            return Answer(answer.status)
    except urllib.error.HTTPError as error:
        return Answer(error.code, f"HTTP {error.code}")
    except (OSError, ValueError) as error:  # refused, reset, timed out, bad response
        return Answer(0, f"{type(error).__name__}: {error}"[:300])


def backoff(failures: int) -> timedelta:
    """Exponential, capped at an hour, with jitter (half fixed, half random)."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** min(failures, 20))
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311


def _lease(endpoint_id: int, now: datetime) -> bool:
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint_id, active=True)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + LEASE)
    )


@dataclass
class PassResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    endpoint_down: bool = False


def deliver_pending(
    endpoint_id: int,
    *,
    now: Callable[[], datetime] = timezone.now,
    send: Sender = post_event,
) -> PassResult:
    """One delivery pass for an endpoint (the task's body); ``now`` and ``send`` for tests."""
    result = PassResult()
    started = now()
    # Clear the wake-up first: an event committed from here on queues a new task (module doc).
    WebhookEndpoint.objects.filter(pk=endpoint_id, wake_at__lte=started).update(wake_at=None)
    if not _lease(endpoint_id, started):
        wake(endpoint_id, started + timedelta(seconds=5))  # another sender holds it; look again
        return result
    try:
        endpoint = WebhookEndpoint.objects.select_related("agency").get(pk=endpoint_id)
        if endpoint.retry_at is None or endpoint.retry_at <= started:
            _send_due(endpoint, result, now=now, send=send)
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(leased_until=None)
    _schedule_next(endpoint_id, now())
    return result


def _send_due(
    endpoint: WebhookEndpoint,
    result: PassResult,
    *,
    now: Callable[[], datetime],
    send: Sender,
) -> None:
    waiting: set[int] = set()  # learners whose earlier event is not delivered yet
    pending = (
        WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
        .select_related("event__learner", "event__actor")
        .order_by("id")
    )
    give_up_before = now() - timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    for delivery in pending.iterator(chunk_size=200):
        if delivery.learner_key in waiting:
            continue
        moment = now()
        if delivery.next_attempt_at and delivery.next_attempt_at > moment:
            waiting.add(delivery.learner_key)
            continue
        answer = send(endpoint, delivery.event)
        delivery.attempts += 1
        delivery.last_attempt_at = moment
        delivery.last_status = answer.status or None
        delivery.last_error = answer.error
        if answer.delivered:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = moment
            delivery.next_attempt_at = None
            delivery.save()
            result.delivered += 1
            if endpoint.failures:
                endpoint.failures = 0
                endpoint.retry_at = None
                endpoint.save(update_fields=["failures", "retry_at"])
            continue
        result.failed += 1
        if delivery.created_at < give_up_before:
            delivery.status = DeliveryStatus.DEAD
            delivery.next_attempt_at = None
            result.dead += 1
        else:
            delivery.next_attempt_at = moment + backoff(delivery.attempts - 1)
            waiting.add(delivery.learner_key)
        delivery.save()
        if answer.endpoint_down:
            # Down: stop here, back off as a whole, and park what has waited 72 hours.
            endpoint.failures += 1
            endpoint.retry_at = moment + backoff(endpoint.failures - 1)
            endpoint.save(update_fields=["failures", "retry_at"])
            result.dead += _park_expired(endpoint, give_up_before, answer)
            result.endpoint_down = True
            logger.warning(
                "webhook endpoint %s down (%s); retry at %s",
                endpoint.pk,
                answer.error or answer.status,
                endpoint.retry_at,
            )
            return


def _park_expired(endpoint: WebhookEndpoint, before: datetime, answer: Answer) -> int:
    return WebhookDelivery.objects.filter(
        endpoint=endpoint, status=DeliveryStatus.PENDING, created_at__lt=before
    ).update(
        status=DeliveryStatus.DEAD,
        next_attempt_at=None,
        last_error=answer.error or f"HTTP {answer.status}",
    )


def _schedule_next(endpoint_id: int, moment: datetime) -> None:
    """Wake again when the endpoint's backoff ends or the earliest retry is due."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, active=True).first()
    if endpoint is None:
        return
    pending = WebhookDelivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING)
    if not pending.exists():
        return
    earliest = pending.aggregate(at=Min("next_attempt_at"))["at"]
    if pending.filter(next_attempt_at__isnull=True).exists():
        earliest = moment
    at = max(filter(None, [earliest or moment, endpoint.retry_at]))
    wake(endpoint_id, max(at, moment))


# The dead-letter list -----------------------------------------------------------------------------


def redeliver(*, agency: Agency, delivery_ids: list[int] | None, actor: User) -> int:
    """Put parked deliveries of ``agency`` (all, or those listed) back in the queue, now."""
    from portal.events.services import event_record

    with transaction.atomic():
        parked = WebhookDelivery.objects.filter(endpoint__agency=agency, status=DeliveryStatus.DEAD)
        if delivery_ids is not None:
            parked = parked.filter(pk__in=delivery_ids)
        ids = list(parked.values_list("pk", flat=True))
        # A fresh 72 hours from now: created_at is the retry clock.
        count = WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, next_attempt_at=None, created_at=timezone.now()
        )
        if count:
            WebhookEndpoint.objects.filter(agency=agency).update(failures=0, retry_at=None)
            event_record(
                code="backoffice.webhook.redelivered",
                actor=actor,
                agency=agency,
                payload={"count": count},
            )
            endpoint_id = WebhookEndpoint.objects.get(agency=agency).pk
            transaction.on_commit(lambda: wake(endpoint_id))
    return count
