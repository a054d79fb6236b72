"""Facts about one learner's trajectory, each with its source and "last updated" time.

Facts come from the case manager's screens now and from the back-office sync later (issue 5:
``external_id`` and ``version`` key the upserts). Services write them and recompute the derived
state in the same transaction; nothing here holds a rule.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learner.trajectory.labels import SIGNAL
from learner.trajectory.rules import NONCOMPLIANCE_CODES


class Source(models.TextChoices):
    PORTAL = "portal", _("Portal")
    BACKOFFICE = "backoffice", _("Agency back office")


class Fact(models.Model):
    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="%(class)s_facts"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source, default=Source.PORTAL)
    external_id = models.CharField(_("back-office id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last updated"), default=timezone.now)

    class Meta:
        abstract = True


class Register(models.TextChoices):
    FOREIGNERS = "foreigners", _("Foreigners' register (vreemdelingenregister)")
    POPULATION = "population", _("Population register (bevolkingsregister)")
    WAITING = "waiting", _("Waiting register (asylum seekers)")
    NONE = "none", _("Not registered")


class Protection(models.TextChoices):
    NONE = "none", _("Not an asylum seeker")
    PENDING = "pending", _("Asylum claim pending (CGVS/RvV)")
    REFUGEE = "refugee", _("Recognised refugee")
    SUBSIDIARY = "subsidiary", _("Subsidiary protection")


class Eligibility(Fact):
    """Who may sign a contract [002 L53-70]; never shown to the learner's phone or the pack."""

    register = models.CharField(_("register"), max_length=20, choices=Register)
    protection = models.CharField(_("protection status"), max_length=20, choices=Protection)

    class Meta:
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibility")
        constraints = [models.UniqueConstraint(fields=["learner"], name="eligibility_one")]


