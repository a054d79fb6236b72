"""Webhooks to a real receiver on loopback: signed, in order per learner, nothing lost.

The receiver is an HTTP server in a thread that can be down in every way a back office goes
down: refusing connections, answering 500, or taking longer than the portal waits. The clock of
the delivery passes is simulated, so an hour of outage takes a second.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.models import Agency, Municipality, Role, User
from portal.backoffice import services, webhooks
from portal.backoffice.client import sample_dossier
from portal.backoffice.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from portal.events.models import Event


class Receiver:
    """A back office's webhook endpoint; ``mode`` is up, error (500), slow (times out) or down."""

    def __init__(self, secret_of: Callable[[], str]) -> None:
        self.mode = "up"
        self.received: list[dict[str, Any]] = []  # every request that arrived, in order
        self.accepted: set[str] = set()  # event ids answered 2xx in time
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not webhooks.verify(secret_of(), dict(self.headers), body):
                    receiver.bad_signatures += 1
                document = json.loads(body)
                document["webhook-id"] = self.headers["webhook-id"]
                receiver.received.append(document)
                if receiver.mode == "slow":
                    time.sleep(0.6)  # past the portal's timeout; it was received all the same
                status = 500 if receiver.mode == "error" else 204
                if receiver.mode == "up":
                    receiver.accepted.add(document["event_id"])
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def go_down(self) -> None:
        """Connection refused: nothing listens on the port any more."""
        self.server.shutdown()
        self.server.server_close()

    def come_back(self) -> None:
        handler = self.server.RequestHandlerClass
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


class Clock:
    def __init__(self) -> None:
        self.at = timezone.now()

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def endpoint_and_receiver(
    agency: Agency, leuven: Municipality, make_staff: Callable[..., User], settings: Any
) -> Iterator[tuple[WebhookEndpoint, Receiver]]:
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    admin = make_staff(Role.AGENCY_ADMIN, "admin.hooks")
    holder: dict[str, str] = {}
    receiver = Receiver(lambda: holder["secret"])
    endpoint, secret = webhooks.endpoint_save(
        agency=agency, url=receiver.url, active=True, actor=admin
    )
    assert secret is not None
    holder["secret"] = secret
    yield endpoint, receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def since_configured(agency: Agency) -> Any:
    """The agency's events from the endpoint's configuration on: each must reach the receiver."""
    configured = Event.objects.get(code="backoffice.webhook.configured")
    return Event.objects.filter(agency=agency, id__gte=configured.pk).order_by("id")


def ingest(agency: Agency, dossiers: range, tag: str) -> None:
    for n in dossiers:
        items = sample_dossier(f"W-{n}", nis_code="24062", signed_on=timezone.localdate())
        if tag != "first":  # later: a new version of the learner and one more exam
            items = [
                {
                    **items[0],
                    "version": int(tag),
                    "values": {**items[0]["values"], "last_name": tag},
                }
            ]
        services.ingest_batch(agency=agency, items=items)


def drain(endpoint: WebhookEndpoint, clock: Clock) -> None:
    for _ in range(50):
        webhooks.deliver_pending(endpoint.pk, now=clock)
        if not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists():
            return
        clock.advance(hours=1, minutes=5)  # past the longest backoff
    raise AssertionError("deliveries still pending")


@pytest.mark.django_db
def test_a_back_office_down_for_an_hour_gets_every_event_afterwards_in_order_per_learner(
    agency: Agency, endpoint_and_receiver: tuple[WebhookEndpoint, Receiver]
) -> None:
    endpoint, receiver = endpoint_and_receiver
    clock = Clock()
    ingest(agency, range(3), "first")
    webhooks.deliver_pending(endpoint.pk, now=clock)
    delivered_before = len(receiver.received)
    assert delivered_before == since_configured(agency).count()

    # An hour of trouble, twenty minutes each: refused, 500, timeouts. Events keep coming.
    outage: list[tuple[str, Callable[[], None]]] = [
        ("down", receiver.go_down),
        ("error", receiver.come_back),
        ("slow", lambda: None),
    ]
    for version, (mode, switch) in enumerate(outage, start=2):
        switch()
        receiver.mode = mode if mode != "down" else "up"
        for minute in range(20):
            if minute % 7 == 0:
                ingest(agency, range(3), str(version * 10 + minute))
            webhooks.deliver_pending(endpoint.pk, now=clock)
            clock.advance(minutes=1)
        assert WebhookEndpoint.objects.get().failures > 0
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()

    receiver.mode = "up"
    drain(endpoint, clock)

    events = list(since_configured(agency))
    ids = [str(e.event_id) for e in events]
    received_ids = [r["event_id"] for r in receiver.received]
    assert set(received_ids) == set(ids)  # none missing
    assert all(r["webhook-id"] == r["event_id"] for r in receiver.received)
    # Duplicates only from the timeouts (received, but the answer came too late), same id.
    assert len(received_ids) > len(set(received_ids))
    assert receiver.bad_signatures == 0
    # In order per learner: first arrivals follow the order of the events.
    for learner in {e.learner_id for e in events if e.learner_id}:
        theirs = [str(e.event_id) for e in events if e.learner_id == learner]
        first_seen = list(dict.fromkeys(i for i in received_ids if i in set(theirs)))
        assert first_seen == theirs
    assert not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists()


