"""Who sees which learner: the security model of ARCHITECTURE.md, role by role."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from learner.profiles import selectors
from learner.profiles.models import LearnerProfile
from portal.accounts.models import Agency, Municipality, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    make_staff: Callable[..., User],
    make_learner: Callable[..., LearnerProfile],
    other_agency: Agency,
    leuven: Municipality,
    schaarbeek: Municipality,
) -> dict[str, object]:
    an = make_staff(Role.CASE_MANAGER, "tb.an")
    bert = make_staff(Role.CASE_MANAGER, "tb.bert")
    foreign_cm = make_staff(Role.CASE_MANAGER, "tb.foreign", agency=other_agency)
    return {
        "an": an,
        "bert": bert,
        "foreign_cm": foreign_cm,
        "a1": make_learner("A1", case_manager=an, municipality=leuven),
        "a2": make_learner("A2", case_manager=an, municipality=schaarbeek),
        "b1": make_learner("B1", case_manager=bert, municipality=leuven),
        "f1": make_learner("F1", case_manager=foreign_cm, agency=other_agency),
        "admin": make_staff(Role.AGENCY_ADMIN, "admin"),
        "coord": make_staff(Role.COORDINATOR, "coord", municipality=leuven),
        "coord_without_municipality": make_staff(Role.COORDINATOR, "coord2"),
        "teacher": make_staff(Role.TEACHER, "teacher"),
        "buddy": make_staff(Role.BUDDY, "buddy"),
    }


def visible(user: object) -> set[str]:
    return set(selectors.learners_visible_to(user=user).values_list("dossier_number", flat=True))  # type: ignore[arg-type]


def test_each_role_sees_exactly_its_scope(world: dict) -> None:
    assert visible(world["a1"].user) == {"A1"}
    assert visible(world["an"]) == {"A1", "A2"}
    assert visible(world["bert"]) == {"B1"}
    assert visible(world["foreign_cm"]) == {"F1"}
    assert visible(world["admin"]) == {"A1", "A2", "B1"}
    assert visible(world["coord"]) == {"A1", "B1"}
    assert visible(world["coord_without_municipality"]) == set()
    assert visible(world["teacher"]) == set()
    assert visible(world["buddy"]) == set()
    assert visible(AnonymousUser()) == set()


def test_deactivated_staff_see_nobody(world: dict) -> None:
    world["an"].is_active = False
    world["an"].save()
    assert visible(world["an"]) == set()


def test_reassignment_moves_the_learner_between_caseloads(world: dict) -> None:
    from learner.profiles.services import caseload_assign

    caseload_assign(learner=world["a1"], case_manager=world["bert"], actor=world["admin"])
    assert visible(world["an"]) == {"A2"}
    assert visible(world["bert"]) == {"A1", "B1"}


def test_learner_for_refuses_out_of_scope_dossiers(world: dict) -> None:
    assert selectors.learner_for(user=world["an"], dossier_number="A1").dossier_number == "A1"
    with pytest.raises(LearnerProfile.DoesNotExist):
        selectors.learner_for(user=world["an"], dossier_number="B1")
    with pytest.raises(LearnerProfile.DoesNotExist):
        selectors.learner_for(user=world["an"], dossier_number="F1")


def test_search_stays_inside_the_scope(world: dict) -> None:
    found = selectors.learner_list_for(user=world["an"], search="Amal")
    assert {p.dossier_number for p in found} == {"A1", "A2"}
    assert [
        p.dossier_number for p in selectors.learner_list_for(user=world["an"], search="B1")
    ] == []
    assert selectors.case_manager_of(found[0]) == world["an"]
