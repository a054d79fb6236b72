"""Background tasks of notifications (Django Tasks API; run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from portal.notifications import push


@task()
def push_deliver(user_id: int) -> int:
    """Push the appointment reminder to the person's phones; how many took it. Queued after
    commit by ``push.push_send_after_commit``; a slow push service delays only this task."""
    return push.push_send(user_id=user_id)
