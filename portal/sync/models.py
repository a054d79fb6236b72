"""Every write a phone sent through the offline outbox, kept once with the answer it got."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommandStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")
    CONFLICT = "conflict", _("Conflict")


class SyncCommand(models.Model):
    """One outbox command, keyed by the phone's UUID: a replay gets this answer again."""

    uuid = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=60)
    client_time = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=CommandStatus)
    reason = models.CharField(max_length=60, blank=True)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("offline write")
        verbose_name_plural = _("offline writes")
        indexes = [models.Index(fields=["user", "received_at"], name="sync_command_user_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.uuid} ({self.status})"


class DeviceKey(models.Model):
    """The public half of a key a phone made to sign what it vouches for while offline.

    The private half never leaves the phone (a buddy's is sealed with their PIN). The server
    checks signatures with this key when the signed claim or receipt arrives.
    """

    key_id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_keys"
    )
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device key")
        verbose_name_plural = _("device keys")

    def __str__(self) -> str:
        return f"{self.user} {self.key_id}"
