"""Forget what the back-office sync no longer needs: old idempotency keys and deliveries.

Run daily (beside ``trajectory_refresh``). The event log itself is kept; the tasks' own results
are pruned by django-tasks-db's ``prune_db_task_results``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from portal.backoffice.models import DeliveryStatus, IdempotencyRecord, WebhookDelivery


class Command(BaseCommand):
    help = "Delete idempotency records and delivered webhooks older than --days (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.now() - timedelta(days=options["days"])
        keys, _ = IdempotencyRecord.objects.filter(created_at__lt=before).delete()
        # Only delivered ones: waiting and parked deliveries stay until they are resolved.
        delivered, _ = WebhookDelivery.objects.filter(
            status=DeliveryStatus.DELIVERED, delivered_at__lt=before
        ).delete()
        self.stdout.write(f"{keys} idempotency records and {delivered} deliveries deleted.")
