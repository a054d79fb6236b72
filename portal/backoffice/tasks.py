"""Background tasks of the back-office sync (Django Tasks API; run by ``manage.py db_worker``)."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from portal.backoffice import webhooks


@task(queue_name="webhooks")
def deliver_webhooks(endpoint_id: int) -> dict[str, object]:
    """One delivery pass for an endpoint; it queues its own next pass while work remains."""
    return asdict(webhooks.deliver_pending(endpoint_id))
