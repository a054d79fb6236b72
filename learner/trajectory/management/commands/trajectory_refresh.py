"""Nightly: rebuild every learner's trajectory state for today, so deadlines passing raise signals.

Each learner in their own transaction with their lock: one failure does not stop the rest, and
learners being written to meanwhile simply queue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from learner.trajectory.models import TrajectoryState
from learner.trajectory.services.refresh import lock, trajectory_refresh


class Command(BaseCommand):
    help = "Recompute every learner's trajectory for today (run daily, e.g. from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        refreshed = failed = 0
        for state in TrajectoryState.objects.select_related("learner").iterator():
            try:
                with transaction.atomic():
                    trajectory_refresh(learner=lock(state.learner), actor=None)
            except Exception as exc:  # reported below, then on to the next learner
                failed += 1
                self.stderr.write(f"{state.learner}: {exc!r}")
            else:
                refreshed += 1
        self.stdout.write(f"Refreshed {refreshed} learners, {failed} failed.")
        if failed:
            raise SystemExit(1)
