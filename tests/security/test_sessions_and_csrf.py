"""Session fixation and CSRF: a session id planted before sign-in is not the one after it
(PIN, staff password, activation), logging out ends the session on the server, and a form or
session-authenticated API call without the CSRF token is refused (403)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from portal.accounts import services as account_services
from portal.accounts.models import User
from tests.conftest import PASSWORD, PIN

pytestmark = pytest.mark.django_db

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def planted(client: Client) -> str:
    """An attacker's session id, set in the victim's browser before they sign in."""
    session = SessionStore()
    session["planted"] = True
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def current(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_pin_sign_in_gets_a_new_session_id(learner: LearnerProfile) -> None:
    client = Client()
    before = planted(client)
    response = client.post(reverse("accounts:login"), {"username": "INB-0001", "password": PIN})
    assert response.status_code == 302
    assert current(client) != before
    assert not SessionStore().exists(before)


def test_staff_sign_in_gets_a_new_session_id(case_manager: User) -> None:
    client = Client()
    before = planted(client)
    response = client.post(reverse("accounts:login"), {"username": "tb.an", "password": PASSWORD})
    assert response.status_code == 302
    assert current(client) != before
    assert not SessionStore().exists(before)


def test_activation_gets_a_new_session_id(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    profile = make_learner("INB-0400", case_manager=case_manager)
    code = account_services.activation_code_issue(issued_by=case_manager, user=profile.user).code
    client = Client()
    before = planted(client)
    client.post(reverse("accounts:activate"), {"username": "INB-0400", "code": code})
    during = current(client)
    response = client.post(
        reverse("accounts:activate_secret"),
        {"kind": "pin", "secret": "748291", "secret_again": "748291"},
    )
    assert response.status_code == 302
    assert current(client) not in {before, during}
    assert not SessionStore().exists(before)
    assert not SessionStore().exists(during)


def test_logout_flushes_the_session_on_the_server(learner: LearnerProfile) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "INB-0001", "password": PIN})
    signed_in_key = current(client)
    assert SessionStore().exists(signed_in_key)
    client.post(reverse("accounts:logout"))
    assert not SessionStore().exists(signed_in_key)
    # The old cookie, replayed, is anonymous.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = signed_in_key
    assert replay.get(reverse("shell:home")).status_code == 302


FORMS = {
    "login": ("accounts:login", [], None),
    "log hours": ("participation:home", [], "learner"),
    "booking": ("appointments:book", [], "learner"),
    "portfolio upload": ("portfolio:item_new", [], "learner"),
    "plan edit": ("plan:home", [], "learner"),
    "staff plan edit": ("plan:learner", ["INB-0001"], "case_manager"),
}


@pytest.mark.parametrize("what", sorted(FORMS))
def test_a_form_post_without_the_csrf_token_is_refused(
    what: str,
    learner: LearnerProfile,
    case_manager: User,
    signed_in: Callable[[User], Client],
) -> None:
    name, args, who = FORMS[what]
    client = Client(enforce_csrf_checks=True)
    if who is not None:
        user = learner.user if who == "learner" else case_manager
        client.cookies = signed_in(user).cookies
    response = client.post(reverse(name, args=args), {"title": "x", "kind": "evidence"})
    assert response.status_code == 403


def test_the_sync_api_with_a_session_needs_the_csrf_token(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in(learner.user).cookies
    body = json.dumps(
        {
            "commands": [
                {
                    "uuid": str(uuid.uuid4()),
                    "type": "plan.goal.propose",
                    "payload": {},
                    "created_at": timezone.now().isoformat(),
                }
            ]
        }
    )
    url = reverse("sync:commands")
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # With the token (as the PWA sends it) the same call is read.
    client.get(reverse("shell:home"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
