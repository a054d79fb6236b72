"""Phone-to-phone confirmation: signed claims and receipts, checked when either phone syncs."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from learner.participation import services
from learner.participation.models import Activity, ActivityKind, Confirmation, HourEntry, Via
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Municipality, Role, User
from portal.sync.services import commands_apply, device_key_register
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Phone:
    """What a phone's WebCrypto does: a P-256 key, its JWK, r‖s signatures."""

    def __init__(self, user: User, secret: str = "") -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.key_id = str(uuid.uuid4())
        numbers = self.key.public_key().public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }
        device_key_register(
            request=RequestFactory().post("/api/sync/device-keys"),
            user=user,
            key_id=uuid.UUID(self.key_id),
            public_jwk=jwk,
            secret=secret,
        )

    def sign(self, text: str) -> str:
        r, s = decode_dss_signature(self.key.sign(text.encode(), ec.ECDSA(hashes.SHA256())))
        return b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def code(self, prefix: str, data: dict[str, Any]) -> str:
        text = json.dumps(data, separators=(",", ":"))
        return f"{prefix}.{b64url(text.encode())}.{self.sign(text)}"


@pytest.fixture
def setting(
    make_staff: Callable[..., User], leuven: Municipality, learner: LearnerProfile
) -> tuple[LearnerProfile, User, Activity]:
    coordinator = make_staff(Role.COORDINATOR, "coord", municipality=leuven)
    buddy = make_staff(Role.BUDDY, "buddy.jan")
    activity = services.activity_publish(
        actor=coordinator, kind=ActivityKind.BUDDY, title="Buddy project"
    )
    services.contact_link(actor=coordinator, learner=learner, contact=buddy, activity=activity)
    return learner, buddy, activity


def exchange(
    learner: LearnerProfile, buddy: User, activity: Activity, *, minutes: int = 120
) -> tuple[str, dict[str, Any], str, str]:
    command = str(uuid.uuid4())
    day = timezone.localdate().isoformat()
    learner_phone = Phone(learner.user)
    buddy_phone = Phone(buddy, secret=PASSWORD)
    claim = learner_phone.code(
        "PC1",
        {"v": 1, "c": command, "l": learner.user.username, "a": activity.pk, "d": day,
         "m": minutes, "k": learner_phone.key_id},
    )  # fmt: skip
    digest = b64url(hashlib.sha256(claim.encode()).digest())
    receipt = buddy_phone.code(
        "PR1",
        {"v": 1, "h": digest, "c": command, "b": buddy.username, "k": buddy_phone.key_id,
         "dec": "confirmed"},
    )  # fmt: skip
    payload = {"activity": activity.pk, "day": day, "minutes": minutes}
    return command, payload, claim, receipt


def send(user: User, command: str, kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    [answer] = commands_apply(
        user=user,
        commands=[
            {"uuid": uuid.UUID(command), "type": kind, "payload": payload,
             "created_at": timezone.now()}
        ],
    )  # fmt: skip
    return answer.status, answer.reason


def test_the_learners_phone_syncs_first_then_the_buddys_and_the_entry_is_confirmed_once(
    setting: tuple[LearnerProfile, User, Activity],
) -> None:
    learner, buddy, activity = setting
    command, payload, claim, receipt = exchange(learner, buddy, activity)
    qr = {"claim": claim, "receipt": receipt}
    assert send(learner.user, command, "participation.hours.log", {**payload, "qr": qr}) == (
        "applied",
        "",
    )
    assert send(buddy, str(uuid.uuid4()), "participation.hours.confirm_qr", qr)[0] == "applied"
    entry = HourEntry.objects.get()
    assert str(entry.client_uuid) == command
    confirmation = Confirmation.objects.get()
    assert (confirmation.via, confirmation.decided_by) == (Via.QR, buddy)
    assert confirmation.evidence == qr


def test_the_buddys_phone_syncs_first_and_the_learners_entry_arrives_confirmed(
    setting: tuple[LearnerProfile, User, Activity],
) -> None:
    learner, buddy, activity = setting
    command, payload, claim, receipt = exchange(learner, buddy, activity)
    qr = {"claim": claim, "receipt": receipt}
    assert send(buddy, str(uuid.uuid4()), "participation.hours.confirm_qr", qr)[0] == "applied"
    assert send(learner.user, command, "participation.hours.log", payload)[0] == "applied"
    assert HourEntry.objects.count() == 1
    assert Confirmation.objects.count() == 1


def test_an_altered_claim_or_a_receipt_of_another_claim_is_refused(
    setting: tuple[LearnerProfile, User, Activity],
) -> None:
    learner, buddy, activity = setting
    command, payload, claim, receipt = exchange(learner, buddy, activity)
    head, body, signature = claim.split(".")
    text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    forged = f"{head}.{b64url(text.replace(':120', ':600').encode())}.{signature}"
    status = send(buddy, str(uuid.uuid4()), "participation.hours.confirm_qr",
                  {"claim": forged, "receipt": receipt})  # fmt: skip
    assert status == ("rejected", "bad_signature")
    _other, _payload, other_claim, _receipt = exchange(learner, buddy, activity)
    status = send(learner.user, command, "participation.hours.log",
                  {**payload, "qr": {"claim": other_claim, "receipt": receipt}})  # fmt: skip
    assert status == ("rejected", "bad_signature")
    assert not HourEntry.objects.exists()


def test_a_receipt_from_a_buddy_not_linked_to_the_learner_confirms_nothing(
    setting: tuple[LearnerProfile, User, Activity], make_staff: Callable[..., User]
) -> None:
    learner, _buddy, activity = setting
    stranger = make_staff(Role.BUDDY, "buddy.other")
    command, payload, claim, receipt = exchange(learner, stranger, activity)
    status = send(learner.user, command, "participation.hours.log",
                  {**payload, "qr": {"claim": claim, "receipt": receipt}})  # fmt: skip
    assert status[0] == "rejected"
    assert not Confirmation.objects.exists()


def test_a_buddy_registers_a_phone_key_only_with_their_own_secret(
    setting: tuple[LearnerProfile, User, Activity],
) -> None:
    _learner, buddy, _activity = setting
    with pytest.raises(ValidationError):
        Phone(buddy, secret="not-it")


@pytest.mark.django_db(transaction=True)
def test_both_phones_syncing_at_the_same_moment_make_one_confirmed_entry(
    setting: tuple[LearnerProfile, User, Activity],
) -> None:
    import threading

    from django.db import connection

    learner, buddy, activity = setting
    command, payload, claim, receipt = exchange(learner, buddy, activity)
    qr = {"claim": claim, "receipt": receipt}
    answers: list[tuple[str, str]] = []
    start = threading.Barrier(2)

    def phone(user: User, kind: str, body: dict[str, Any], command_id: str) -> None:
        try:
            start.wait()
            answers.append(send(user, command_id, kind, body))
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=phone,
            args=(learner.user, "participation.hours.log", {**payload, "qr": qr}, command),
        ),
        threading.Thread(
            target=phone,
            args=(buddy, "participation.hours.confirm_qr", qr, str(uuid.uuid4())),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [("applied", ""), ("applied", "")]
    assert HourEntry.objects.count() == 1
    assert Confirmation.objects.count() == 1
