"""Lock edge cases found by trying to break it."""

from __future__ import annotations

import _thread
import asyncio
import threading

import pytest
from ray.actor import ActorHandle

from skyward.distributed.proxies import LockProxy
from tests.conditions import wait_until
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


def test_interrupted_acquire_frees_grant(host: ActorHandle) -> None:
    lock = open_collection(host, LockProxy)
    holding = threading.Event()
    done = threading.Event()

    def hold() -> None:
        lock.acquire()
        holding.set()
        done.wait()
        lock.release()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()

    def interrupt_when_waiting() -> None:
        wait_until(lambda: lock.stats()["waiters"] > 0)
        _thread.interrupt_main()

    helper = threading.Thread(target=interrupt_when_waiting)
    helper.start()
    with pytest.raises(KeyboardInterrupt):
        lock.acquire()
    helper.join()
    done.set()
    holder.join()
    granted: list[bool] = []

    def take() -> None:
        granted.append(lock.acquire(timeout=5))
        if granted[0]:
            lock.release()

    other = threading.Thread(target=take)
    other.start()
    other.join()
    assert granted == [True]
