"""Rate limits: every API view is throttled, a refusal is 429 in the person's language, and a
sign-in lock never holds a classroom that shares one address."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator

import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from learner.profiles.models import LearnerProfile
from portal.accounts import services as account_services
from portal.accounts.models import Agency, Role, User
from portal.backoffice import services as backoffice_services
from portal.backoffice.api import TokenRateThrottle
from portal.notifications.models import PushSubscription
from portal.shell.throttling import PushThrottle
from portal.sync.api import SyncThrottle
from portal.sync.models import DeviceKey
from tests.conftest import PASSWORD, PIN


def _api_views() -> Iterator[tuple[str, type[APIView]]]:
    def walk(patterns: list, prefix: str) -> Iterator[tuple[str, type[APIView]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view_class = getattr(entry.callback, "cls", None)
                if isinstance(view_class, type) and issubclass(view_class, APIView):
                    yield prefix + str(entry.pattern), view_class

    yield from walk(get_resolver().url_patterns, "/")


def test_every_api_view_is_throttled() -> None:
    views = dict(_api_views())
    # The four APIs: back office, sync, the learner's and staff's JSON, and the schema.
    assert {"backoffice", "sync", "learner", "staff", "schema"} <= {
        part for route in views for part in route.split("/")
    }
    unthrottled = [route for route, view in views.items() if not view().get_throttles()]
    assert unthrottled == []
    for route, view in views.items():
        for throttle in view().get_throttles():
            assert throttle.rate, f"{route}: {type(throttle).__name__} has no rate"


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once at import; the class attribute is what a test can turn down.
    for throttle in (UserRateThrottle, AnonRateThrottle, SyncThrottle, TokenRateThrottle):
        monkeypatch.setattr(throttle, "rate", "2/minute", raising=False)


@pytest.mark.django_db
@pytest.mark.usefixtures("low_rates")
def test_the_learner_api_answers_429_in_the_learners_language(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("api:own_trajectory")
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused.json()["detail"] == "Too many attempts. Wait 1 minute and try again."
    assert "Retry-After" in refused
    # The same refusal in Dutch, from the catalogs the lockout page uses.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = client.get(url).json()["detail"]
    assert dutch != refused.json()["detail"]
    assert dutch.startswith("Te veel pogingen")


@pytest.mark.django_db
@pytest.mark.usefixtures("low_rates")
def test_the_staff_api_is_throttled_per_person(
    learner: LearnerProfile,
    case_manager: User,
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    url = reverse("api:learner_trajectory", args=[learner.dossier_number])
    client = signed_in(case_manager)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    # A colleague on the same office address has their own count.
    from portal.accounts.models import Role

    admin = make_staff(Role.AGENCY_ADMIN, "admin.own")
    assert signed_in(admin).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("low_rates")
def test_the_sync_api_answers_429_past_its_rate(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    url = reverse("sync:commands")
    codes = [
        client.post(url, {"commands": []}, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]


@pytest.mark.django_db
@pytest.mark.usefixtures("low_rates")
def test_the_schema_is_throttled_per_address_for_anonymous_callers() -> None:
    url = reverse("api:schema")
    codes = [Client(REMOTE_ADDR="10.1.1.1").get(url).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Client(REMOTE_ADDR="10.1.1.2").get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("low_rates")
def test_the_backoffice_api_is_throttled_per_token(agency: Agency) -> None:
    _token, secret = backoffice_services.token_create(agency=agency, name="t", actor=None)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = reverse("backoffice:changes")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    _other, other_secret = backoffice_services.token_create(agency=agency, name="u", actor=None)
    other = Client(headers={"Authorization": f"Bearer {other_secret}"})
    assert other.get(url).status_code == 200


@pytest.mark.django_db
def test_wrong_activation_codes_lock_that_dossier_only_not_the_classroom(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    """Activation shares the sign-in lock (username + address): a classmate activating from the
    same classroom address is not held by someone else's wrong codes."""
    guessed = make_learner("INB-0300", case_manager=case_manager)
    classmate = make_learner("INB-0301", case_manager=case_manager)
    account_services.activation_code_issue(issued_by=case_manager, user=guessed.user)
    classmate_code = account_services.activation_code_issue(
        issued_by=case_manager, user=classmate.user
    ).code
    activate = reverse("accounts:activate")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            activate, {"username": "INB-0300", "code": "AAAAABBBBB"}, REMOTE_ADDR="10.2.0.1"
        )
    locked = Client().post(
        activate, {"username": "INB-0300", "code": "AAAAABBBBB"}, REMOTE_ADDR="10.2.0.1"
    )
    assert locked.status_code == 429
    allowed = Client().post(
        activate, {"username": "INB-0301", "code": classmate_code}, REMOTE_ADDR="10.2.0.1"
    )
    assert allowed.status_code == 302
    assert allowed["Location"] == reverse("accounts:activate_secret")


