"""People, their roles and the organisations they work for."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.rules import NIS_CODE_RE, Region, region_for_nis_code


class Agency(models.Model):
    """The integration agency (AgII, Huis van het Nederlands Brussel, BON) a dossier belongs to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality of the Rijksregister, identified by its NIS code."""

    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not NIS_CODE_RE.match(self.nis_code):
            raise ValidationError({"nis_code": _("A NIS code has exactly five digits.")})
        expected = region_for_nis_code(self.nis_code)
        if expected is None:
            raise ValidationError(
                {"nis_code": _("This municipality is not in Flanders or Brussels.")}
            )
        if self.region != expected:
            raise ValidationError({"region": _("The region does not match the NIS code.")})


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TEACHER = "teacher", _("MO teacher")
    BUDDY = "buddy", _("Buddy or host contact")
    CASE_MANAGER = "case_manager", _("Case manager")
    COORDINATOR = "coordinator", _("Participation coordinator")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")


# Roles that see other people's dossiers: they sign in with a password and a second factor.
# Learners and buddies see only their own things and sign in with a PIN or password.
STAFF_ROLES = frozenset({Role.TEACHER, Role.CASE_MANAGER, Role.COORDINATOR, Role.AGENCY_ADMIN})


class User(AbstractUser):
    """Everyone who signs in. A learner's username is their dossier number."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # Coordinators direct participation for one municipality.
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Set when the person chose their own PIN or password; until then they cannot sign in.
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    # createsuperuser asks for it (or reads DJANGO_SUPERUSER_ROLE): every account has a role.
    REQUIRED_FIELDS: ClassVar[list[str]] = ["role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]

    @property
    def is_staff_role(self) -> bool:
        """True for everyone who must pass a second factor: staff roles and site operators."""
        return self.role in STAFF_ROLES or self.is_staff or self.is_superuser

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class SecretKind(models.TextChoices):
    PIN = "pin", _("A 6-digit PIN")
    PASSWORD = "password", _("A password")


class ActivationCode(models.Model):
    """A one-time code printed for a person, to choose their own PIN or password.

    Only a hash is kept: the code is shown once, on the printed letter.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=200)
    issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="issued_activation_codes"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        indexes = [
            models.Index(fields=["user", "used_at", "revoked_at"], name="activation_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user.username} @ {self.issued_at:%Y-%m-%d}"

    def is_open(self, *, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
