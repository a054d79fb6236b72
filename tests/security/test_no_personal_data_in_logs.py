"""No personal data in the logs: representative flows run with every logger at DEBUG, and no
record names a dossier number, a name, an e-mail address, a PIN, a code or a token."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from portal.accounts import services as account_services
from portal.accounts.models import Agency, User
from portal.backoffice import services as backoffice_services
from tests.conftest import PASSWORD, PIN

pytestmark = pytest.mark.django_db


def test_flows_leave_no_personal_data_in_any_log_record(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    make_staff: Callable[..., User],
    agency: Agency,
    signed_in: Callable[[User], Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from portal.accounts.models import Role

    other_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    other = make_learner("INB-0777", case_manager=other_manager)
    other.user.email = "amal.private@example.org"
    other.user.save()
    pending = make_learner("INB-0888", case_manager=case_manager)
    code = account_services.activation_code_issue(issued_by=case_manager, user=pending.user).code
    _token, secret = backoffice_services.token_create(agency=agency, name="log", actor=None)
    caplog.set_level(logging.DEBUG)

    # Sign-in: a wrong PIN, then the right one.
    login = reverse("accounts:login")
    Client().post(login, {"username": "INB-0001", "password": "135799"})
    Client().post(login, {"username": "INB-0001", "password": PIN})
    Client().post(login, {"username": "tb.an", "password": PASSWORD})
    # Activation with a wrong code.
    Client().post(reverse("accounts:activate"), {"username": "INB-0888", "code": code[:-1] + "Z"})
    # Hours and a booking through the outbox, one of them refused.
    phone = signed_in(learner.user)
    phone.post(
        reverse("sync:commands"),
        {
            "commands": [
                {
                    "uuid": str(uuid.uuid4()),
                    "type": kind,
                    "payload": payload,
                    "created_at": timezone.now().isoformat(),
                }
                for kind, payload in (
                    ("participation.hours.log", {"activity": 999, "minutes": 90}),
                    ("appointments.booking.request", {"slot": "garbage"}),
                )
            ]
        },
        content_type="application/json",
    )
    # A case manager opens another learner's dossier (404), and the JSON of it.
    staff = signed_in(case_manager)
    assert staff.get(reverse("profiles:learner_detail", args=["INB-0777"])).status_code == 404
    assert staff.get(reverse("api:learner_trajectory", args=["INB-0777"])).status_code == 404
    # The back office sends a record that does not validate.
    Client(headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "k1"}).post(
        reverse("backoffice:ingest"),
        {"records": [{"type": "learner", "dossier_number": "INB-0777", "email": "x@"}]},
        content_type="application/json",
    )

    secrets = {
        "INB-0001",
        "INB-0777",
        "INB-0888",
        "Amal",
        "Haddad",
        "amal.private@example.org",
        PIN,
        "135799",
        PASSWORD,
        code,
        secret,
    }
    # The flows did log: the 404s name the route instead of the dossier in the path.
    assert any("<str:dossier_number>" in r.getMessage() for r in caplog.records)
    leaks = [
        (record.name, text)
        for record in caplog.records
        for text in (record.getMessage(), record.exc_text or "")
        if any(s in text for s in secrets)
    ]
    assert leaks == []
