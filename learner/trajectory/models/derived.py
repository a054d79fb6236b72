"""What the portal derives and decides: the read model, signals, the attest, the advice."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.events.fields import DocumentField


class TrajectoryState(models.Model):
    """The learner's trajectory as a read model, rebuilt in every transaction that changes a fact.

    ``snapshot`` holds the facts as plain data (``snapshot.py``), the rule set in force at signing
    and the records shown in the dossier, so screens judge "today" (or any day) with the pure rules
    and no further queries. The columns beside it serve the caseload list's filters; a nightly
    ``trajectory_refresh`` keeps them current as days pass.
    """

    learner = models.OneToOneField(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="trajectory_state"
    )
    snapshot = DocumentField(default=dict, encoder=DjangoJSONEncoder)
    pillars = models.JSONField(default=dict)
    next_deadline = models.DateField(null=True, blank=True, db_index=True)
    next_deadline_kind = models.CharField(max_length=20, blank=True)
    open_signals = models.PositiveSmallIntegerField(default=0)
    attest_eligible_on = models.DateField(null=True, blank=True)
    computed_on = models.DateField()
    computed_at = models.DateTimeField()
    # Facts changed and the rebuild is queued (back-office batches): screens judge from the
    # facts themselves until the task has run (selectors.view_of).
    stale = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("trajectory state")
        verbose_name_plural = _("trajectory states")

    def __str__(self) -> str:
        return f"{self.learner} @ {self.computed_on}"


class Signal(models.Model):
    """A sanction signal raised to the back office with its evidence. The portal never sanctions.

    Enforcement data: shown to staff apart from coaching, never in notifications to buddies.
    Withdrawn (not deleted) when the facts no longer support it, e.g. a late-approved suspension.
    """

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="signals"
    )
    code = models.CharField(_("signal"), max_length=50)
    raised_on = models.DateField(_("raised on"))
    evidence = models.JSONField(_("evidence"), default=dict, encoder=DjangoJSONEncoder)
    raised_at = models.DateTimeField(_("recorded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "code", "raised_on"], name="signal_once_per_code_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.raised_on}"


class Attest(models.Model):
    """The inburgeringsattest, issued by agency staff; dated the day the last pillar was met."""

    learner = models.OneToOneField(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="attest"
    )
    number = models.CharField(_("attest number"), max_length=40, unique=True)
    attest_on = models.DateField(_("date of the attest"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attest")
        verbose_name_plural = _("attests")

    def __str__(self) -> str:
        return self.number


class AuthorityAdvice(models.Model):
    """The systematic advice to the Dienst Vreemdelingenzaken: staff only.

    The learner sees that and when it was sent, never ``snapshot`` (the content).
    """

    learner = models.ForeignKey(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="authority_advices"
    )
    snapshot = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("advice to the Immigration Office")
        verbose_name_plural = _("advices to the Immigration Office")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.learner} {self.sent_at:%Y-%m-%d}"


class ContractProof(models.Model):
    """The secret behind a learner's "proof of valid contract" QR code.

    The public page it opens says only whether a contract is valid today (interpreter cost
    coverage); the token carries no data and can be replaced, which voids the old code.
    """

    learner = models.OneToOneField(
        "profiles.LearnerProfile", on_delete=models.PROTECT, related_name="contract_proof"
    )
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("proof of valid contract")
        verbose_name_plural = _("proofs of valid contract")

    def __str__(self) -> str:
        return f"{self.learner} proof"
