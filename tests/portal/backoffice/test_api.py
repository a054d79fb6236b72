"""The back-office API over real HTTP on loopback: tokens, idempotent ingest, versions, the feed."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps as django_apps

from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Contract, ExamSession, TrajectoryState
from portal.accounts.models import Agency, Municipality, User
from portal.backoffice import services
from portal.events.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _seeded_rules(db: None) -> None:
    # A transactional test's flush removes data-migration rows; put the rule set back.
    from importlib import import_module

    import_module("learner.trajectory.migrations.0002_first_rule_set_and_declaration").seed(
        django_apps, None
    )


class Api:
    def __init__(self, base: str, token: str | None) -> None:
        self.base = f"{base}/api/backoffice/v1/"
        self.token = token

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        request = urllib.request.Request(  # noqa: S310 (loopback test server)
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"null")

    def ingest(self, items: list[dict[str, Any]], key: str | None = None) -> tuple[int, Any]:
        status, _headers, body = self.call(
            "POST", "ingest", {"items": items}, {"Idempotency-Key": key or str(uuid.uuid4())}
        )
        return status, body


def run_worker() -> None:
    """What ``manage.py db_worker`` does in production: run the queued tasks, then stop."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def learner_item(dossier: str, version: int = 1, **changes: Any) -> dict[str, Any]:
    values = {
        "first_name": "Amal",
        "last_name": "Haddad",
        "preferred_language": "ar",
        "spoken_languages": ["ar"],
        "literacy": "literate-other",
        "municipality_nis_code": "24062",
        "obligation": "obligated",
        "employment": "not-working",
        "birth_date": "1990-05-01",
        **changes,
    }
    return {
        "kind": "learner",
        "learner": dossier,
        "external_id": dossier,
        "version": version,
        "values": values,
    }


def start_items(dossier: str) -> list[dict[str, Any]]:
    return [
        learner_item(dossier),
        {
            "kind": "eligibility",
            "learner": dossier,
            "external_id": f"{dossier}-elig",
            "version": 1,
            "values": {"register": "foreigners", "protection": "none"},
        },
        {
            "kind": "contract",
            "learner": dossier,
            "external_id": f"{dossier}-c",
            "version": 1,
            "values": {
                "signed_on": "2026-01-31",
                "richttermijn": "2027-01-31",
                "declaration_signed_on_paper": True,
            },
        },
    ]


@pytest.fixture
def api(live_server: Any, agency: Agency, leuven: Municipality) -> Api:
    _token, secret = services.token_create(agency=agency, name="KBI", actor=None)
    return Api(live_server.url, secret)


@pytest.fixture
def other_api(live_server: Any, other_agency: Agency) -> Api:
    _token, secret = services.token_create(agency=other_agency, name="other", actor=None)
    return Api(live_server.url, secret)


def test_without_a_valid_token_nothing_answers(live_server: Any, agency: Agency) -> None:
    assert Api(live_server.url, None).call("GET", "changes")[0] == 401
    assert Api(live_server.url, "bo_wrong").call("GET", "changes")[0] == 401
    token, secret = services.token_create(agency=agency, name="old", actor=None)
    assert Api(live_server.url, secret).call("GET", "changes")[0] == 200
    services.token_revoke(token=token)
    assert Api(live_server.url, secret).call("GET", "changes")[0] == 401


def test_a_batch_creates_the_learner_contract_and_result_through_the_services(api: Api) -> None:
    items = [
        *start_items("KBI-1"),
        {
            "kind": "exam",
            "learner": "KBI-1",
            "external_id": "T-1",
            "version": 1,
            "values": {"kind": "mo", "session_on": "2026-03-02", "outcome": "passed"},
        },
    ]
    status, body = api.ingest(items)
    assert status == 200, body
    assert [r["status"] for r in body["results"]] == ["applied"] * 4
    profile = LearnerProfile.objects.get(dossier_number="KBI-1")
    assert Contract.objects.get(learner=profile).source == "backoffice"
    # The read model's rebuild is queued; until it runs, reads judge from the facts.
    assert TrajectoryState.objects.get(learner=profile).stale
    _status, _headers, live = api.call("GET", "learners/KBI-1/trajectory")
    assert next(p for p in live["pillars"] if p["pillar"] == "mo")["status"] == "met"
    run_worker()
    state = TrajectoryState.objects.get(learner=profile)
    assert not state.stale
    assert state.pillars["mo"]["status"] == "met"
    session = ExamSession.objects.get()
    assert (session.source, session.external_id, session.version) == ("backoffice", "T-1", 1)
    _status, _headers, trajectory = api.call("GET", "learners/KBI-1/trajectory?as_of=2026-02-01")
    assert next(p for p in trajectory["pillars"] if p["pillar"] == "mo")["status"] == "open"


