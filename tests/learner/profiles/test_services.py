from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from learner.profiles.models import (
    CaseloadAssignment,
    Employment,
    LearnerProfile,
    Literacy,
    Obligation,
)
from learner.profiles.services import caseload_assign, learner_register
from portal.accounts.models import Agency, Municipality, Role, User
from portal.events.models import Event

pytestmark = pytest.mark.django_db


def test_registered_learner_cannot_sign_in_until_activated(
    agency: Agency, leuven: Municipality
) -> None:
    profile = learner_register(
        agency=agency,
        dossier_number="INB-7",
        first_name="Olena",
        last_name="K",
        preferred_language="uk",
        spoken_languages=["uk", "ru"],
        literacy=Literacy.LITERATE_OTHER,
        municipality=leuven,
        obligation=Obligation.ENTITLED,
        employment=Employment.EMPLOYED,
    )
    assert profile.user.username == "INB-7"
    assert profile.user.role == Role.LEARNER
    assert not profile.user.has_usable_password()
    assert profile.user.activated_at is None
    assert profile.region == "flanders"
    assert Event.objects.get(code="profiles.learner.registered").learner == profile.user


def test_registration_validates_and_leaves_nothing_behind(
    agency: Agency, leuven: Municipality
) -> None:
    with pytest.raises(ValidationError):
        learner_register(
            agency=agency,
            dossier_number="INB-8",
            first_name="X",
            last_name="Y",
            preferred_language="xx",
            spoken_languages=[],
            literacy=Literacy.LITERATE_LATIN,
            municipality=leuven,
            obligation=Obligation.OBLIGATED,
            employment=Employment.EMPLOYED,
        )
    assert not User.objects.filter(username="INB-8").exists()
    assert not Event.objects.exists()


def test_reassigning_ends_the_open_assignment(
    make_learner: Callable[..., LearnerProfile], make_staff: Callable[..., User]
) -> None:
    an, bert = make_staff(Role.CASE_MANAGER, "an"), make_staff(Role.CASE_MANAGER, "bert")
    profile = make_learner("INB-9", case_manager=an)
    first = CaseloadAssignment.objects.get(learner=profile)

    same = caseload_assign(learner=profile, case_manager=an, actor=None)
    assert same == first
    second = caseload_assign(learner=profile, case_manager=bert, actor=None)

    first.refresh_from_db()
    assert first.ended_at is not None
    assert second.ended_at is None
    assert Event.objects.filter(code="profiles.caseload.assigned").count() == 2


def test_only_a_case_manager_of_the_same_agency_can_follow(
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    other_agency: Agency,
) -> None:
    profile = make_learner("INB-10")
    with pytest.raises(ValidationError):
        caseload_assign(learner=profile, case_manager=make_staff(Role.TEACHER, "t"), actor=None)
    with pytest.raises(ValidationError):
        caseload_assign(
            learner=profile,
            actor=None,
            case_manager=make_staff(Role.CASE_MANAGER, "far", agency=other_agency),
        )


def test_the_database_allows_one_open_assignment_per_learner(
    make_learner: Callable[..., LearnerProfile], make_staff: Callable[..., User]
) -> None:
    an, bert = make_staff(Role.CASE_MANAGER, "an"), make_staff(Role.CASE_MANAGER, "bert")
    profile = make_learner("INB-11", case_manager=an)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseloadAssignment.objects.create(
            learner=profile, case_manager=bert, started_at=timezone.now()
        )


def test_municipality_must_be_flemish_or_brussels() -> None:
    with pytest.raises(ValidationError):
        Municipality(nis_code="62063", name="Liège", region="flanders").full_clean()
    with pytest.raises(ValidationError):
        Municipality(nis_code="21015", name="Schaarbeek", region="flanders").full_clean()
    assert Municipality.objects.filter(region="brussels").count() == 19