class Contract(Fact):
    """The signed inburgeringscontract; the rule set is the one in force on ``signed_on``."""

    signed_on = models.DateField(_("signed on"))
    richttermijn = models.DateField(_("guiding deadline (richttermijn)"))
    mo_deadline = models.DateField(_("MO deadline"), null=True, blank=True)
    nt2_deadline = models.DateField(_("NT2 deadline"), null=True, blank=True)
    work_deadline = models.DateField(_("work deadline"), null=True, blank=True)
    participation_deadline = models.DateField(_("participation deadline"), null=True, blank=True)
    rule_set = models.ForeignKey("trajectory.RuleSet", on_delete=models.PROTECT, related_name="+")
    declaration = models.ForeignKey(
        "trajectory.Declaration", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("integration contract")
        verbose_name_plural = _("integration contracts")
        constraints = [
            models.UniqueConstraint(fields=["learner"], name="contract_one_per_learner"),
            models.CheckConstraint(
                condition=models.Q(richttermijn__gte=models.F("signed_on")),
                name="contract_richttermijn_after_signing",
            ),
        ]


class DeadlineComponent(models.TextChoices):
    RICHTTERMIJN = "richttermijn", _("Guiding deadline (richttermijn)")
    MO = "mo", _("MO deadline")
    NT2 = "nt2", _("NT2 deadline")
    WORK = "work", _("Work deadline")
    PARTICIPATION = "participation", _("Participation deadline")


class DeadlineChange(models.Model):
    """Audit of a changed contract deadline: who, when, why, and the value before."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="changes")
    component = models.CharField(_("deadline"), max_length=20, choices=DeadlineComponent)
    previous = models.DateField(_("before"), null=True, blank=True)
    new = models.DateField(_("after"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["-changed_at", "-id"]


class ProviderType(models.TextChoices):
    CVO = "cvo", _("Centre for adult education (CVO)")
    CBE = "cbe", _("Centre for basic education (CBE)")
    UTC = "utc", _("University language centre (UTC)")


class Nt2Route(Fact):
    provider_type = models.CharField(_("provider type"), max_length=3, choices=ProviderType)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    planned_until = models.DateField(_("planned end of the route"), null=True, blank=True)

    class Meta:
        verbose_name = _("NT2 route")
        verbose_name_plural = _("NT2 routes")
        constraints = [models.UniqueConstraint(fields=["learner"], name="nt2_route_one")]


class Nt2Module(Fact):
    name = models.CharField(_("module"), max_length=100)
    lestijden = models.PositiveSmallIntegerField(_("lestijden"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    attended_lestijden = models.PositiveSmallIntegerField(
        _("lestijden attended"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("NT2 module")
        verbose_name_plural = _("NT2 modules")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attended_lestijden__lte=models.F("lestijden")),
                name="nt2_module_attended_within_planned",
            ),
        ]

    def clean(self) -> None:
        # The check constraint's rule in Python: batches validate without asking the database.
        if (
            self.attended_lestijden is not None
            and self.lestijden is not None
            and self.attended_lestijden > self.lestijden
        ):
            raise ValidationError(
                {"attended_lestijden": _("More lestijden attended than the module has.")}
            )


class MoCourseKind(models.TextChoices):
    COURSE = "course", _("MO course")
    REPEAT = "repeat", _("Repeat course (herhalingscursus)")


class MoCourse(Fact):
    kind = models.CharField(_("course"), max_length=10, choices=MoCourseKind)
    started_on = models.DateField(_("started on"))

    class Meta:
        verbose_name = _("MO course")
        verbose_name_plural = _("MO courses")
        ordering = ["started_on", "id"]


class Screening(Fact):
    """Screening by the agency, required before the MO exemption test."""

    screened_on = models.DateField(_("screened on"))
    exemption_test_allowed = models.BooleanField(_("may take the exemption test"))

    class Meta:
        verbose_name = _("screening for the MO exemption test")
        verbose_name_plural = _("screenings for the MO exemption test")
        ordering = ["screened_on", "id"]


class ExamKind(models.TextChoices):
    MO = "mo", _("MO test")
    MO_EXEMPTION = "mo_exemption", _("MO exemption test (vrijstellingstoets)")
    NT2 = "nt2", _("NT2 test")
    B1 = "b1", _("B1 oral test")


class ExamOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class ExamSession(Fact):
    """A test attempt, planned first and then with its result from the test centre."""

    kind = models.CharField(_("test"), max_length=20, choices=ExamKind)
    session_on = models.DateField(_("date"))
    outcome = models.CharField(
        _("result"), max_length=10, choices=ExamOutcome, default=ExamOutcome.PLANNED
    )
    level = models.CharField(_("level"), max_length=2, choices=CefrLevel, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("test session")
        verbose_name_plural = _("test sessions")
        ordering = ["session_on", "id"]


class EmploymentService(models.TextChoices):
    VDAB = "vdab", "VDAB"
    ACTIRIS = "actiris", "Actiris"


class EmploymentServiceRegistration(Fact):
    service = models.CharField(_("service"), max_length=10, choices=EmploymentService)
    registered_on = models.DateField(_("registered on"))

    class Meta:
        verbose_name = _("employment service registration")
        verbose_name_plural = _("employment service registrations")
        ordering = ["registered_on", "id"]


class DecisionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Decided(Fact):
    """A request the agency approves or refuses, with the evidence it rests on."""

    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    status = models.CharField(
        _("decision"), max_length=10, choices=DecisionStatus, default=DecisionStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


class ExemptionReason(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    UNFIT_FOR_WORK = "unfit_for_work", _("Unfit for work")
    OTHER = "other", _("Other reason")


class PillarChoice(models.TextChoices):
    MO = "mo", _("Civic orientation (MO)")
    NT2 = "nt2", _("Dutch (NT2)")
    WORK = "work", _("Work")
    PARTICIPATION = "participation", _("Participation and network")


class Exemption(Decided):
    pillar = models.CharField(_("pillar"), max_length=20, choices=PillarChoice)
    reason = models.CharField(_("reason"), max_length=20, choices=ExemptionReason)

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["-updated_at", "-id"]


class SuspensionReason(models.TextChoices):
    PERSONAL = "personal", _("Personal reasons")
    MEDICAL = "medical", _("Medical reasons")


class Suspension(Decided):
    """Opschorting: while approved and running, no deadline signals; deadlines move after."""

    reason = models.CharField(_("reason"), max_length=10, choices=SuspensionReason)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="suspension_ends_after_start",
            ),
        ]

    def clean(self) -> None:
        # The check constraint's rule in Python: batches validate without asking the database.
        if (
            self.ends_on is not None
            and self.starts_on is not None
            and self.ends_on < self.starts_on
        ):
            raise ValidationError({"ends_on": _("A suspension cannot end before it starts.")})


class LearningCeiling(Fact):
    """`uitgeleerd`: decided by the NT2 provider and the case manager together."""

    decided_on = models.DateField(_("decided on"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("learning ceiling (uitgeleerd)")
        verbose_name_plural = _("learning ceilings (uitgeleerd)")
        constraints = [models.UniqueConstraint(fields=["learner"], name="learning_ceiling_one")]


class ActivityKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Work")
    TRAINING = "training", _("Training")
    STUDY = "study", _("Study")


class ActivityPeriod(Fact):
    """Work, training or study: counts for the B1 duty lapsing after the attest."""

    kind = models.CharField(_("activity"), max_length=10, choices=ActivityKind)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("work, training or study period")
        verbose_name_plural = _("work, training or study periods")
        ordering = ["starts_on", "id"]


class Noncompliance(Fact):
    """Enforcement data, kept apart from coaching notes: becomes a signal to the back office."""

    code = models.CharField(
        _("what happened"),
        max_length=40,
        choices=[(code, SIGNAL[code]) for code in NONCOMPLIANCE_CODES],
    )
    occurred_on = models.DateField(_("on"))
    evidence = models.CharField(_("evidence"), max_length=500)

    class Meta:
        verbose_name = _("non-compliance")
        verbose_name_plural = _("non-compliance records")
        ordering = ["-occurred_on", "-id"]


class FeeItem(models.TextChoices):
    MO_COURSE = "mo_course", _("MO course")
    MO_REPEAT_COURSE = "mo_repeat_course", _("MO repeat course")
    MO_TEST = "mo_test", _("MO test")
    MO_EXEMPTION_TEST = "mo_exemption_test", _("MO exemption test")
    NT2_MODULE = "nt2_module", _("NT2 module")
    NT2_UTC = "nt2_utc", _("NT2 at a university language centre")
    NT2_RETEST = "nt2_retest", _("NT2 retest")
    B1_TEST = "b1_test", _("B1 test")


class FeePayment(Fact):
    item = models.CharField(_("for"), max_length=20, choices=FeeItem)
    amount = models.DecimalField(_("amount (€)"), max_digits=7, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        ordering = ["paid_on", "id"]


class Nt2OnlyReferral(Fact):
    """For asylum seekers with a pending claim: NT2 without contract, pillars, fees or attest."""

    referred_on = models.DateField(_("referred on"))
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("NT2-only referral")
        verbose_name_plural = _("NT2-only referrals")
        ordering = ["-referred_on", "-id"]
