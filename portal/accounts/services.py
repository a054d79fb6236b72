"""Writes about accounts: staff accounts, activation codes, activation, second factors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import rules
from portal.accounts.models import (
    STAFF_ROLES,
    ActivationCode,
    Agency,
    Municipality,
    Role,
    SecretKind,
    User,
)
from portal.events.services import event_record


def staff_user_create(
    *,
    username: str,
    role: Role,
    first_name: str,
    last_name: str,
    password: str,
    agency: Agency | None,
    municipality: Municipality | None = None,
    preferred_language: str = settings.LANGUAGE_CODE,
    actor: User | None = None,
) -> User:
    """Create an account for anyone but a learner (learners come from their dossier).

    Staff roles will be asked to enrol a second factor at their first sign-in.
    """
    if role == Role.LEARNER:
        raise ValueError("Learners are registered through learner_register.")
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            first_name=first_name,
            last_name=last_name,
            agency=agency,
            municipality=municipality,
            preferred_language=preferred_language,
            activated_at=timezone.now(),
        )
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        event_record(
            code="accounts.user.created",
            actor=actor,
            agency=agency,
            payload={"username": username, "role": role.value},
        )
    return user


def _may_issue_activation(*, issuer: User, target: User) -> bool:
    # Imported here: profiles depends on accounts, not the other way round at import time.
    from learner.profiles.selectors import learners_visible_to

    if not issuer.is_active or issuer.agency_id is None or issuer.agency_id != target.agency_id:
        return False
    if target.role == Role.LEARNER:
        return issuer.role in {Role.CASE_MANAGER, Role.AGENCY_ADMIN} and (
            learners_visible_to(user=issuer).filter(user=target).exists()
        )
    if target.role == Role.BUDDY:
        return issuer.role in {Role.COORDINATOR, Role.AGENCY_ADMIN}
    return False


@dataclass(frozen=True)
class IssuedCode:
    record: ActivationCode
    code: str  # shown once, on the printed letter; only its hash is stored

    @property
    def display(self) -> str:
        return rules.activation_code_display(self.code)


def activation_code_issue(*, issued_by: User, user: User) -> IssuedCode:
    """Issue a new one-time activation code for a learner or buddy, revoking any open one.

    Preconditions: the issuer follows the learner (case manager) or runs the agency (admin), or
    coordinates buddies of the agency. Locks the person's row so two issuers can't both leave an
    open code. Emits ``accounts.activation_code.issued``.
    """
    if not _may_issue_activation(issuer=issued_by, target=user):
        raise PermissionDenied
    code = rules.activation_code_generate()
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        ActivationCode.objects.filter(user=user, used_at=None, revoked_at=None).update(
            revoked_at=now
        )
        record = ActivationCode.objects.create(
            user=user,
            code_hash=make_password(code),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + timedelta(days=settings.ACTIVATION_CODE_DAYS),
        )
        event_record(
            code="accounts.activation_code.issued",
            actor=issued_by,
            learner=user if user.role == Role.LEARNER else None,
            agency=user.agency,
            payload={"username": user.username, "expires_at": record.expires_at},
        )
    return IssuedCode(record=record, code=code)


def secret_validate(*, user: User, kind: SecretKind, secret: str) -> None:
    """Raise ValidationError, in the user's language, if the PIN or password is not good enough."""
    if kind == SecretKind.PIN:
        if user.role in STAFF_ROLES:
            raise ValidationError(_("Staff accounts need a password, not a PIN."), code="pin_staff")
        weakness = rules.pin_weakness(secret)
        if weakness == "format":
            raise ValidationError(_("A PIN has exactly 6 digits."), code="pin_format")
        if weakness is not None:
            raise ValidationError(
                _(
                    "This PIN is too easy to guess. Choose 6 digits that are not all the same "
                    "and not in a row."
                ),
                code="pin_weak",
            )
        return
    password_validation.validate_password(secret, user)


def account_activate(*, activation_code_id: int, kind: SecretKind, secret: str) -> User:
    """Consume the activation code and set the person's own PIN or password.

    Locks the code row: a code opened on two phones activates once; the second attempt fails
    with a ValidationError. Emits ``accounts.user.activated``.
    """
    with transaction.atomic():
        code = (
            # of=self: the joined user and agency are read, not locked (agency may be NULL).
            ActivationCode.objects.select_for_update(of=("self",))
            .select_related("user__agency")
            .get(pk=activation_code_id)
        )
        if not code.is_open():
            raise ValidationError(
                _("This activation code is no longer valid. Ask your case manager for a new one."),
                code="code_closed",
            )
        user = code.user
        secret_validate(user=user, kind=kind, secret=secret)
        now = timezone.now()
        user.set_password(secret)
        user.is_active = True
        user.activated_at = now
        user.save(update_fields=["password", "is_active", "activated_at"])
        code.used_at = now
        code.save(update_fields=["used_at"])
        event_record(
            code="accounts.user.activated",
            actor=user,
            learner=user if user.role == Role.LEARNER else None,
            agency=user.agency,
            payload={"secret_kind": kind.value},
        )
    return user


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a staff member is enrolling, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, user: User, device: TOTPDevice) -> TOTPDevice:
    """Mark an enrolling authenticator as confirmed after its first correct code.

    Any other device of the user is removed, so a lost phone stops working once a new one is set
    up. Emits ``accounts.second_factor.enrolled``.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        event_record(
            code="accounts.second_factor.enrolled",
            actor=user,
            agency=user.agency,
            payload={"device": "totp"},
        )
    return device


def user_language_set(*, user: User, language: str) -> User:
    """Remember the person's language on their account (the device remembers it by cookie).

    Emits ``accounts.user.language_changed``: letters and interpreters follow this choice.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("This language is not available."), code="language")
    if user.preferred_language == language:
        return user
    with transaction.atomic():
        previous = user.preferred_language
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        event_record(
            code="accounts.user.language_changed",
            actor=user,
            learner=user if user.role == Role.LEARNER else None,
            agency=user.agency,
            payload={"from": previous, "to": language},
        )
    return user
