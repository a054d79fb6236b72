"""One Redis connection pool per server process for Django's cache (sessions, throttles).

Django keeps a cache object per thread, and each made its own pool; under ASGI every request's
view runs in a thread of its own, so every request opened a new TCP connection to Redis (and
redis-py read its package metadata from disk for it): about a tenth of a worker's time under
load (bench/server.py, py-spy). redis-py's pools are thread-safe: all threads share one.
"""

from __future__ import annotations

import threading
from typing import Any

import redis

_pools: dict[tuple[str, str], redis.ConnectionPool] = {}
_lock = threading.Lock()


class SharedConnectionPool(redis.ConnectionPool):
    """``from_url`` answers the process's pool for that URL (and options), made once."""

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> redis.ConnectionPool:  # type: ignore[override]
        key = (url, repr(sorted(kwargs.items(), key=lambda item: item[0])))
        with _lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = redis.ConnectionPool.from_url(url, **kwargs)
            return pool
