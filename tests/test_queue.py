"""Queue proxy against a real host actor, with threads and Ray processes."""

from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any

import pytest
import ray
from ray.actor import ActorHandle

from skyward.distributed.actors import QueueActor
from skyward.distributed.endpoint import call_count
from skyward.distributed.proxies import CounterProxy, QueueProxy
from tests.conditions import wait_until
from tests.conftest import open_collection

MISSING = object()


def test_queue_fifo(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[int])
    for i in range(5):
        q.put(i)
    assert [q.get() for _ in range(5)] == [0, 1, 2, 3, 4]


def test_queue_size_queries(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str], maxsize=2)
    assert q.empty()
    assert len(q) == 0
    q.put("a")
    q.put("b")
    assert q.qsize() == 2
    assert q.full()
    assert q.maxsize == 2


def test_queue_get_timeout_returns_none(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str])
    assert q.get(timeout=0.05) is None


def test_queue_get_default_tells_none_apart(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[Any])
    q.put(None)
    assert q.get(timeout=0.05, default=MISSING) is None
    assert q.get(timeout=0.05, default=MISSING) is MISSING
    assert q.get(block=False, default=MISSING) is MISSING


def test_queue_get_nowait_empty(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str])
    with pytest.raises(queue.Empty, match="is empty"):
        q.get_nowait()


def test_queue_put_nowait_full(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str], maxsize=1)
    q.put_nowait("a")
    with pytest.raises(queue.Full, match="is full"):
        q.put_nowait("b")
    assert q.qsize() == 1


def test_queue_put_timeout_full(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str], maxsize=1)
    q.put("a")
    with pytest.raises(queue.Full):
        q.put("b", timeout=0.05)
    assert q.get_nowait() == "a"
    assert q.empty()


def test_queue_negative_timeout(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str])
    q.put("a")
    with pytest.raises(ValueError, match="-1"):
        q.get(timeout=-1)
    with pytest.raises(ValueError, match="-1"):
        q.put("b", timeout=-1)
    assert q.qsize() == 1


def test_queue_negative_maxsize(host: ActorHandle) -> None:
    with pytest.raises(ValueError, match="maxsize must be >= 0"):
        open_collection(host, QueueProxy[str], maxsize=-1)


def test_queue_rejects_wrong_type(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[int], types=(int,))
    with pytest.raises(TypeError, match="sky.queue"):
        q.put("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'y'"):
        q.put_many([1, "y"])  # type: ignore[list-item]
    assert q.empty()


def test_queue_batch_calls_cost_one(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[int])
    before = call_count()
    q.put_many(range(10))
    assert call_count() - before == 1
    before = call_count()
    assert q.get_many(4) == [0, 1, 2, 3]
    assert call_count() - before == 1
    assert q.get_many(100) == [4, 5, 6, 7, 8, 9]


def test_queue_get_many_nonblocking_empty(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[int])
    assert q.get_many(3, block=False) == []
    assert q.get_many(3, timeout=0.05) == []


def test_queue_waiting_get_does_not_stall_put(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str])
    received: list[str] = []
    getter = threading.Thread(target=lambda: received.append(q.get()))
    getter.start()
    wait_until(lambda: q.stats()["getters"] == 1)
    # Same process, so the same ordered call stream as the waiting get.
    q.put("x")
    getter.join()
    assert received == ["x"]


def test_queue_waiting_get_does_not_stall_host(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str])
    counter = open_collection(host, CounterProxy)

    async def body() -> tuple[str, int]:
        getter = asyncio.create_task(q.get_async())
        while (await q._call_async("stats"))["getters"] != 1:
            await asyncio.sleep(0.01)
        value = await counter.increment_async()
        await q.put_async("x")
        return await getter, value

    assert asyncio.run(body()) == ("x", 1)


def test_queue_blocked_put_woken_by_get(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str], maxsize=1)
    q.put("a")
    putter = threading.Thread(target=q.put, args=("b",))
    putter.start()
    wait_until(lambda: q.stats()["putters"] == 1)
    assert q.get() == "a"
    putter.join()
    assert q.get() == "b"


def test_queue_async_forms(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[int], maxsize=3)

    async def body() -> list[Any]:
        await q.put_async(1)
        await q.put_many_async([2, 3])
        full = await q.full_async()
        with pytest.raises(queue.Full):
            await q.put_nowait_async(4)
        first = await q.get_async()
        rest = await q.get_many_async(5)
        with pytest.raises(queue.Empty):
            await q.get_nowait_async()
        return [full, first, rest, await q.empty_async(), await q.qsize_async()]

    assert asyncio.run(body()) == [True, 1, [2, 3], True, 0]


def test_queue_in_own_actor(ray_session: None) -> None:
    actor = QueueActor.remote(maxsize=1)
    q: QueueProxy[str] = QueueProxy(actor)
    q.put("a")
    assert q.full()
    assert q.get() == "a"
    ray.kill(actor)


# Several processes.


def _produce(q: QueueProxy[Any], producer: int, count: int) -> None:
    for i in range(count):
        q.put((producer, i))


@ray.remote(num_cpus=0)
def _consume(q: QueueProxy[Any]) -> list[tuple[int, int]]:
    received = []
    while (item := q.get()) is not None:
        received.append(item)
    return received


def test_queue_fifo_exactly_once(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[Any])
    producers, consumers, count = 2, 2, 100
    consuming = [_consume.remote(q) for _ in range(consumers)]
    threads = [
        threading.Thread(target=_produce, args=(q, p, count)) for p in range(producers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    q.put_many([None] * consumers)
    results = ray.get(consuming)

    received = [item for result in results for item in result]
    assert sorted(received) == [(p, i) for p in range(producers) for i in range(count)]
    for result in results:
        for producer in range(producers):
            sequence = [i for p, i in result if p == producer]
            assert sequence == sorted(sequence)


@ray.remote(num_cpus=0)
class _Getter:
    def get(self, q: QueueProxy[str]) -> str:
        return q.get()


def test_queue_killed_getter_loses_nothing(host: ActorHandle) -> None:
    q = open_collection(host, QueueProxy[str], ack_timeout=2.0)
    getter = _Getter.remote()  # type: ignore[attr-defined]
    waiting = getter.get.remote(q)
    wait_until(lambda: q.stats()["getters"] == 1)
    ray.kill(getter)
    with pytest.raises(ray.exceptions.RayActorError):
        ray.get(waiting)
    q.put("x")
    # The dead getter's call is still registered, so it was handed the item.
    assert q.stats()["in_delivery"] == 1
    assert q.get(timeout=30) == "x"
    assert q.stats()["in_delivery"] == 0
