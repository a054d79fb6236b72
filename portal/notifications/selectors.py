"""Reads of notifications, only ever the asker's own."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import User
from portal.notifications.models import Notification


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count_for(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
