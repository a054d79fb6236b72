"""Web Push to a real push service stand-in on loopback: signed, encrypted, and saying nothing.

The "push service" is an HTTP server in a thread; the "browser" is a P-256 key pair and an auth
secret made here, so each message is decrypted exactly as a phone would (RFC 8291) and read.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from py_vapid import jwt

from learner.appointments import selectors
from learner.appointments.models import Purpose
from learner.appointments.services.booking import slot_book
from learner.appointments.services.hours import agenda_of, hours_save
from learner.appointments.services.reminders import reminder_send
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.notifications import push
from portal.notifications.models import PushSubscription
from portal.notifications.tasks import push_deliver

pytestmark = pytest.mark.django_db

PLACE = "Diestsestraat 43, Leuven"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Browser:
    """What a browser keeps for one subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: uuid.uuid4().bytes)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)

    def read(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService:
    """A push service on loopback; ``status`` is what it answers to every message."""

    def __init__(self) -> None:
        self.status = 201
        self.received: list[Received] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(Received(self.path, dict(self.headers), body))
                self.send_response(service.status)
                if 300 <= service.status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, name: str = "phone") -> str:
        return f"{self.origin}/push/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def own_vapid_key(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Each test makes its key in its own data folder, as a fresh installation does."""
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    settings.DATA_DIR = tmp_path
    push.vapid.cache_clear()
    push.application_server_key.cache_clear()
    yield tmp_path / "vapid.pem"
    push.vapid.cache_clear()
    push.application_server_key.cache_clear()


@pytest.fixture
def service() -> Iterator[PushService]:
    running = PushService()
    yield running
    running.stop()


def subscribe(user: User, service: PushService, name: str = "phone") -> Browser:
    browser = Browser()
    push.push_subscribe(
        user=user, endpoint=service.endpoint(name), p256dh=browser.p256dh, auth=browser.auth_b64
    )
    return browser


def pushes_queued() -> int:
    return DBTaskResult.objects.filter(task_path=push_deliver.module_path).count()


def run_worker() -> None:
    """What ``manage.py db_worker`` does in production: run the queued tasks, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def book(learner: LearnerProfile, case_manager: User) -> Any:
    """A real booking: the case manager's weekly hours, the first time offered, booked."""
    agenda = agenda_of(user=case_manager)
    day = timezone.localdate() + timedelta(days=3)
    hours_save(
        user=case_manager,
        agenda=agenda,
        values={
            "weekday": day.weekday(),
            "starts": clock(9),
            "ends": clock(12),
            "purpose": Purpose.PLAN_REVIEW,
            "minutes": 60,
            "place": PLACE,
        },
    )
    offer = selectors.offers([agenda], purpose=Purpose.PLAN_REVIEW)[0]
    return slot_book(
        learner=learner,
        actor=learner.user,
        agenda=agenda,
        purpose=Purpose.PLAN_REVIEW,
        starts_at=offer.starts_at,
        interpreter=False,
        client_uuid=uuid.uuid4(),
    )


# Sending ----------------------------------------------------------------------------------------


