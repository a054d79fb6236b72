"""The learner's home keeps its dossier block rendered until the dossier changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import get_language

from learner.profiles.models import LearnerProfile
from learner.profiles.services import caseload_assign
from portal.accounts.models import Municipality, Role, User
from portal.events.versions import version_key
from portal.shell import home
from portal.shell.home import block_render

pytestmark = pytest.mark.django_db(transaction=True)  # real commits move the dossier's version


@pytest.fixture(autouse=True)
def _home_cache(settings: Any) -> None:
    settings.HOME_CACHE_SECONDS = 300


def test_the_home_is_served_from_the_cache_until_the_dossier_changes(
    learner: LearnerProfile,
    case_manager: User,
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    client = signed_in(learner.user)
    with CaptureQueriesContext(connection) as cold:
        assert case_manager.display_name in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as warm:
        page = client.get("/").content.decode()
    assert case_manager.display_name in page
    dossier_tables = ("profiles_", "appointments_", "trajectory_")
    assert any(t in q["sql"] for q in cold.captured_queries for t in dossier_tables)
    assert not any(t in q["sql"] for q in warm.captured_queries for t in dossier_tables)
    # A change that records no event is not seen: the block is what was rendered.
    Municipality.objects.filter(pk=learner.municipality_id).update(name="Lovanium")
    assert "Lovanium" not in client.get("/").content.decode()
    # A change to the dossier is seen on the next visit.
    successor = make_staff(Role.CASE_MANAGER, "tb.youssef")
    caseload_assign(learner=learner, case_manager=successor, actor=None)
    page = client.get("/").content.decode()
    assert successor.display_name in page
    assert "Lovanium" in page


def test_each_language_has_its_own_block(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    headings: dict[str, set[str]] = {}
    for language in ("nl", "ar"):
        client.cookies["django_language"] = language
        for _visit in range(2):  # rendered, then from the cache
            page = client.get("/").content.decode()
            headings.setdefault(language, set()).add(page.split('id="dossier-h">')[1][:40])
    assert all(len(seen) == 1 for seen in headings.values())
    assert headings["nl"] != headings["ar"]


def test_the_block_goes_out_of_date_at_the_next_day_without_an_appointment(
    learner: LearnerProfile,
) -> None:
    _html, valid_until = block_render(learner.user)
    local = timezone.localtime(valid_until)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert timedelta(0) < valid_until - timezone.now() <= timedelta(days=1)


def test_without_a_version_the_home_comes_from_the_database_and_keeps_nothing(
    learner: LearnerProfile,
    case_manager: User,
    signed_in: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A cache that did not answer gives no version: a block kept under none would be served to
    # every later reader that also gets none, whatever the dossier has become since.
    cache.delete(version_key(learner.user_id))
    monkeypatch.setattr(home, "dossier_version_start", lambda _pk: "")
    page = signed_in(learner.user).get("/").content.decode()
    assert case_manager.display_name in page
    assert cache.get(f"home-dossier:{learner.user_id}:{get_language()}") is None
