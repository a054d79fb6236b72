from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from learner.profiles.models import LearnerProfile
from portal.accounts import services
from portal.accounts.models import ActivationCode, Agency, Role, SecretKind, User
from portal.accounts.selectors import activation_code_matching
from portal.events.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(make_learner: Callable[..., LearnerProfile], case_manager: User) -> LearnerProfile:
    return make_learner("INB-0100", case_manager=case_manager)


def test_case_manager_issues_a_code_that_matches_once_typed(
    pending: LearnerProfile, case_manager: User
) -> None:
    issued = services.activation_code_issue(issued_by=case_manager, user=pending.user)

    assert (
        activation_code_matching(username="INB-0100", code=issued.display.lower()) == issued.record
    )
    assert activation_code_matching(username="INB-0100", code="AAAAA-AAAAA") is None
    assert activation_code_matching(username="INB-9999", code=issued.code) is None
    assert issued.code not in issued.record.code_hash
    event = Event.objects.get(code="accounts.activation_code.issued")
    assert event.learner == pending.user
    assert event.actor == case_manager


def test_a_new_code_revokes_the_open_one(pending: LearnerProfile, case_manager: User) -> None:
    first = services.activation_code_issue(issued_by=case_manager, user=pending.user)
    second = services.activation_code_issue(issued_by=case_manager, user=pending.user)

    assert activation_code_matching(username="INB-0100", code=first.code) is None
    assert activation_code_matching(username="INB-0100", code=second.code) == second.record
    assert ActivationCode.objects.filter(user=pending.user, revoked_at=None).count() == 1


@pytest.mark.parametrize("issuer_role", [Role.TEACHER, Role.COORDINATOR, Role.CASE_MANAGER])
def test_only_the_learners_own_case_manager_or_admin_may_issue(
    pending: LearnerProfile, make_staff: Callable[..., User], issuer_role: Role
) -> None:
    stranger = make_staff(issuer_role, f"other.{issuer_role.value}")
    with pytest.raises(PermissionDenied):
        services.activation_code_issue(issued_by=stranger, user=pending.user)


def test_admin_of_another_agency_may_not_issue(
    pending: LearnerProfile, make_staff: Callable[..., User], other_agency: Agency
) -> None:
    foreign = make_staff(Role.AGENCY_ADMIN, "admin.other", agency=other_agency)
    with pytest.raises(PermissionDenied):
        services.activation_code_issue(issued_by=foreign, user=pending.user)
    own_admin = make_staff(Role.AGENCY_ADMIN, "admin.own")
    assert services.activation_code_issue(issued_by=own_admin, user=pending.user).code


def test_activation_sets_the_pin_and_consumes_the_code(
    pending: LearnerProfile, case_manager: User
) -> None:
    issued = services.activation_code_issue(issued_by=case_manager, user=pending.user)

    user = services.account_activate(
        activation_code_id=issued.record.pk, kind=SecretKind.PIN, secret="482915"
    )

    assert user.check_password("482915")
    assert user.activated_at is not None
    issued.record.refresh_from_db()
    assert issued.record.used_at is not None
    assert Event.objects.filter(code="accounts.user.activated", learner=user).count() == 1
    with pytest.raises(ValidationError) as reused:
        services.account_activate(
            activation_code_id=issued.record.pk, kind=SecretKind.PIN, secret="482916"
        )
    assert reused.value.code == "code_closed"
    user.refresh_from_db()
    assert user.check_password("482915")


def test_expired_code_does_not_activate(pending: LearnerProfile, case_manager: User) -> None:
    issued = services.activation_code_issue(issued_by=case_manager, user=pending.user)
    ActivationCode.objects.filter(pk=issued.record.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert activation_code_matching(username="INB-0100", code=issued.code) is None
    with pytest.raises(ValidationError):
        services.account_activate(
            activation_code_id=issued.record.pk, kind=SecretKind.PIN, secret="482915"
        )


@pytest.mark.parametrize(
    ("kind", "secret", "code"),
    [
        (SecretKind.PIN, "123456", "pin_weak"),
        (SecretKind.PIN, "000000", "pin_weak"),
        (SecretKind.PIN, "48291", "pin_format"),
        (SecretKind.PASSWORD, "short", "password_too_short"),
        (SecretKind.PASSWORD, "password123", "password_too_common"),
    ],
)
def test_weak_secret_is_refused_and_the_code_stays_usable(
    pending: LearnerProfile, case_manager: User, kind: SecretKind, secret: str, code: str
) -> None:
    issued = services.activation_code_issue(issued_by=case_manager, user=pending.user)
    with pytest.raises(ValidationError) as refused:
        services.account_activate(activation_code_id=issued.record.pk, kind=kind, secret=secret)
    assert code in {error.code for error in refused.value.error_list}
    issued.record.refresh_from_db()
    assert issued.record.is_open()


def test_staff_may_not_choose_a_pin(case_manager: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.secret_validate(user=case_manager, kind=SecretKind.PIN, secret="482915")
    assert refused.value.code == "pin_staff"


def test_confirming_an_authenticator_removes_the_old_one(case_manager: User) -> None:
    old = TOTPDevice.objects.create(user=case_manager, name="old phone", confirmed=True)
    new = services.totp_device_for_enrolment(user=case_manager)
    assert services.totp_device_for_enrolment(user=case_manager) == new

    services.totp_device_confirm(user=case_manager, device=new)

    assert list(TOTPDevice.objects.filter(user=case_manager)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert Event.objects.filter(code="accounts.second_factor.enrolled").count() == 1


def test_learners_are_not_created_as_staff(agency: Agency) -> None:
    with pytest.raises(ValueError, match="learner_register"):
        services.staff_user_create(
            username="x",
            role=Role.LEARNER,
            first_name="X",
            last_name="Y",
            password="correct-horse-battery",
            agency=agency,
        )
