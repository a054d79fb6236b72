from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from learner.profiles.models import CaseloadAssignment, LearnerProfile
from portal.accounts.models import Role, User
from portal.events.models import Event

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def test_demo_data_is_idempotent_and_its_printed_logins_work() -> None:
    load()
    counts = (
        User.objects.count(),
        LearnerProfile.objects.count(),
        CaseloadAssignment.objects.count(),
    )
    events_after_first = Event.objects.exclude(code="accounts.activation_code.issued").count()
    printed = load()

    assert (
        User.objects.count(),
        LearnerProfile.objects.count(),
        CaseloadAssignment.objects.count(),
    ) == counts
    assert (
        Event.objects.exclude(code="accounts.activation_code.issued").count() == events_after_first
    )
    learners = LearnerProfile.objects.select_related("user", "municipality")
    assert learners.count() >= 6
    assert {"ar", "ti", "uk", "fa", "so", "en"} <= {p.user.preferred_language for p in learners}
    assert {p.obligation for p in learners} == {"obligated", "entitled"}
    assert {p.municipality.region for p in learners} == {"flanders", "brussels"}
    assert {p.employment for p in learners} >= {"employed", "not-working"}
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(role=Role.CASE_MANAGER).count() == 2
    assert User.objects.filter(role=Role.BUDDY).count() == 2

    # The printed PIN signs a learner in; the printed code activates the pending one.
    client = Client()
    assert (
        client.post(
            reverse("accounts:login"), {"username": "INB-2026-0001", "password": "482915"}
        ).status_code
        == 302
    )
    code = printed.split("with code ")[1].split()[0]
    phone = Client()
    start = phone.post(reverse("accounts:activate"), {"username": "INB-2026-0007", "code": code})
    assert start.status_code == 302
    staff = Client()
    assert (
        staff.post(
            reverse("accounts:login"), {"username": "tb.an", "password": "demo-portal-2026"}
        ).status_code
        == 302
    )
