"""Each learner's dossier version: a token in the shared cache that changes with their dossier.

Screens that keep a rendered view of a dossier in the cache (the learner's home) store it with the
version it was built at and use it only while that version is current. Every change to a dossier
records an event in the writer's transaction (``portal.events.services``), and after that
transaction commits the learner's version moves; read models rebuilt without an event move it too
(``learner.trajectory.services.refresh``).

A reader takes the version *before* it reads the database. If a writer commits in between, the
view it builds is stored under the old version, which no later reader asks for: nothing stale is
served past the commit that changed it. A version lost from the cache (evicted, Redis restarted)
is simply started afresh, which is a cache miss, never a stale hit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.cache import cache

# A learner not seen for this long starts a new version (a miss) rather than keep a key forever.
VERSION_SECONDS = 30 * 24 * 3600


def version_key(learner_user_id: int) -> str:
    return f"dossier-version:{learner_user_id}"


def dossier_version_start(learner_user_id: int) -> str:
    """The learner's current version, started now if the cache holds none."""
    key = version_key(learner_user_id)
    # add() keeps a version another process started in the meantime; the get returns the winner.
    cache.add(key, uuid.uuid4().hex, timeout=VERSION_SECONDS)
    return cache.get(key) or ""


def dossier_versions_move(learner_user_ids: Iterable[int]) -> None:
    """Give these learners a new version. Call after commit (``transaction.on_commit``)."""
    keys = {version_key(pk): uuid.uuid4().hex for pk in set(learner_user_ids)}
    if keys:
        cache.set_many(keys, timeout=VERSION_SECONDS)
