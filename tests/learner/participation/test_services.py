"""Pillar 4: logging through the outbox's write path, confirming, scope, pillar and events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learner.participation import selectors, services
from learner.participation.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    HourEntry,
)
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import TrajectoryState
from portal.accounts.models import Municipality, Role, User
from portal.events.models import Event
from portal.notifications.models import Notification
from portal.sync.services import commands_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff: Callable[..., User], leuven: Municipality) -> User:
    return make_staff(Role.COORDINATOR, "coord", municipality=leuven)


@pytest.fixture
def buddy(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.BUDDY, "buddy.jan")


@pytest.fixture
def activity(coordinator: User) -> Activity:
    return services.activity_publish(
        actor=coordinator, kind=ActivityKind.BUDDY, title="Buddy project Leuven"
    )


@pytest.fixture
def linked(
    coordinator: User, learner: LearnerProfile, buddy: User, activity: Activity
) -> LearnerProfile:
    services.contact_link(actor=coordinator, learner=learner, contact=buddy, activity=activity)
    return learner


def log(learner: LearnerProfile, activity: Activity, minutes: int, **extra: Any) -> dict[str, Any]:
    command = {
        "uuid": extra.pop("command", uuid.uuid4()),
        "type": "participation.hours.log",
        "payload": {
            "activity": activity.pk,
            "day": extra.pop("day", timezone.localdate()).isoformat(),
            "minutes": minutes,
            "note": "Walk and talk",
            **extra,
        },
        "created_at": timezone.now(),
    }
    [answer] = commands_apply(user=learner.user, commands=[command])
    return {"status": answer.status, "reason": answer.reason, **answer.result}


def test_a_command_sent_twice_logs_one_entry_and_the_replay_gets_the_same_result(
    linked: LearnerProfile, activity: Activity, buddy: User
) -> None:
    command = uuid.uuid4()
    first = log(linked, activity, 90, command=command)
    again = log(linked, activity, 90, command=command)
    assert first["status"] == "applied"
    assert again == {**first, "status": "duplicate"}
    assert HourEntry.objects.count() == 1
    # The linked buddy hears that hours wait.
    assert Notification.objects.filter(recipient=buddy, code="participation.hours.logged").exists()


def test_bad_commands_are_rejected_with_a_reason_and_nothing_is_written(
    linked: LearnerProfile, activity: Activity, make_learner: Callable[..., LearnerProfile]
) -> None:
    assert log(linked, activity, 5)["reason"] == "invalid"  # under a quarter of an hour
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert log(linked, activity, 60, day=tomorrow)["reason"] == "invalid"
    unknown = commands_apply(
        user=linked.user,
        commands=[
            {"uuid": uuid.uuid4(), "type": "x.y.z", "payload": {}, "created_at": timezone.now()}
        ],
    )
    assert unknown[0].status == "rejected"
    assert unknown[0].reason == "unknown_command"
    # Someone else's command id answers nothing about it.
    command = uuid.uuid4()
    log(linked, activity, 60, command=command)
    other = make_learner("INB-0002")
    stolen = log(other, activity, 60, command=command)
    assert (stolen["status"], stolen["reason"]) == ("rejected", "uuid_taken")
    assert "entry" not in stolen
    assert HourEntry.objects.count() == 1


def test_confirmed_hours_meet_pillar_four_dated_by_the_confirmation_that_completed_it(
    linked: LearnerProfile,
    activity: Activity,
    buddy: User,
    sign_contract: Callable[..., Any],
) -> None:
    sign_contract(linked)
    ids = [log(linked, activity, 600)["entry"] for _ in range(3)]  # 30 hours
    services.hours_decide(contact=buddy, entry_ids=ids, confirm=True)
    state = TrajectoryState.objects.get(learner=linked)
    assert state.pillars["participation"]["status"] == "in-progress"
    more = [log(linked, activity, 600)["entry"]]
    services.hours_decide(contact=buddy, entry_ids=more, confirm=True)
    state.refresh_from_db()
    assert state.pillars["participation"]["status"] == "met"
    assert state.pillars["participation"]["met_on"] == timezone.localdate().isoformat()
    assert Event.objects.filter(code="participation.hours.confirmed").count() == 4
    assert Notification.objects.filter(
        recipient=linked.user, code="participation.hours.decided"
    ).exists()


def test_a_correction_supersedes_and_the_old_hours_stop_counting(
    linked: LearnerProfile, activity: Activity, buddy: User, sign_contract: Callable[..., Any]
) -> None:
    sign_contract(linked)
    entry = log(linked, activity, 600)["entry"]
    services.hours_decide(contact=buddy, entry_ids=[entry], confirm=True)
    assert selectors.summary_of(selectors.entries_of(linked)).confirmed_minutes == 600
    corrected = log(linked, activity, 300, supersedes=entry)
    assert corrected["status"] == "applied"
    summary = selectors.summary_of(selectors.entries_of(linked))
    assert (summary.confirmed_minutes, summary.waiting_minutes) == (0, 300)
    assert log(linked, activity, 60, supersedes=entry)["reason"] == "invalid"  # once only
    state = TrajectoryState.objects.get(learner=linked)
    assert state.pillars["participation"]["status"] == "open"


def test_a_buddy_sees_and_confirms_only_linked_learners_and_nobody_their_own(
    linked: LearnerProfile,
    activity: Activity,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
) -> None:
    other = make_learner("INB-0002")
    theirs = log(other, activity, 60)["entry"]
    mine = log(linked, activity, 60)["entry"]
    stranger = make_staff(Role.BUDDY, "buddy.other")
    buddy = User.objects.get(username="buddy.jan")
    assert [e.pk for e in selectors.waiting_for(buddy)] == [mine]
    assert list(selectors.waiting_for(stranger)) == []
    with pytest.raises(ValidationError):
        services.hours_decide(contact=buddy, entry_ids=[mine, theirs], confirm=True)
    with pytest.raises(ValidationError):
        services.hours_decide(contact=stranger, entry_ids=[mine], confirm=True)
    with pytest.raises(ValidationError):  # a learner is never a confirmer, not of their own
        services.hours_decide(contact=linked.user, entry_ids=[mine], confirm=True)
    assert not HourEntry.objects.filter(confirmation__isnull=False).exists()
    services.hours_decide(contact=buddy, entry_ids=[mine], confirm=False, reason="Not that day")
    with pytest.raises(ValidationError):  # decided once
        services.hours_decide(contact=buddy, entry_ids=[mine], confirm=True)


def test_a_learners_own_activity_needs_the_coordinators_approval(
    learner: LearnerProfile, coordinator: User
) -> None:
    proposal = services.activity_propose(
        learner=learner, title="Choir", description="Sundays at the parish hall"
    )
    assert log(learner, proposal, 60)["reason"] == "invalid"
    with pytest.raises(ValidationError):
        services.activity_decide(actor=coordinator, activity=proposal, approve=False)
    services.activity_decide(actor=coordinator, activity=proposal, approve=True)
    assert Activity.objects.get(pk=proposal.pk).status == ActivityStatus.APPROVED
    assert log(learner, proposal, 60)["status"] == "applied"
    assert proposal in selectors.activities_open_to(learner)


def test_the_proof_lists_confirmed_hours_only_in_dutch_and_is_a_pdf(
    linked: LearnerProfile, activity: Activity, buddy: User, signed_in: Callable[..., Any]
) -> None:
    from learner.participation.documents import hours_proof_html

    confirmed = log(linked, activity, 90)["entry"]
    log(linked, activity, 45)  # waiting: not on the proof
    services.hours_decide(contact=buddy, entry_ids=[confirmed], confirm=True)
    from django.utils import translation

    with translation.override("ar"):  # whatever the asker reads, the proof is in Dutch
        html = hours_proof_html(linked)
    with translation.override("nl"):
        title = translation.gettext("Proof of participation hours")
    assert f"<h1>{title}</h1>" in html
    assert "90 min" in html
    assert "45 min" not in html
    assert "1,5" in html or "1.5" in html
    response = signed_in(linked.user).get("/participation/proof.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]


def test_the_buddy_confirms_in_bulk_and_refuses_with_a_reason_on_their_page(
    linked: LearnerProfile, activity: Activity, buddy: User, signed_in: Callable[..., Any]
) -> None:
    first, second, third = (log(linked, activity, 60)["entry"] for _ in range(3))
    client = signed_in(buddy)
    page = client.get("/participation/confirm/").content.decode()
    assert f'value="{first}"' in page
    assert "linked-data" in page  # whom they may confirm offline
    done = client.post(
        "/participation/confirm/", {"entries": [first, second], "decision": "confirm"}
    )
    assert done.status_code == 302
    no_reason = client.post("/participation/confirm/", {"entries": [third], "decision": "refuse"})
    assert no_reason.status_code == 200  # the form says a reason is needed
    client.post(
        "/participation/confirm/",
        {"entries": [third], "decision": "refuse", "reason": "I was not there"},
    )
    decided = dict(HourEntry.objects.values_list("pk", "confirmation__decision"))
    assert decided == {first: "confirmed", second: "confirmed", third: "refused"}
    mine = signed_in(linked.user).get("/participation/").content.decode()
    assert "I was not there" in mine


def test_a_malformed_signed_part_is_a_clear_refusal_not_an_error(
    linked: LearnerProfile, activity: Activity
) -> None:
    assert log(linked, activity, 60, qr="not a dict")["reason"] == "invalid"
    assert log(linked, activity, 60, qr={"claim": "PC1.x.y", "receipt": "nope"})["reason"] in {
        "bad_code",
        "bad_signature",
    }
    assert not HourEntry.objects.exists()
