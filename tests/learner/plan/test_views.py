"""The plan pages without JavaScript: both sides build the plan, confirm, review; scope; queries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from learner.appointments.models import Agenda, Booking, Purpose, Slot
from learner.plan.models import Action, ActionStatus, Goal, GoalStatus, PlanReview
from learner.plan.services import edits, items
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User

pytestmark = pytest.mark.django_db

STAFF_URL = "/plan/learners/INB-0001/"


def command_of(page: str, op: str) -> str:
    found = re.search(
        rf'name="op" value="{op}"><input type="hidden" name="command" value="([^"]+)"', page
    )
    assert found is not None, op
    return found.group(1)


def post(client: Client, url: str, data: dict[str, Any]) -> str:
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_learner_and_case_manager_build_a_plan_together_without_javascript(
    learner: LearnerProfile, case_manager: User, signed_in_en: Callable[[User], Client]
) -> None:
    amal, tb = signed_in_en(learner.user), signed_in_en(case_manager)
    page = amal.get("/plan/").content.decode()
    assert "My action plan" in page
    assert "Register with VDAB" in page
    assert "/appointments/book/?purpose=plan_review" in page
    command = command_of(page, "propose_goal")
    form = {"op": "propose_goal", "command": command, "framework_code": "nt2_a2", "domain": "mo"}
    page = post(amal, "/plan/", form)
    assert "It waits for confirmation by your case manager" in page
    post(amal, "/plan/", form)  # sent twice: one goal
    goal = Goal.objects.get(learner=learner)
    assert goal.status == GoalStatus.PROPOSED

    page = tb.get(STAFF_URL).content.decode()
    assert "1 change waits for your confirmation." in page
    assert "Pass the Dutch test at level A2" in page
    page = post(
        tb,
        STAFF_URL,
        {"op": "confirm", "command": command_of(page, "confirm"), "kind": "goal", "id": goal.pk},
    )
    assert "Confirmed." in page
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.AGREED
    page = post(
        tb,
        STAFF_URL,
        {
            "op": "propose_action",
            "command": command_of(page, "propose_action"),
            "goal": goal.pk,
            "text": "Enrol at the CVO in Leuven",
            "owner": "learner",
            "due_on": "2026-09-01",
        },
    )
    action = Action.objects.get(goal=goal)

    page = amal.get("/plan/").content.decode()
    assert "Enrol at the CVO in Leuven" in page
    assert "Waiting for your confirmation:" in page
    post(
        amal,
        "/plan/",
        {
            "op": "tick",
            "command": command_of(page, "tick"),
            "action": action.pk,
            "done": "1",
            "base_revision": action.revision,
        },
    )
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE
    history = amal.get(f"/plan/goals/{goal.pk}/").content.decode()
    assert "Enrol at the CVO in Leuven" in history
    assert "Amal Haddad" in history
    assert "confirmed by Tb.An Test" in history


def test_the_edit_form_sends_only_the_fields_that_changed(
    learner: LearnerProfile,
    case_manager: User,
    action: Action,
    signed_in_en: Callable[[User], Client],
) -> None:
    tb = signed_in_en(case_manager)
    seen = action.revision
    # Meanwhile the learner moved the date: the case manager's page still shows the old one.
    edits.field_edit(
        actor=learner.user,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-03-10",
        base_revision=seen,
    )
    form = {
        "op": "edit",
        "command": "0b7a3b1e-5f7c-4f59-9d0a-3c8e9b3f3a11",
        "kind": "action",
        "id": action.pk,
        "base_revision": seen,
        "text": "Make an account on vdab.be today",
        "was_text": action.text,
        "owner": "learner",
        "was_owner": "learner",
        "due_on": "2026-03-01",
        "was_due_on": "2026-03-01",
        "evidence": "",
        "was_evidence": "",
    }
    page = post(tb, STAFF_URL, form)
    assert "It waits for confirmation by the learner" in page
    action.refresh_from_db()
    assert action.text == "Make an account on vdab.be today"
    assert action.due_on.isoformat() == "2026-03-10"  # untouched on this form: not sent
    assert not PlanReview.objects.exists()
    # The same form again is the same commands: nothing new.
    page = post(tb, STAFF_URL, form)
    assert action.changes.count() == 3


def test_a_simultaneous_edit_shows_both_values_to_both_sides(
    learner: LearnerProfile,
    case_manager: User,
    action: Action,
    signed_in_en: Callable[[User], Client],
) -> None:
    seen = action.revision
    edits.field_edit(
        actor=learner.user,
        goal=action.goal,
        action=action,
        field="due_on",
        value="2026-03-08",
        base_revision=seen,
    )
    tb = signed_in_en(case_manager)
    page = post(
        tb,
        STAFF_URL,
        {
            "op": "edit",
            "command": "5d1b0c8e-3c1a-4a77-8a35-0e2a3f2c9b10",
            "kind": "action",
            "id": action.pk,
            "base_revision": seen,
            "due_on": "2026-04-01",
            "was_due_on": "2026-03-01",
        },
    )
    assert "Both versions are kept" in page
    for client in (tb, signed_in_en(learner.user)):
        page = client.get("/plan/" if client is not tb else STAFF_URL).content.decode()
        block = page[page.index("data-reviews") :]
        assert "March 8, 2026" in block
        assert "April 1, 2026" in block
        assert "Keep this one" in block


def test_staff_out_of_scope_get_404_and_other_roles_403(
    learner: LearnerProfile,
    goal: Goal,
    make_staff: Callable[..., User],
    signed_in_en: Callable[[User], Client],
) -> None:
    other_case_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    outsider = signed_in_en(other_case_manager)
    assert outsider.get(STAFF_URL).status_code == 404
    assert (
        outsider.post(STAFF_URL, {"op": "confirm", "kind": "goal", "id": goal.pk}).status_code
        == 404
    )
    assert outsider.get(f"{STAFF_URL}goals/{goal.pk}/").status_code == 404
    coordinator = signed_in_en(make_staff(Role.COORDINATOR, "coord"))
    assert coordinator.get(STAFF_URL).status_code == 403
    assert signed_in_en(learner.user).get(STAFF_URL).status_code == 403
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.PROPOSED


def test_another_learner_cannot_open_a_goal_that_is_not_theirs(
    goal: Goal,
    case_manager: User,
    make_learner: Callable[..., LearnerProfile],
    signed_in_en: Callable[[User], Client],
) -> None:
    other = make_learner("INB-0002", case_manager=case_manager, pin="482915")
    client = signed_in_en(other.user)
    assert client.get(f"/plan/goals/{goal.pk}/").status_code == 404
    page = client.get("/plan/").content.decode()
    assert "no goals yet" in page


@pytest.fixture
def full_plan(learner: LearnerProfile, case_manager: User) -> LearnerProfile:
    """Six goals with three actions each, pending changes on both sides, two open reviews and
    plan-review appointments."""
    for n in range(6):
        goal = items.goal_propose(
            learner=learner, actor=learner.user, domain="work", title=f"Goal {n}"
        )
        for m in range(3):
            action = items.action_propose(goal=goal, actor=case_manager, text=f"Step {n}.{m}")
        edits.field_edit(
            actor=learner.user,
            goal=goal,
            action=action,
            field="text",
            value="Mine",
            base_revision=1,
        )
        edits.field_edit(
            actor=case_manager,
            goal=goal,
            action=action,
            field="text",
            value="Theirs",
            base_revision=1,
        )
    agenda = Agenda.objects.create(agency=learner.agency, owner=case_manager, name="tb.an")
    for days in (-7, 7):
        starts = timezone.now() + timedelta(days=days)
        slot = Slot.objects.create(
            agenda=agenda,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            purpose=Purpose.PLAN_REVIEW,
            booked=1,
        )
        Booking.objects.create(
            slot=slot,
            learner=learner,
            client_uuid=uuid.uuid4(),
            client_time=starts,
            booked_by=learner.user,
        )
    return learner


def test_each_plan_page_needs_at_most_ten_queries(
    full_plan: LearnerProfile,
    case_manager: User,
    signed_in_en: Callable[[User], Client],
    django_assert_max_num_queries: Any,
    settings: Any,
) -> None:
    # Counted as production runs it: the staff access log's row (DossierAccessMiddleware) is part
    # of the page, and the session is read from the cache (Redis there: SESSION_ENGINE cached_db),
    # not with a query of its own as the test settings' database sessions would.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    amal, tb = signed_in_en(full_plan.user), signed_in_en(case_manager)
    goal = Goal.objects.filter(learner=full_plan).first()
    assert goal is not None
    for client, url in (
        (amal, "/plan/"),
        (tb, STAFF_URL),
        (amal, f"/plan/goals/{goal.pk}/"),
        (tb, f"{STAFF_URL}goals/{goal.pk}/"),
    ):
        with django_assert_max_num_queries(10):
            page = client.get(url).content.decode()
        assert "Goal 0" in page
    page = tb.get(STAFF_URL).content.decode()
    assert page.count("data-review=") == 6
    assert page.count("/appointments/agenda/bookings/") == 2


def test_plan_review_appointments_link_to_the_plan_and_back(
    full_plan: LearnerProfile, case_manager: User, signed_in_en: Callable[[User], Client]
) -> None:
    booking = Booking.objects.filter(learner=full_plan).order_by("slot__starts_at").last()
    assert booking is not None
    staff = signed_in_en(case_manager).get(f"/appointments/agenda/bookings/{booking.pk}/")
    assert STAFF_URL in staff.content.decode()
    mine = signed_in_en(full_plan.user).get(f"/appointments/{booking.pk}/").content.decode()
    assert 'href="/plan/"' in mine
    plan = signed_in_en(full_plan.user).get("/plan/").content.decode()
    assert f'href="/appointments/{booking.pk}/"' in plan
