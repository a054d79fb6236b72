"""Who the learner is (as the back office knows them) and which case manager follows them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Literacy(models.TextChoices):
    LITERATE_LATIN = "literate-latin", _("Reads and writes the Latin script")
    LITERATE_OTHER = "literate-other", _("Reads and writes another script")
    WEAKLY_LITERATE = "weakly-literate", _("Reads and writes a little")
    NOT_LITERATE = "not-literate", _("Does not read or write yet")


class Obligation(models.TextChoices):
    """Set by the back office from the register [DOMAIN: obligation status]."""

    OBLIGATED = "obligated", _("Obligated (verplicht)")
    ENTITLED = "entitled", _("Entitled, voluntary (rechthebbend)")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Working")
    STUDYING = "studying", _("Studying or in training")
    NOT_WORKING = "not-working", _("Not working")


class Perspective(models.TextChoices):
    """The fixed vocabulary of the main perspective (hoofdperspectief)."""

    PROFESSIONAL_EMPLOYED = "professional-employed", _("Work: has a job")
    PROFESSIONAL_JOBSEEKER = "professional-jobseeker", _("Work: looking for a job")
    SOCIAL = "social", _("Social: taking part in society")
    EDUCATIONAL = "educational", _("Education: further study")
    UNDETERMINED = "undetermined", _("Not decided yet")


class LearnerProfile(models.Model):
    """The learner's dossier header.

    Every field except the preferred language is owned by the back office: the portal shows it
    with ``backoffice_updated_at`` and never edits it from a learner's screen.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learner_profile"
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="learners",
    )
    dossier_number = models.CharField(_("dossier number"), max_length=40, unique=True)
    spoken_languages = models.JSONField(
        _("spoken languages"),
        default=list,
        blank=True,
        help_text=_("Language codes (ISO 639), most fluent first."),
    )
    birth_date = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("From the register; decides working age for the work pillar and B1."),
    )
    literacy = models.CharField(_("literacy"), max_length=20, choices=Literacy.choices)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        verbose_name=_("municipality (Rijksregister)"),
        on_delete=models.PROTECT,
        related_name="learners",
    )
    obligation = models.CharField(_("obligation"), max_length=20, choices=Obligation.choices)
    employment = models.CharField(_("employment"), max_length=20, choices=Employment.choices)
    perspective = models.CharField(
        _("perspective"),
        max_length=30,
        choices=Perspective.choices,
        default=Perspective.UNDETERMINED,
    )
    backoffice_updated_at = models.DateTimeField(_("last updated by the agency"))
    backoffice_version = models.PositiveIntegerField(_("back-office version"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")
        ordering = ["dossier_number"]

    def __str__(self) -> str:
        return self.dossier_number

    @property
    def region(self) -> str:
        return self.municipality.region

    @property
    def low_literate(self) -> bool:
        """Learners who read little or not at all take NT2 at the adapted level [002 L292]."""
        return self.literacy in {Literacy.WEAKLY_LITERATE, Literacy.NOT_LITERATE}


class CaseloadAssignment(models.Model):
    """A case manager (trajectbegeleider) following a learner, from ``started_at`` until ended."""

    learner = models.ForeignKey(
        LearnerProfile, on_delete=models.PROTECT, related_name="caseload_assignments"
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload_assignments"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("caseload assignment")
        verbose_name_plural = _("caseload assignments")
        constraints = [
            # Exactly one case manager is responsible at a time, enforced where races can't win.
            models.UniqueConstraint(
                fields=["learner"],
                condition=models.Q(ended_at__isnull=True),
                name="caseload_one_open_assignment_per_learner",
            ),
        ]
        indexes = [
            models.Index(fields=["case_manager", "ended_at"], name="caseload_manager_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} → {self.case_manager}"
