"""Shares of portfolio items by link, their openings, and the records of exported PDFs.

A share's link carries a secret the database does not hold: the secret is an HMAC of the share's
random ``key`` under the server's secret key (``links``), and only its SHA-256 is
stored. So the learner can see the link again on their list, while a copy of the database alone
opens nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RECIPIENT_NAME_LENGTH = 120


class RecipientKind(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    VDAB = "vdab", _("VDAB")
    EMPLOYER = "employer", _("Employer")
    COURSE_PROVIDER = "course_provider", _("School or course provider")


class Share(models.Model):
    """Some of a learner's items, opened by whoever has the link, until it expires or is revoked."""

    learner = models.ForeignKey(
        "profiles.LearnerProfile",
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="portfolio_shares",
    )
    recipient_kind = models.CharField(_("shared with"), max_length=20, choices=RecipientKind)
    recipient_name = models.CharField(_("name of the person or organisation"), max_length=120)
    # An item the learner deletes leaves every share with it (the link table row cascades).
    items = models.ManyToManyField("portfolio.Item", verbose_name=_("items"), related_name="+")
    # The input of the link's secret; never shown. A new share always gets a new key.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # SHA-256 (hex) of the secret in the link: how an opened link finds its share.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("shared at"), default=timezone.now)
    expires_at = models.DateTimeField(_("works until"))
    revoked_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portfolio share")
        verbose_name_plural = _("portfolio shares")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="portfolio_share_expires_after_creation",
            ),
        ]
        indexes = [models.Index(fields=["learner", "-created_at"], name="portfolio_share_learner")]

    def __str__(self) -> str:
        return f"{self.learner} → {self.recipient_name}"

    @property
    def last_day(self) -> date:
        """The last local day the link works (it stops at the midnight after it)."""
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))


class ShareOpening(models.Model):
    """One opening of a share's page. Coarse on purpose: no IP address, no full user agent."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="openings")
    at = models.DateTimeField(_("opened at"), default=timezone.now)
    browser = models.CharField(_("browser"), max_length=20, blank=True)
    device = models.CharField(_("device"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("opening of a share")
        verbose_name_plural = _("openings of shares")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["share", "-at"], name="portfolio_opening_share")]

    def __str__(self) -> str:
        return f"{self.share_id} {self.at:%Y-%m-%d %H:%M}"


class PortfolioExport(models.Model):
    """What one exported PDF certified, so its QR code can be checked against the portal.

    ``payload`` is the canonical statement set printed and embedded in the PDF; ``digest`` is
    its HMAC under the server's secret key (``verification.digest``). Append-only.
    """

    learner = models.ForeignKey(
        "profiles.LearnerProfile",
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="portfolio_exports",
    )
    # Random and unguessable: the verification URL names the export by it, never by the row id.
    public_id = models.CharField(max_length=22, unique=True, editable=False)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    # The learner's language printed beside Dutch.
    language = models.CharField(_("language"), max_length=8)
    payload = models.JSONField(_("certified statements"))
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("portfolio export")
        verbose_name_plural = _("portfolio exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.learner} {self.created_at:%Y-%m-%d %H:%M}"
