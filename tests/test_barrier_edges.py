"""Barrier edge cases found by trying to break it."""

from __future__ import annotations

import asyncio
import threading

from ray.actor import ActorHandle

from skyward.distributed.proxies import BarrierProxy
from tests.conftest import open_collection


def test_cancelled_wait_async_leaves(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=2)

    async def scenario() -> None:
        waiter = asyncio.create_task(barrier.wait_async())
        while barrier.n_waiting == 0:
            await asyncio.sleep(0.01)
        waiter.cancel()

    asyncio.run(scenario())
    assert barrier.n_waiting == 0


def test_cancelled_wait_async_releases_nobody(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=2)

    async def scenario() -> None:
        waiter = asyncio.create_task(barrier.wait_async())
        while barrier.n_waiting == 0:
            await asyncio.sleep(0.01)
        waiter.cancel()

    asyncio.run(scenario())
    indexes: list[int] = []
    other = threading.Thread(target=lambda: indexes.append(barrier.wait(timeout=5)))
    other.start()
    indexes.append(barrier.wait(timeout=5))
    other.join()
    assert sorted(indexes) == [0, 1]
