"""Stored notifications: nothing is missed while a phone is offline or the page is closed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message for one person, derived from one event of the log.

    The text is not stored: it is rendered from ``code`` and ``params`` in the language of whoever
    reads it, so a learner who switches to Tigrinya reads old messages in Tigrinya too.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=100)
    params = models.JSONField(_("details"), default=dict)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One event never notifies the same person twice.
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.recipient_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription: where the push service takes messages for it.

    The endpoint names the browser, not the person: a shared phone that someone else registers
    moves to them. Keys are the browser's (RFC 8291); messages are encrypted to them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("push address"), max_length=500, unique=True)
    # The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
    p256dh = models.CharField(_("public key"), max_length=100)
    auth = models.CharField(_("authentication secret"), max_length=32)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered at"), null=True, blank=True)
    # Failed sends since the last delivery (a gone subscription is deleted, not counted).
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"push {self.pk} → {self.user_id}"
