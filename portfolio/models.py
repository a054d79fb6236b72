"""The learner's portfolio: items, their attached files, the diploma recognition tracker, and the
log of every staff access to the learner's dossier.

Items are the learner's own (they add, edit and delete them) except the *derived* ones: the portal
writes those from back-office facts (passed tests, confirmed participation hours, the attest),
marks them ``certified`` and keys them by ``source_key`` so re-deriving never duplicates them.
Deadlines of the recognition tracker are not stored: ``portfolio.rules`` computes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_LENGTH = 200
DESCRIPTION_LENGTH = 4000


class Kind(models.TextChoices):
    COMPETENCE = "competence", _("Competence")
    WORK_EXPERIENCE = "work_experience", _("Work experience")
    DIPLOMA = "diploma", _("Diploma")
    CERTIFICATE = "certificate", _("Certificate")
    PARTICIPATION = "participation", _("Participation")
    PLAN_EVIDENCE = "plan_evidence", _("Evidence for my plan")
    EVIDENCE = "evidence", _("Other evidence")


class Origin(models.TextChoices):
    """Where a competence was gained."""

    COUNTRY_OF_ORIGIN = "country_of_origin", _("In my country of origin")
    WORK = "work", _("At work")
    PRIVATE = "private", _("In my private life")


class Item(models.Model):
    """One thing in the portfolio: a competence, a job, a diploma, a certificate, evidence."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile",
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="portfolio_items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    # Only for competences.
    origin = models.CharField(_("where I gained it"), max_length=20, choices=Origin, blank=True)
    # Country, employer, school or test centre: free text, as the learner knows it.
    place = models.CharField(_("where"), max_length=200, blank=True)
    # For certificates: the CEFR level of an NT2 test (A1…C2).
    level = models.CharField(_("level"), max_length=10, blank=True)
    # For participation: the confirmed hours of that activity.
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    # True only for items the portal derives from back-office facts; the learner cannot edit them.
    certified = models.BooleanField(_("confirmed by the agency"), default=False)
    # For derived items, what they come from: "exam:<ExamSession pk>",
    # "participation:<Activity pk>", "attest". Empty for the learner's own items.
    source_key = models.CharField(_("source"), max_length=80, blank=True, default="")
    # The phone's id of a learner's own item, so a form sent twice on a bad line adds it once.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["kind", "-started_on", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "source_key"],
                condition=~models.Q(source_key=""),
                name="portfolio_item_one_per_source",
            ),
            # A certified item always says where it comes from.
            models.CheckConstraint(
                condition=models.Q(certified=False) | ~models.Q(source_key=""),
                name="portfolio_item_certified_has_source",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=Kind.COMPETENCE) | models.Q(origin=""),
                name="portfolio_item_origin_only_for_competence",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="portfolio_item_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["learner", "kind"], name="portfolio_item_learner_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def derived(self) -> bool:
        return bool(self.source_key)


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    PDF = "pdf", _("PDF document")
    AUDIO = "audio", _("Voice note")


class Attachment(models.Model):
    """A file of an item: a photo or voice note kept by ``portal.media``, or a checked PDF.

    Photos and recordings are ``portal.media`` rows (EXIF stripped, variants, content checked);
    the media view serves them only to the item's owner and staff who may see the learner.
    PDFs are stored under ``portfolio/`` and served by ``portfolio:file`` only.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind)
    image = models.ForeignKey(
        "media.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    audio = models.ForeignKey(
        "media.Audio", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="portfolio/", max_length=200, blank=True)
    # The name the file had on the learner's phone, for display and the data export only.
    name = models.CharField(_("file name"), max_length=120, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # What it takes of the learner's quota (for a photo: all its stored variants).
    bytes = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=AttachmentKind.IMAGE,
                        image__isnull=False,
                        audio__isnull=True,
                        file="",
                    )
                    | models.Q(
                        kind=AttachmentKind.AUDIO,
                        image__isnull=True,
                        audio__isnull=False,
                        file="",
                    )
                    | (
                        models.Q(kind=AttachmentKind.PDF, image__isnull=True, audio__isnull=True)
                        & ~models.Q(file="")
                    )
                ),
                name="portfolio_attachment_one_file_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.pk}"


class RecognitionStep(models.TextChoices):
    """The steps of having a foreign diploma recognised (NARIC) [DOMAIN: portfolio]."""

    EXPLAIN = "explain", _("Find out how it works")
    DOCUMENTS = "documents", _("Gather the documents")
    SUBMITTED = "submitted", _("Application sent")
    ACKNOWLEDGED = "acknowledged", _("Receipt confirmed")
    DECIDED = "decided", _("Decision received")


class RecognitionDecision(models.TextChoices):
    FULL = "full", _("Recognised as equivalent")
    PARTIAL = "partial", _("Partly recognised")
    REFUSED = "refused", _("Not recognised")


class Recognition(models.Model):
    """The recognition tracker of one diploma. The learner moves it on; dates are theirs."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="recognition")
    step = models.CharField(
        _("step"), max_length=20, choices=RecognitionStep, default=RecognitionStep.EXPLAIN
    )
    # {document code (see rules.RECOGNITION_DOCUMENTS): True when the learner has it}.
    checklist = models.JSONField(_("documents I have"), default=dict, blank=True)
    submitted_on = models.DateField(_("sent on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("receipt confirmed on"), null=True, blank=True)
    decided_on = models.DateField(_("decision on"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=RecognitionDecision, blank=True
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("diploma recognition")
        verbose_name_plural = _("diploma recognitions")

    def __str__(self) -> str:
        return f"{self.item} ({self.step})"


class DossierAccess(models.Model):
    """One opening of a learner's dossier page by staff. Append-only; the learner sees it."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile",
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="dossier_accesses",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The role at the time: a person's role can change, the log must not.
    staff_role = models.CharField(_("role"), max_length=20)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # A code of the page (see selectors.ACCESS_LABELS) and the path that was opened.
    what = models.CharField(_("what"), max_length=60)
    path = models.CharField(_("page"), max_length=300)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dossier access")
        verbose_name_plural = _("dossier accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["learner", "-at"], name="dossier_access_learner_idx")]

    def __str__(self) -> str:
        return f"{self.staff} → {self.learner} {self.what} {self.at:%Y-%m-%d %H:%M}"