def test_the_same_batch_twice_changes_nothing_the_second_time(api: Api) -> None:
    items = start_items("KBI-2")
    first = api.call("POST", "ingest", {"items": items}, {"Idempotency-Key": "batch-1"})
    events = Event.objects.count()
    replay = api.call("POST", "ingest", {"items": items}, {"Idempotency-Key": "batch-1"})
    assert replay[0] == first[0]
    assert replay[2] == first[2]
    assert replay[1].get("Idempotent-Replayed") == "true"
    resent = api.ingest(items)  # a new key, the same versions: nothing to apply
    assert [r["status"] for r in resent[1]["results"]] == ["unchanged"] * 3
    assert Event.objects.count() == events
    reused = api.call("POST", "ingest", {"items": items[:1]}, {"Idempotency-Key": "batch-1"})
    assert reused[0] == 422


def test_an_older_version_is_refused_with_the_current_one(api: Api) -> None:
    api.ingest(start_items("KBI-3"))
    assert api.ingest([learner_item("KBI-3", version=5, employment="employed")])[0] == 200
    status, body = api.ingest([learner_item("KBI-3", version=4, employment="not-working")])
    assert status == 207
    assert body["results"][0] | {} == {
        **body["results"][0],
        "status": "conflict",
        "code": 409,
        "current_version": 5,
    }
    assert LearnerProfile.objects.get(dossier_number="KBI-3").employment == "employed"
    # Employment changed the rules' view: working learners meet the work pillar.
    run_worker()
    state = TrajectoryState.objects.get(learner__dossier_number="KBI-3")
    assert state.pillars["work"]["status"] == "met"


def test_partial_failures_report_per_item(api: Api) -> None:
    status, body = api.ingest(
        [
            *start_items("KBI-4"),
            {
                "kind": "exam",
                "learner": "KBI-4",
                "external_id": "T",
                "version": 1,
                "values": {"kind": "mo", "session_on": "someday"},
            },
            {
                "kind": "exam",
                "learner": "NOBODY",
                "external_id": "T2",
                "version": 1,
                "values": {"kind": "mo", "session_on": "2026-03-01"},
            },
        ]
    )
    assert status == 207
    codes = [(r["status"], r["code"]) for r in body["results"]]
    assert codes == [("applied", 201)] * 3 + [("invalid", 422), ("not_found", 404)]
    assert "session_on" in body["results"][3]["detail"]


def test_one_agencys_token_cannot_read_or_write_another_agencys_learners(
    api: Api, other_api: Api
) -> None:
    api.ingest(start_items("KBI-5"))
    status, body = other_api.ingest([learner_item("KBI-5", version=9, last_name="Stolen")])
    assert status == 207
    assert body["results"][0]["status"] == "invalid"
    exam = {
        "kind": "exam",
        "learner": "KBI-5",
        "external_id": "X",
        "version": 1,
        "values": {"kind": "mo", "session_on": "2026-03-01", "outcome": "failed"},
    }
    assert other_api.ingest([exam])[1]["results"][0]["status"] == "not_found"
    assert other_api.call("GET", "learners/KBI-5/trajectory")[0] == 404
    assert other_api.call("GET", "changes")[2]["changes"] == []
    assert LearnerProfile.objects.get(dossier_number="KBI-5").user.last_name == "Haddad"
    assert not ExamSession.objects.exists()


