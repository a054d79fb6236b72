"""Every staff opening of a learner's dossier is logged, and only that learner sees the log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portfolio.models import DossierAccess
from portfolio.services import dossier_access_record

DOSSIER = "INB-0001"


@pytest.mark.django_db
def test_staff_dossier_pages_are_logged_with_who_when_and_what(
    learner: LearnerProfile, case_manager: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(case_manager)
    pages = [
        ("profiles:learner_detail", [DOSSIER]),
        ("trajectory_staff:contract", [DOSSIER]),
        ("portfolio:staff_portfolio", [DOSSIER]),
        ("api:learner_trajectory", [DOSSIER]),
    ]
    for name, args in pages:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    rows = list(DossierAccess.objects.order_by("id"))
    assert [row.what for row in rows] == [name for name, _args in pages]
    assert {(row.learner, row.staff, row.staff_role) for row in rows} == {
        (learner, case_manager, Role.CASE_MANAGER)
    }
    assert rows[0].path == f"/staff/learners/{DOSSIER}/"


@pytest.mark.django_db
def test_refused_pages_and_the_learners_own_pages_are_not_logged(
    learner: LearnerProfile,
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    stranger = make_staff(Role.CASE_MANAGER, "tb.other")
    url = reverse("profiles:learner_detail", args=[DOSSIER])
    assert signed_in(stranger).get(url).status_code == 404
    unverified = Client()
    unverified.force_login(
        make_staff(Role.CASE_MANAGER, "tb.unverified"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    assert unverified.get(url).status_code == 302
    own = signed_in(learner.user)
    for name in ("portfolio:home", "trajectory:timeline", "portfolio:access"):
        assert own.get(reverse(name)).status_code == 200
    assert not DossierAccess.objects.exists()


@pytest.mark.django_db
def test_a_learner_is_never_recorded_as_staff(learner: LearnerProfile) -> None:
    assert dossier_access_record(staff=learner.user, learner=learner, what="x", path="/x/") is None
    assert not DossierAccess.objects.exists()


@pytest.mark.django_db
def test_the_learner_sees_who_opened_their_dossier_and_nobody_else_sees_it(
    learner: LearnerProfile,
    case_manager: User,
    make_learner: Callable[..., LearnerProfile],
    signed_in: Callable[[User], Client],
) -> None:
    other = make_learner("INB-0002", case_manager=case_manager, pin="482915")
    staff = signed_in(case_manager)
    staff.get(reverse("profiles:learner_detail", args=[DOSSIER]))
    staff.get(reverse("portfolio:staff_portfolio", args=[DOSSIER]))

    page = signed_in(learner.user).get(reverse("portfolio:access"))
    html = page.content.decode()
    assert case_manager.display_name in html
    assert html.count("<time") == 2
    assert page.context["page"].paginator.count == 2

    # The other learner's log is empty; staff cannot read logs at all.
    other_page = signed_in(other.user).get(reverse("portfolio:access"))
    assert other_page.context["page"].paginator.count == 0
    assert case_manager.display_name not in other_page.content.decode()
    assert staff.get(reverse("portfolio:access")).status_code == 403