@pytest.mark.django_db
def test_a_wrong_pin_for_one_learner_does_not_lock_a_classmate_on_the_same_address(
    learner: LearnerProfile, make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    classmate = make_learner("INB-0002", case_manager=case_manager, pin="135790")
    login = reverse("accounts:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 3):
        Client().post(login, {"username": "INB-0001", "password": "000111"}, REMOTE_ADDR="10.3.0.1")
    assert (
        Client()
        .post(login, {"username": "INB-0001", "password": PIN}, REMOTE_ADDR="10.3.0.1")
        .status_code
        == 429
    )
    ok = Client().post(
        login, {"username": classmate.dossier_number, "password": "135790"}, REMOTE_ADDR="10.3.0.1"
    )
    assert ok.status_code == 302
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.django_db
def test_push_subscriptions_are_throttled_per_person_with_the_same_429(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    signed_in: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PushThrottle, "rate", "3/minute", raising=False)
    client = signed_in(learner.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    key = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )

    def subscription(n: int) -> str:
        keys = {
            "p256dh": base64.urlsafe_b64encode(key).decode().rstrip("="),
            "auth": base64.urlsafe_b64encode(bytes(16)).decode().rstrip("="),
        }
        return json.dumps({"endpoint": f"https://push.example.net/send/{n}", "keys": keys})

    def post(who: Client, name: str, body: str) -> int:
        url = reverse(f"notifications:{name}")
        return who.post(url, body, content_type="application/json").status_code

    # Subscribing and unsubscribing share one count.
    codes = [post(client, "push_subscribe", subscription(n)) for n in range(2)]
    codes.append(post(client, "push_unsubscribe", json.dumps({"endpoint": "x"})))
    assert codes == [200, 200, 200]
    refused = client.post(
        reverse("notifications:push_subscribe"), subscription(9), content_type="application/json"
    )
    assert refused.status_code == 429
    assert refused.json() == {"errors": ["Too many attempts. Wait 1 minute and try again."]}
    assert int(refused["Retry-After"]) > 0
    assert post(client, "push_unsubscribe", json.dumps({"endpoint": "x"})) == 429
    # Nothing was stored by the refused request; someone else on the same phone has their own count.
    assert PushSubscription.objects.filter(endpoint__endswith="/9").count() == 0
    classmate = make_learner("INB-0402", case_manager=case_manager)
    assert post(signed_in(classmate.user), "push_subscribe", subscription(9)) == 200


def _device_key_body(secret: str) -> str:
    numbers = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()

    def b64(number: int) -> str:
        return base64.urlsafe_b64encode(number.to_bytes(32, "big")).decode().rstrip("=")

    jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y)}
    return json.dumps({"key_id": str(uuid.uuid4()), "public_jwk": jwk, "secret": secret})


@pytest.mark.django_db
def test_wrong_buddy_pins_at_device_keys_count_toward_the_sign_in_lock(
    make_staff: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    """A signed-in session is no way around the lockout: wrong secrets at device-key
    registration lock the username from that address, for sign-in too, and a locked username's
    right secret is refused there with 429; another address is not held."""
    buddy = make_staff(Role.BUDDY, "buddy.lock")
    client = signed_in(buddy)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("sync:device_keys")

    def register(secret: str, address: str) -> int:
        body = _device_key_body(secret)
        return client.post(
            url, body, content_type="application/json", REMOTE_ADDR=address
        ).status_code

    codes = [register("wrong-secret", "10.4.0.1") for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    attempts = AccessAttempt.objects.get(username="buddy.lock", ip_address="10.4.0.1")
    assert attempts.failures_since_start == settings.AXES_FAILURE_LIMIT
    # Locked: the right secret is refused too, and nothing is registered.
    assert register(PASSWORD, "10.4.0.1") == 429
    assert not DeviceKey.objects.filter(user=buddy).exists()
    # The same lock as the sign-in form's.
    login = reverse("accounts:login")
    signing_in = Client().post(
        login, {"username": "buddy.lock", "password": PASSWORD}, REMOTE_ADDR="10.4.0.1"
    )
    assert signing_in.status_code == 429
    # From another address the buddy registers their phone.
    assert register(PASSWORD, "10.4.0.2") == 201
    assert DeviceKey.objects.filter(user=buddy).count() == 1


@pytest.mark.django_db
def test_a_locked_username_cannot_register_a_device_key_even_with_the_right_pin(
    make_staff: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    buddy = make_staff(Role.BUDDY, "buddy.held")
    login = reverse("accounts:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post(login, {"username": "buddy.held", "password": "nope"}, REMOTE_ADDR="10.5.0.1")
    refused = signed_in(buddy).post(
        reverse("sync:device_keys"),
        _device_key_body(PASSWORD),
        content_type="application/json",
        REMOTE_ADDR="10.5.0.1",
    )
    assert refused.status_code == 429
    assert not DeviceKey.objects.filter(user=buddy).exists()
