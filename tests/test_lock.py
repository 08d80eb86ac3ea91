"""Lock proxy against a real host actor, with threads and Ray processes."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable

import pytest
import ray
from ray.actor import ActorHandle

from skyward.distributed.actors import LockActor
from skyward.distributed.endpoint import call_count
from skyward.distributed.proxies import CounterProxy, LockProxy
from tests.conditions import wait_until
from tests.conftest import open_collection


def open_lock(host: ActorHandle, lease: float | None = None) -> LockProxy:
    if lease is None:
        return open_collection(host, LockProxy)
    return open_collection(host, LockProxy, lease=lease)


def in_thread[R](function: Callable[..., R], *args: object) -> R:
    """Run ``function(*args)`` in a new thread and return its result."""
    results: list[R] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(function(*args))
        except BaseException as exc:  # noqa: BLE001  # re-raised below
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def test_lock_acquire_release(host: ActorHandle) -> None:
    lock = open_lock(host)
    assert not lock.locked()
    assert lock.acquire()
    assert lock.locked()
    lock.release()
    assert not lock.locked()


def test_lock_acquire_costs_one_call(host: ActorHandle) -> None:
    lock = open_lock(host)
    before = call_count()
    lock.acquire()
    assert call_count() - before == 1
    lock.release()


def test_lock_tokens_increase(host: ActorHandle) -> None:
    lock = open_lock(host)
    tokens = []
    for _ in range(3):
        with lock:
            tokens.append(lock.token)
    assert tokens == [1, 2, 3]
    assert lock.token is None


def test_lock_held_elsewhere_not_acquired(host: ActorHandle) -> None:
    lock = open_lock(host)
    lock.acquire()
    assert not in_thread(lock.acquire, False)
    assert not in_thread(lock.acquire, True, 0.05)
    lock.release()
    # The timed-out waiter left the queue and was never granted the lock.
    assert not lock.locked()


def test_lock_release_by_other_thread(host: ActorHandle) -> None:
    lock = open_lock(host)
    lock.acquire()
    with pytest.raises(RuntimeError, match="is held by thread 'MainThread'"):
        in_thread(lock.release)
    assert lock.locked()
    lock.release()


def test_lock_release_unlocked(host: ActorHandle) -> None:
    lock = open_lock(host)
    with pytest.raises(RuntimeError, match="unlocked"):
        lock.release()


def test_lock_not_reentrant(host: ActorHandle) -> None:
    lock = open_lock(host)
    with lock:
        with pytest.raises(RuntimeError, match="not reentrant"):
            lock.acquire(blocking=False)
        assert lock.token == 1


def test_lock_argument_rules(host: ActorHandle) -> None:
    lock = open_lock(host)
    with pytest.raises(ValueError, match="blocking=False"):
        lock.acquire(blocking=False, timeout=1)
    with pytest.raises(ValueError, match="-2"):
        lock.acquire(timeout=-2)
    assert not lock.locked()


def test_lock_waiters_served_fifo(host: ActorHandle) -> None:
    lock = open_lock(host)
    order: list[int] = []

    def take_turn(number: int) -> None:
        with lock:
            order.append(number)

    lock.acquire()
    threads = []
    for number in range(3):
        thread = threading.Thread(target=take_turn, args=(number,))
        thread.start()
        threads.append(thread)
        wait_until(lambda n=number: lock.stats()["waiters"] == n + 1)  # type: ignore[misc]
    lock.release()
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2]


def test_lock_threads_share_proxy(host: ActorHandle) -> None:
    lock = open_lock(host)
    inside = 0
    overlaps = 0

    def work() -> None:
        nonlocal inside, overlaps
        for _ in range(20):
            with lock:
                inside += 1
                overlaps += inside > 1
                time.sleep(0)
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == 0


def test_lock_async_tasks_exclude(host: ActorHandle) -> None:
    lock = open_lock(host)
    events: list[str] = []

    async def task(name: str) -> None:
        async with lock:
            events.append(f"{name} in")
            await asyncio.sleep(0)
            events.append(f"{name} out")

    async def body() -> None:
        await asyncio.gather(task("a"), task("b"))
        assert not await lock.locked_async()

    asyncio.run(body())
    assert events in (
        ["a in", "a out", "b in", "b out"],
        ["b in", "b out", "a in", "a out"],
    )


def test_lock_async_release_by_other_task(host: ActorHandle) -> None:
    lock = open_lock(host)

    async def body() -> None:
        assert await lock.acquire_async()
        with pytest.raises(RuntimeError, match="is held by task"):
            await asyncio.create_task(lock.release_async())
        await lock.release_async()

    asyncio.run(body())


def test_lock_in_own_actor(ray_session: None) -> None:
    actor = LockActor.remote(lease=5.0)
    lock = LockProxy(actor)
    with lock:
        assert lock.stats()["lease"] == 5.0
    ray.kill(actor)


# Leases.


def test_lock_live_holder_keeps_lease(host: ActorHandle) -> None:
    lock = open_lock(host, lease=0.8)
    lock.acquire()
    token = lock.token
    # Three lease periods pass with no call from this thread. The lease is
    # long enough that a renewal delayed by a loaded machine still lands.
    time.sleep(2.4)
    assert not in_thread(lock.acquire, False)
    assert lock.token == token
    assert lock.stats()["token"] == token
    lock.release()


@ray.remote(num_cpus=0)
class _Holder:
    def hold(self, lock: LockProxy) -> tuple[int | None, int]:
        lock.acquire()
        return lock.token, os.getpid()

    def release(self, lock: LockProxy) -> None:
        lock.release()


def test_lock_killed_holder_recovered(host: ActorHandle) -> None:
    lock = open_lock(host, lease=0.5)
    holder = _Holder.remote()  # type: ignore[attr-defined]
    dead_token, _ = ray.get(holder.hold.remote(lock))
    ray.kill(holder)
    assert lock.acquire(timeout=30)
    assert lock.token is not None
    assert lock.token > dead_token
    lock.release()


@ray.remote(num_cpus=0)
def _increment_under_lock(lock: LockProxy, counter: CounterProxy, times: int) -> None:
    for _ in range(times):
        with lock:
            # Read and write in two calls: only the lock makes this atomic.
            counter.reset(counter.value + 1)


def test_lock_processes_exclude(host: ActorHandle) -> None:
    lock = open_lock(host)
    counter = open_collection(host, CounterProxy)
    workers, times = 2, 20
    ray.get(
        [_increment_under_lock.remote(lock, counter, times) for _ in range(workers)]
    )
    assert counter.value == workers * times
    assert not lock.locked()


def test_lock_frozen_holder_loses_lease(host: ActorHandle) -> None:
    lock = open_lock(host, lease=0.5)
    holder = _Holder.remote()  # type: ignore[attr-defined]
    frozen_token, pid = ray.get(holder.hold.remote(lock))
    os.kill(pid, signal.SIGSTOP)
    try:
        assert lock.acquire(timeout=30)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert lock.token == frozen_token + 1
    with pytest.raises(RuntimeError, match=f"token {frozen_token} .* expired"):
        ray.get(holder.release.remote(lock))
    assert lock.stats()["token"] == frozen_token + 1
    lock.release()
    ray.kill(holder)