# Real commits: the worker runs the queued task as in production (and closes connections).
@pytest.mark.django_db(transaction=True)
def test_a_reminder_reaches_the_phone_signed_encrypted_and_without_personal_data(
    learner: LearnerProfile, case_manager: User, service: PushService, settings: Any
) -> None:
    browser = subscribe(learner.user, service)
    booking = book(learner, case_manager)
    starts_at = booking.slot.starts_at
    assert reminder_send(
        booking_id=booking.pk, kind="two_hours", now=starts_at - timedelta(hours=1)
    )
    assert service.received == []  # queued after commit, not sent in the reminder's transaction
    assert pushes_queued() == 1
    run_worker()

    [message] = service.received
    assert message.path == "/push/phone"
    headers = {name.lower(): value for name, value in message.headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    # VAPID (RFC 8292): our public key, and a token for this push service's origin only.
    scheme, credentials = headers["authorization"].split(" ", 1)
    assert scheme == "vapid"
    parts = dict(part.split("=", 1) for part in credentials.split(","))
    assert parts["k"] == push.application_server_key()
    claims = jwt.decode(parts["t"], parts["k"])  # raises unless the signature is valid
    assert claims["aud"] == service.origin
    assert claims["sub"] == settings.WEBPUSH_CONTACT
    assert claims["exp"] > time.time()

    payload = browser.read(message.body)
    assert set(payload) == {"title", "body", "url"}
    assert payload == push.reminder_message(learner.user.preferred_language)
    assert payload["url"] == "/appointments/"
    text = json.dumps(payload, ensure_ascii=False).lower()
    local = timezone.localtime(starts_at)
    for detail in (
        "Amal",
        "Haddad",
        learner.dossier_number,
        PLACE,
        "Diestsestraat",
        "Leuven",
        Purpose.PLAN_REVIEW.value,
        str(Purpose.PLAN_REVIEW.label),
        case_manager.last_name,
        local.strftime("%H:%M"),
        local.strftime("%H.%M"),
        local.date().isoformat(),
        f"{local.day}/{local.month}",
        str(booking.pk),
    ):
        assert detail.lower() not in text, detail
    subscription = PushSubscription.objects.get()
    assert subscription.last_success_at is not None
    assert subscription.failures == 0

    # The same reminder again (a task run twice): nothing more reaches the phone.
    assert not reminder_send(
        booking_id=booking.pk, kind="two_hours", now=starts_at - timedelta(hours=1)
    )
    assert pushes_queued() == 1
    run_worker()
    assert len(service.received) == 1


def test_every_phone_of_the_person_gets_it_and_nobody_else(
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    service: PushService,
) -> None:
    learner = make_learner("INB-0101", case_manager=case_manager, pin="482915")
    other = make_learner("INB-0102", case_manager=case_manager, pin="482915")
    phone = subscribe(learner.user, service, "phone")
    tablet = subscribe(learner.user, service, "tab")
    subscribe(other.user, service, "other")
    assert push.push_send(user_id=learner.user_id) == 2
    by_path = {message.path: message for message in service.received}
    assert set(by_path) == {"/push/phone", "/push/tab"}
    assert phone.read(by_path["/push/phone"].body)["url"] == "/appointments/"
    assert tablet.read(by_path["/push/tab"].body)["url"] == "/appointments/"


def test_a_rolled_back_reminder_pushes_nothing(
    learner: LearnerProfile,
    service: PushService,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    subscribe(learner.user, service)

    def reminder_that_fails() -> None:
        with transaction.atomic():
            push.push_send_after_commit(user_id=learner.user_id)
            raise RuntimeError("the reminder failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        reminder_that_fails()
    assert callbacks == []
    assert pushes_queued() == 0


def test_a_push_is_queued_only_for_a_person_with_a_subscription(
    learner: LearnerProfile,
    service: PushService,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        push.push_send_after_commit(user_id=learner.user_id)
    assert pushes_queued() == 0
    subscribe(learner.user, service)
    with django_capture_on_commit_callbacks(execute=True):
        push.push_send_after_commit(user_id=learner.user_id)
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [learner.user_id], "kwargs": {}}
    assert service.received == []  # the task sends, not the caller


def test_a_subscription_the_push_service_says_is_gone_is_deleted(
    learner: LearnerProfile, service: PushService
) -> None:
    subscribe(learner.user, service)
    service.status = 410
    assert push.push_send(user_id=learner.user_id) == 0
    assert len(service.received) == 1
    assert not PushSubscription.objects.exists()


def test_a_failing_push_service_keeps_the_subscription_and_counts(
    learner: LearnerProfile, service: PushService
) -> None:
    subscribe(learner.user, service)
    service.status = 500
    assert push.push_send(user_id=learner.user_id) == 0
    assert push.push_send(user_id=learner.user_id) == 0
    assert PushSubscription.objects.get().failures == 2
    service.status = 201
    assert push.push_send(user_id=learner.user_id) == 1
    subscription = PushSubscription.objects.get()
    assert subscription.failures == 0
    assert subscription.last_success_at is not None


def test_an_unreachable_push_service_counts_a_failure_and_raises_nothing(
    learner: LearnerProfile, service: PushService, settings: Any
) -> None:
    settings.WEBPUSH_TIMEOUT_SECONDS = 0.5
    subscribe(learner.user, service)
    service.stop()  # connection refused
    assert push.push_send(user_id=learner.user_id) == 0
    assert PushSubscription.objects.get().failures == 1


def test_a_redirect_from_the_push_service_is_not_followed(
    learner: LearnerProfile, service: PushService
) -> None:
    subscribe(learner.user, service)
    service.status = 307
    assert push.push_send(user_id=learner.user_id) == 0
    assert [message.path for message in service.received] == ["/push/phone"]
    assert PushSubscription.objects.get().failures == 1


def test_an_inactive_account_gets_no_push(learner: LearnerProfile, service: PushService) -> None:
    subscribe(learner.user, service)
    User.objects.filter(pk=learner.user_id).update(is_active=False)
    assert push.push_send(user_id=learner.user_id) == 0
    assert service.received == []


# Subscribing ------------------------------------------------------------------------------------


def post_json(client: Client, name: str, body: Any) -> Any:
    return client.post(
        reverse(f"notifications:{name}"), json.dumps(body), content_type="application/json"
    )


def subscription_json(endpoint: str, browser: Browser) -> dict[str, Any]:
    return {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth_b64}}


def test_subscribing_twice_keeps_one_subscription(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client, browser = signed_in(learner.user), Browser()
    body = subscription_json("https://push.example.net/send/abc", browser)
    for _attempt in range(2):
        response = post_json(client, "push_subscribe", body)
        assert response.status_code == 200
        assert response.json() == {"status": "subscribed"}
    subscription = PushSubscription.objects.get()
    assert subscription.user == learner.user
    assert (subscription.p256dh, subscription.auth) == (browser.p256dh, browser.auth_b64)


def test_a_shared_phone_moves_to_whoever_registers_it(
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    signed_in: Callable[[User], Client],
) -> None:
    first = make_learner("INB-0201", case_manager=case_manager, pin="482915")
    second = make_learner("INB-0202", case_manager=case_manager, pin="482915")
    endpoint = "https://push.example.net/send/shared"
    post_json(signed_in(first.user), "push_subscribe", subscription_json(endpoint, Browser()))
    fresh = Browser()
    response = post_json(
        signed_in(second.user), "push_subscribe", subscription_json(endpoint, fresh)
    )
    assert response.status_code == 200
    subscription = PushSubscription.objects.get()
    assert subscription.user == second.user
    assert subscription.p256dh == fresh.p256dh


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/send/abc",  # not https, not loopback
        "ftp://push.example.net/send/abc",
        "https://",
        "push.example.net/send/abc",
        "https://push.example.net/" + "a" * 600,  # longer than the column
    ],
)
def test_an_address_that_is_not_https_is_refused(
    learner: LearnerProfile, signed_in: Callable[[User], Client], endpoint: str
) -> None:
    response = post_json(
        signed_in(learner.user), "push_subscribe", subscription_json(endpoint, Browser())
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_loopback_http_is_refused_in_production(
    learner: LearnerProfile, service: PushService, settings: Any
) -> None:
    settings.PRODUCTION = True
    browser = Browser()
    for endpoint in (service.endpoint(), "https://127.0.0.1/push", "https://10.0.0.8/push"):
        with pytest.raises(ValidationError):
            push.push_subscribe(
                user=learner.user, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth_b64
            )


@pytest.mark.parametrize(
    "keys",
    [
        {"p256dh": "not base64url!", "auth": b64url(b"0123456789abcdef")},
        {"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": b64url(b"0123456789abcdef")},
        {"p256dh": None, "auth": b64url(b"0123456789abcdef")},
        {"p256dh": Browser().p256dh, "auth": b64url(b"short")},
        {"p256dh": Browser().p256dh, "auth": "+/+/+/+/+/+/+/+/+/+/+w"},  # base64, not base64url
        {"p256dh": Browser().p256dh},
    ],
)
def test_keys_that_are_not_a_browsers_are_refused(
    learner: LearnerProfile, signed_in: Callable[[User], Client], keys: dict[str, Any]
) -> None:
    response = post_json(
        signed_in(learner.user),
        "push_subscribe",
        {"endpoint": "https://push.example.net/send/abc", "keys": keys},
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_a_body_that_is_not_a_subscription_is_refused(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    for body in ("not json", "[]", json.dumps({"endpoint": "https://push.example.net/x"})):
        response = client.post(
            reverse("notifications:push_subscribe"), body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["errors"]


def test_unsubscribing_forgets_only_ones_own_subscription(
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    signed_in: Callable[[User], Client],
) -> None:
    owner = make_learner("INB-0301", case_manager=case_manager, pin="482915")
    stranger = make_learner("INB-0302", case_manager=case_manager, pin="482915")
    endpoint = "https://push.example.net/send/mine"
    post_json(signed_in(owner.user), "push_subscribe", subscription_json(endpoint, Browser()))

    response = post_json(signed_in(stranger.user), "push_unsubscribe", {"endpoint": endpoint})
    assert response.status_code == 200
    assert PushSubscription.objects.filter(user=owner.user).exists()

    for _attempt in range(2):  # the same again changes nothing
        response = post_json(signed_in(owner.user), "push_unsubscribe", {"endpoint": endpoint})
        assert response.status_code == 200
        assert response.json() == {"status": "unsubscribed"}
    assert not PushSubscription.objects.exists()
    assert post_json(signed_in(owner.user), "push_unsubscribe", {}).status_code == 400


def test_staff_subscribe_only_after_their_second_factor(
    make_staff: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    staff = make_staff(Role.CASE_MANAGER, "tb.push")
    body = subscription_json("https://push.example.net/send/staff", Browser())
    unverified = Client()
    unverified.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert post_json(unverified, "push_subscribe", body).status_code == 302
    assert not PushSubscription.objects.exists()
    assert post_json(signed_in(staff), "push_subscribe", body).status_code == 200


# Keys and the page ------------------------------------------------------------------------------


def public_key_of(private_key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(
        private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def test_without_a_configured_key_one_is_made_once_and_kept(own_vapid_key: Path) -> None:
    assert not own_vapid_key.exists()
    first = push.application_server_key()
    assert own_vapid_key.exists()
    assert own_vapid_key.stat().st_mode & 0o077 == 0  # readable by the portal only
    push.vapid.cache_clear()
    push.application_server_key.cache_clear()
    assert push.application_server_key() == first  # a restart keeps it
    raw = base64.urlsafe_b64decode(first + "=")
    assert len(raw) == 65
    assert raw[0] == 4


def test_a_configured_key_is_read_as_pem_or_base64url(settings: Any, own_vapid_key: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    expected = public_key_of(key)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    raw = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    for configured in (pem, pem.replace("\n", "\\n"), raw):
        settings.WEBPUSH_VAPID_PRIVATE_KEY = configured
        push.vapid.cache_clear()
        push.application_server_key.cache_clear()
        assert push.application_server_key() == expected
    assert not own_vapid_key.exists()


@pytest.mark.parametrize("configured", ["not a key", b64url(b"\x01" * 20)])
def test_a_broken_configured_key_stops_with_a_clear_message(settings: Any, configured: str) -> None:
    settings.WEBPUSH_VAPID_PRIVATE_KEY = configured
    with pytest.raises(ImproperlyConfigured, match="PORTAL_WEBPUSH_VAPID_PRIVATE_KEY"):
        push.vapid()


def test_the_learners_messages_page_offers_reminders_on_this_phone(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(learner.user).get(reverse("notifications:list")).content.decode()
    assert "data-push-toggle" in page
    assert f'data-key="{push.application_server_key()}"' in page
    assert reverse("notifications:push_subscribe") in page
    assert "js/push.js" in page


def test_the_service_worker_shows_pushes_and_opens_their_page() -> None:
    body = Client().get("/sw.js").content.decode()
    assert 'addEventListener("push"' in body
    assert 'addEventListener("notificationclick"' in body
