"""Lock edge cases found by trying to break it."""

from __future__ import annotations

import asyncio
import threading

from ray.actor import ActorHandle

from skyward.distributed.proxies import LockProxy
from tests.conftest import open_collection


def test_cancelled_acquire_async_frees_grant(host: ActorHandle) -> None:
    lock = open_collection(host, LockProxy)
    lock.acquire()

    async def scenario() -> None:
        waiter = asyncio.create_task(lock.acquire_async())
        while lock.stats()["waiters"] == 0:
            await asyncio.sleep(0.01)
        waiter.cancel()

    asyncio.run(scenario())
    lock.release()
    granted: list[bool] = []

    def take() -> None:
        granted.append(lock.acquire(timeout=5))
        if granted[0]:
            lock.release()

    other = threading.Thread(target=take)
    other.start()
    other.join()
    assert granted == [True]