@pytest.mark.django_db
def test_after_72_hours_a_delivery_is_parked_and_the_admin_can_redeliver_it(
    agency: Agency,
    endpoint_and_receiver: tuple[WebhookEndpoint, Receiver],
    make_staff: Callable[..., User],
) -> None:
    endpoint, receiver = endpoint_and_receiver
    clock = Clock()
    receiver.mode = "error"
    ingest(agency, range(1), "first")
    for _ in range(80):
        webhooks.deliver_pending(endpoint.pk, now=clock)
        clock.advance(hours=1)
    assert receiver.received  # it was tried, and failed
    total = WebhookDelivery.objects.count()
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD).count() == total

    receiver.mode = "up"
    admin = User.objects.get(username="admin.hooks")
    assert webhooks.redeliver(agency=agency, delivery_ids=None, actor=admin) == total
    drain(endpoint, Clock())
    every_event = since_configured(agency).values_list("event_id", flat=True)
    assert receiver.accepted == {str(e) for e in every_event}


def test_the_signature_is_the_standard_webhooks_one() -> None:
    # The worked example of the Standard Webhooks specification (docs/backoffice-api.md).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_signature_checks_the_body_the_id_and_the_time() -> None:
    secret = webhooks.new_secret()
    body = b'{"event_id": "e1"}'
    now = int(time.time())
    headers = {
        "webhook-id": "e1",
        "webhook-timestamp": str(now),
        "webhook-signature": webhooks.sign(secret, "e1", now, body),
    }
    assert webhooks.verify(secret, headers, body)
    assert not webhooks.verify(secret, headers, body.replace(b"e1", b"e2"))
    assert not webhooks.verify(secret, {**headers, "webhook-id": "e2"}, body)
    assert not webhooks.verify(webhooks.new_secret(), headers, body)
    assert not webhooks.verify(secret, headers, body, now=now + 3600)  # a replay, an hour late


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_the_tasks_queue(
    agency: Agency, endpoint_and_receiver: tuple[WebhookEndpoint, Receiver]
) -> None:
    _endpoint, receiver = endpoint_and_receiver
    from importlib import import_module

    from django.apps import apps as django_apps

    import_module("learner.trajectory.migrations.0002_first_rule_set_and_declaration").seed(
        django_apps, None
    )
    ingest(agency, range(2), "first")  # commits: the outbox wakes one task
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "webhooks", "--no-reload"
    )
    every_event = since_configured(agency).values_list("event_id", flat=True)
    assert receiver.accepted == {str(e) for e in every_event}


@pytest.mark.django_db
def test_the_admin_sets_the_endpoint_sees_the_secret_once_and_redelivers_only_their_own(
    agency: Agency,
    other_agency: Agency,
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Any],
) -> None:
    admin = make_staff(Role.AGENCY_ADMIN, "admin.web")
    client = signed_in(admin)
    refused = client.post("/staff/webhooks/", {"url": "http://backoffice.example/hooks"})
    assert refused.status_code == 200
    assert "https://" in refused.content.decode()
    assert not WebhookEndpoint.objects.exists()

    created = client.post(
        "/staff/webhooks/", {"url": "https://backoffice.example/hooks", "active": "on"}
    )
    endpoint = WebhookEndpoint.objects.get(agency=agency)
    assert endpoint.secret in created.content.decode()
    again = client.get("/staff/webhooks/")
    assert endpoint.secret not in again.content.decode()
    rotated = client.post("/staff/webhooks/secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()
    assert endpoint.secret not in created.content.decode()

    foreign_admin = make_staff(Role.AGENCY_ADMIN, "admin.foreign", agency=other_agency)
    WebhookDelivery.objects.update(status=DeliveryStatus.DEAD)
    parked = WebhookDelivery.objects.order_by("id").first()  # the "configured" event
    assert parked is not None
    page = client.get("/staff/webhooks/").content.decode()
    assert "backoffice.webhook.configured" in page
    signed_in(foreign_admin).post("/staff/webhooks/redeliver/", {"delivery": parked.pk})
    assert WebhookDelivery.objects.get(pk=parked.pk).status == DeliveryStatus.DEAD
    client.post("/staff/webhooks/redeliver/", {"delivery": parked.pk})
    assert WebhookDelivery.objects.get(pk=parked.pk).status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_pruning_forgets_old_keys_and_delivered_events_but_never_parked_ones(
    agency: Agency, endpoint_and_receiver: tuple[WebhookEndpoint, Receiver]
) -> None:
    from io import StringIO

    from portal.backoffice.models import IdempotencyRecord

    endpoint, _receiver = endpoint_and_receiver
    ingest(agency, range(1), "first")
    webhooks.deliver_pending(endpoint.pk)
    IdempotencyRecord.objects.create(
        agency=agency, key="old", request_digest="x", status_code=200, response={}
    )
    long_ago = timezone.now() - timedelta(days=31)
    IdempotencyRecord.objects.update(created_at=long_ago)
    WebhookDelivery.objects.update(delivered_at=long_ago)
    parked = WebhookDelivery.objects.first()
    assert parked is not None
    WebhookDelivery.objects.filter(pk=parked.pk).update(status=DeliveryStatus.DEAD)
    call_command("backoffice_prune", stdout=StringIO())
    assert not IdempotencyRecord.objects.exists()
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [parked.pk]
