"""Dated rule sets (every amount, deadline and flag of the decree) and the declaration."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learner.trajectory import rules

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def _money(verbose_name: _StrOrPromise, default: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2, default=default)


class RuleSet(models.Model):
    """The parameters in force for contracts signed on or after ``effective_from``.

    Field names match ``rules.RuleSet`` one to one. A rule set is never changed once it is in
    force (services refuse it): a contract keeps the rules of its signing date.
    """

    effective_from = models.DateField(_("in force for contracts signed from"), unique=True)
    mo_course_fee = _money(_("MO course fee (€)"), "90")
    mo_repeat_course_fee = _money(_("MO repeat course fee (€)"), "0")
    mo_test_fee = _money(_("MO test fee per attempt (€)"), "90")
    mo_exemption_test_fee = _money(_("MO exemption test fee (€)"), "90")
    nt2_fee_per_lestijd = _money(_("NT2 fee per lestijd at CVO/CBE (€)"), "1.50")
    nt2_fee_cap = _money(_("NT2 fee cap up to A2 (€)"), "180")
    nt2_utc_fee = _money(_("NT2 fee at a university language centre (€)"), "180")
    nt2_retest_fee = _money(_("NT2 retest fee per attempt (€)"), "90")
    b1_test_fee = _money(_("B1 test fee per attempt (€)"), "90")
    vdab_registration_months = models.PositiveSmallIntegerField(
        _("VDAB registration within (months)"), default=2
    )
    actiris_registration_days = models.PositiveSmallIntegerField(
        _("Actiris registration within (days)"), default=60
    )
    brussels_late_registration_signal = models.BooleanField(
        _("a late Actiris registration raises a signal"), default=False
    )
    participation_hours = models.PositiveSmallIntegerField(_("participation hours"), default=40)
    nt2_level = models.CharField(_("NT2 level required"), max_length=2, default="A2")
    nt2_adapted_level = models.CharField(
        _("NT2 level for low-literate learners"), max_length=2, default="A1"
    )
    b1_window_months = models.PositiveSmallIntegerField(
        _("B1 test within (months after the attest)"), default=24
    )
    b1_lapse_continuous_months = models.PositiveSmallIntegerField(
        _("B1 duty lapses after continuous activity of (months)"), default=6
    )
    working_age_from = models.PositiveSmallIntegerField(_("working age from"), default=18)
    working_age_until = models.PositiveSmallIntegerField(
        _("working age until (exclusive)"), default=66
    )
    declaration_signature_required = models.BooleanField(
        _("the declaration must be signed"), default=True
    )
    attendance_min_obligated_pct = models.PositiveSmallIntegerField(
        _("minimum attendance, obligated learners (%)"), default=80
    )
    attendance_min_entitled_pct = models.PositiveSmallIntegerField(
        _("minimum attendance, voluntary learners (%)"), default=50
    )
    absence_nudge_pct = models.PositiveSmallIntegerField(
        _("absence that triggers support (%)"), default=10
    )
    absence_alert_pct = models.PositiveSmallIntegerField(
        _("absence that triggers an alert (%)"), default=20
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_age_from__lt=models.F("working_age_until")),
                name="ruleset_working_age_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"

    @classmethod
    def parameter_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(rules.RuleSet)]

    def as_rules(self) -> rules.RuleSet:
        return rules.RuleSet(**{name: getattr(self, name) for name in self.parameter_names()})


class Declaration(models.Model):
    """The declaration of essential rights and duties, annexed to the contract [002 L122-147].

    Versioned: the text is translated per language (modeltranslation, Dutch fallback) and a new
    version replaces the old for contracts signed from its ``effective_from``.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in force from"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    # modeltranslation swaps in its own manager at start-up; the stubs cannot see that.
    objects = models.Manager()  # type: ignore[django-manager-missing]

    class Meta:
        verbose_name = _("declaration of rights and duties")
        verbose_name_plural = _("declarations of rights and duties")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class DeclarationAcknowledgement(models.Model):
    """The learner read (and, where required, signed) one version of the declaration."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="acknowledgements"
    )
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("read in"), max_length=10)
    acknowledged_at = models.DateTimeField(_("acknowledged at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_name = models.CharField(_("signed with the name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declaration acknowledgement")
        verbose_name_plural = _("declaration acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "declaration"], name="acknowledgement_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.declaration}"
