from collections.abc import Callable

import pytest
from django.db import DatabaseError, transaction

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Agency, User
from portal.events.models import Event
from portal.events.services import EventOutsideTransactionError, event_record


@pytest.mark.django_db
def test_event_takes_the_learners_agency(learner: LearnerProfile, case_manager: User) -> None:
    with transaction.atomic():
        event = event_record(
            code="tests.thing.happened", actor=case_manager, learner=learner.user, payload={"n": 1}
        )
    assert event.agency == learner.agency
    assert event.event_id is not None
    assert Event.objects.filter(learner=learner.user).last() == event


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [
        "activated",
        "accounts.activated",
        "Accounts.User.Activated",
        "accounts..activated",
        "accounts.user.activated!",
    ],
)
def test_event_codes_must_be_namespaced(code: str, agency: Agency) -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="namespaced"):
        event_record(code=code, actor=None, agency=agency)


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(agency: Agency) -> None:
    with pytest.raises(EventOutsideTransactionError):
        event_record(code="tests.thing.happened", actor=None, agency=agency)
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_event(agency: Agency) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            event_record(code="tests.thing.happened", actor=None, agency=agency)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_event(agency: Agency) -> None:
    with transaction.atomic():
        event = event_record(code="tests.thing.happened", actor=None, agency=agency)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(code="tests.thing.rewritten")
    event.refresh_from_db()
    assert event.code == "tests.thing.happened"


@pytest.mark.django_db
def test_registering_a_learner_writes_one_event_per_change(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    profile = make_learner("INB-0900", case_manager=case_manager, pin="482915")
    codes = list(Event.objects.filter(learner=profile.user).values_list("code", flat=True))
    assert codes == [
        "profiles.learner.registered",
        "profiles.caseload.assigned",
        "accounts.activation_code.issued",
        "accounts.user.activated",
    ]
