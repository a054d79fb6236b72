"""Background tasks of the trajectory (Django Tasks API; run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from learner.trajectory.services import refresh


@task()
def trajectory_catch_up() -> int:
    """Rebuild the read models a back-office batch left stale; how many were rebuilt."""
    return refresh.trajectory_catch_up()
