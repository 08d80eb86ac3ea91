"""Queue edge cases found by trying to break it."""

from __future__ import annotations

import _thread
import asyncio
import threading
import uuid
from collections.abc import Iterator

import pytest

import skyward as sky
from skyward.distributed import DistributedRegistry, _set_active_registry
from tests.conditions import wait_until


@pytest.fixture(scope="module")
def registry() -> Iterator[DistributedRegistry]:
    reg = DistributedRegistry(hosts=1)
    yield reg
    reg.cleanup()


@pytest.fixture
def active(registry: DistributedRegistry) -> Iterator[DistributedRegistry]:
    _set_active_registry(registry)
    yield registry
    _set_active_registry(None)


def test_reopen_without_maxsize_keeps_bound(active: DistributedRegistry) -> None:
    name = f"q-{uuid.uuid4().hex[:8]}"
    sky.queue(name, maxsize=5)
    assert sky.queue(name).maxsize == 5


def test_registry_reopen_without_maxsize(active: DistributedRegistry) -> None:
    name = f"q-{uuid.uuid4().hex[:8]}"
    active.queue(name, maxsize=3)
    assert active.queue(name).maxsize == 3


def test_new_queue_without_maxsize_unbounded(active: DistributedRegistry) -> None:
    assert sky.queue(f"q-{uuid.uuid4().hex[:8]}").maxsize == 0


def test_reopen_other_maxsize_raises(active: DistributedRegistry) -> None:
    name = f"q-{uuid.uuid4().hex[:8]}"
    sky.queue(name, maxsize=5)
    with pytest.raises(ValueError, match="maxsize=5"):
        sky.queue(name, maxsize=4)


def test_cancelled_get_async_gives_item_back(active: DistributedRegistry) -> None:
    q = sky.queue[str](f"q-{uuid.uuid4().hex[:8]}")

    async def scenario() -> str | None:
        getter = asyncio.create_task(q.get_async())
        while q.stats()["getters"] == 0:
            await asyncio.sleep(0.01)
        getter.cancel()
        await q.put_async("item")
        return await q.get_async(timeout=5)

    assert asyncio.run(scenario()) == "item"


def test_cancelled_get_nowait_async_gives_item_back(
    active: DistributedRegistry,
) -> None:
    q = sky.queue[str](f"q-{uuid.uuid4().hex[:8]}")
    q.put("item")

    async def scenario() -> str | None:
        getter = asyncio.create_task(q.get_nowait_async())
        await asyncio.sleep(0)
        getter.cancel()
        return await q.get_async(timeout=5)

    assert asyncio.run(scenario()) == "item"


def test_interrupted_get_gives_item_back(active: DistributedRegistry) -> None:
    q = sky.queue[str](f"q-{uuid.uuid4().hex[:8]}")

    def interrupt_when_waiting() -> None:
        wait_until(lambda: q.stats()["getters"] > 0)
        _thread.interrupt_main()

    helper = threading.Thread(target=interrupt_when_waiting)
    helper.start()
    with pytest.raises(KeyboardInterrupt):
        q.get()
    helper.join()
    q.put("item")
    assert q.get(timeout=5) == "item"


def test_nonblocking_ignores_timeout(active: DistributedRegistry) -> None:
    q = sky.queue[int](f"q-{uuid.uuid4().hex[:8]}")
    q.put(1, block=False, timeout=-1)
    assert q.get(block=False, timeout=-1) == 1


def test_blocking_negative_timeout_raises(active: DistributedRegistry) -> None:
    q = sky.queue[int](f"q-{uuid.uuid4().hex[:8]}")
    with pytest.raises(ValueError, match="-1"):
        q.put(1, timeout=-1)
    assert q.qsize() == 0