def test_the_feed_pages_every_event_once_in_order_while_events_are_written(
    api: Api, agency: Agency, make_staff: Callable[..., User]
) -> None:
    for n in range(3):
        api.ingest(start_items(f"KBI-F{n}"))
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            api.ingest([learner_item("KBI-F0", version=n + 1, last_name=f"Name {n}")])

    writer = threading.Thread(target=write)
    writer.start()
    seen: list[str] = []
    cursor = ""
    try:
        for _ in range(30):
            status, _headers, page = api.call("GET", f"changes?after={cursor}&limit=7")
            assert status == 200
            seen += [change["event_id"] for change in page["changes"]]
            cursor = page["next_cursor"]
    finally:
        stop.set()
        writer.join()
    while True:
        _status, _headers, page = api.call("GET", f"changes?after={cursor}&limit=50")
        seen += [change["event_id"] for change in page["changes"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    expected = [
        str(e) for e in Event.objects.filter(agency=agency).values_list("event_id", flat=True)
    ]
    assert len(seen) == len(set(seen))  # no repeats
    assert set(seen) == set(expected)  # no gaps


def test_a_bad_cursor_or_limit_is_a_clear_400(api: Api) -> None:
    assert api.call("GET", "changes?after=!!")[0] == 400
    assert api.call("GET", "changes?limit=0")[0] == 400
    assert api.call("GET", "changes?limit=5000")[0] == 400


def test_back_office_records_are_read_only_in_the_portal(
    api: Api, make_staff: Callable[..., User]
) -> None:
    from datetime import date

    from django.core.exceptions import ValidationError

    from learner.trajectory import services as trajectory
    from learner.trajectory.models import Nt2Route
    from learner.trajectory.models.facts import DeadlineComponent
    from portal.accounts.models import Role

    api.ingest(start_items("KBI-6"))
    profile = LearnerProfile.objects.get(dossier_number="KBI-6")
    case_manager = make_staff(Role.CASE_MANAGER, "tb.ro")

    def refused(call: Callable[[], object]) -> None:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "owned_by_backoffice"

    refused(
        lambda: trajectory.contract_deadline_change(
            learner=profile,
            component=DeadlineComponent.RICHTTERMIJN,
            new=date(2027, 6, 1),
            reason="typed over",
            actor=case_manager,
        )
    )
    refused(
        lambda: trajectory.eligibility_record(
            learner=profile, register="none", protection="none", actor=case_manager
        )
    )
    api.ingest(
        [
            {
                "kind": "nt2_route",
                "learner": "KBI-6",
                "external_id": "R-1",
                "version": 1,
                "values": {"provider_type": "cvo", "provider_name": "CVO Leuven"},
            }
        ]
    )
    refused(
        lambda: trajectory.fact_record(
            learner=profile, fact=Nt2Route(provider_type="utc"), actor=case_manager
        )
    )
    assert Nt2Route.objects.get().provider_type == "cvo"


def test_the_reference_client_pushes_sample_dossiers_and_pulls_the_feed_over_http(
    live_server: Any, agency: Agency, leuven: Municipality, tmp_path: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    _token, secret = services.token_create(agency=agency, name="reference", actor=None)
    out = StringIO()
    push = ["push", "--url", live_server.url, "--token", secret, "--learners", "2"]
    call_command("backoffice_client", *push, stdout=out)
    assert out.getvalue().strip() == "20 records sent: 20 applied"
    again = StringIO()
    call_command("backoffice_client", *push, stdout=again)
    assert again.getvalue().strip() == "20 records sent: 20 unchanged"

    cursor_file = tmp_path / "cursor"
    pulled = StringIO()
    pull = ["pull", "--url", live_server.url, "--token", secret, "--cursor-file", str(cursor_file)]
    call_command("backoffice_client", *pull, "--limit", "7", stdout=pulled, stderr=StringIO())
    lines = [json.loads(line) for line in pulled.getvalue().splitlines()]
    expected = Event.objects.filter(agency=agency).values_list("event_id", flat=True)
    assert [line["event_id"] for line in lines] == [str(e) for e in expected.order_by("id")]
    assert cursor_file.read_text()
    later = StringIO()
    call_command("backoffice_client", *pull, stdout=later, stderr=StringIO())
    assert later.getvalue() == ""  # the stored cursor: nothing read twice
