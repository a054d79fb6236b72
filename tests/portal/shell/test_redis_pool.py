"""The cache's Redis pool is shared by every thread of a process (each ASGI request has one)."""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCacheClient

from portal.shell.redis_pool import SharedConnectionPool


def test_cache_clients_of_different_threads_share_one_pool() -> None:
    url = "redis://127.0.0.1:6379/15"
    pools: list[object] = []

    def client_pool() -> None:
        # What Django's RedisCache makes in each thread: its own client (nothing connects yet).
        client = RedisCacheClient([url], pool_class=SharedConnectionPool)
        pools.append(client._get_connection_pool(write=True))

    threads = [threading.Thread(target=client_pool) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pools) == 4
    assert len({id(pool) for pool in pools}) == 1
    # Another database is another pool.
    other = RedisCacheClient(["redis://127.0.0.1:6379/14"], pool_class=SharedConnectionPool)
    assert other._get_connection_pool(write=True) is not pools[0]
