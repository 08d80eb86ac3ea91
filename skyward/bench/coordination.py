"""Rows of wake-up latency: lock handoff, queue put-to-get, barrier release.

Each sample repeats one protocol. A peer process blocks on the primitive,
and the driver waits ``settle`` seconds so that the peer's blocking call
has arrived. The driver then reads the clock and releases the peer: it
releases the lock, puts an item, or arrives last at the barrier. The peer
reads the clock as soon as its call returns. Both read
``time.perf_counter``, which on Linux is the system-wide ``CLOCK_MONOTONIC``,
so the two readings compare across processes.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ray

from .actors import HandBarrier, HandLock, HandQueue
from .context import Context
from .harness import Contender, Measure, Row, Sample, prepare
from .services import Peer, redis_client


def rows() -> list[Row[Context]]:
    """Return the coordination rows."""
    return [
        Row("lock handoff", _lock_handoff, unit="handoff", warmup=True, latency=True),
        Row("queue wake-up", _queue_wakeup, unit="wake-up", warmup=True, latency=True),
        Row(
            "barrier release",
            _barrier_release,
            unit="release",
            warmup=True,
            latency=True,
        ),
    ]


def wakeups(
    ctx: Context,
    peer: Peer,
    block: Callable[[], float],
    release: Callable[[], Any],
    before: Callable[[], Any] | None = None,
) -> Measure:
    """Return a measurement of the time from ``release()`` to ``block`` returning.

    ``block`` runs in ``peer`` and returns the clock when it was released;
    ``before`` runs in the driver before the peer starts to block.
    """
    count, settle = ctx.settings.wakeups, ctx.settings.settle

    def measure() -> Sample:
        total = 0.0
        for _ in range(count):
            if before is not None:
                before()
            peer.start(block)
            time.sleep(settle)
            start = time.perf_counter()
            release()
            total += peer.result() - start
        return Sample(total, count)

    return measure


def _after(wait: Callable[[], Any], *then: Callable[[], Any]) -> float:
    wait()
    woken = time.perf_counter()
    for step in then:
        step()
    return woken


def _remote(method: Any, *args: Any) -> None:
    ray.get(method.remote(*args))


@contextmanager
def _lock_handoff(ctx: Context) -> Iterator[list[Contender]]:
    ray_peer, process_peer = ctx.ray_peer, ctx.process_peer
    started: list[Any] = []

    def skyward() -> Measure:
        lock = ctx.registry.lock(ctx.name("lock"))
        block = functools.partial(_after, lock.acquire, lock.release)
        return wakeups(ctx, ray_peer, block, lock.release, before=lock.acquire)

    def actor() -> Measure:
        # mypy ignores class decorators, so it finds no ray.remote ActorClass.
        lock = HandLock.remote()  # type: ignore[attr-defined]
        started.append(lock)
        acquire = functools.partial(_remote, lock.acquire)
        release = functools.partial(_remote, lock.release)
        block = functools.partial(_after, acquire, release)
        return wakeups(ctx, ray_peer, block, release, before=acquire)

    def manager() -> Measure:
        lock = ctx.manager.Lock()
        block = functools.partial(_after, lock.acquire, lock.release)
        return wakeups(ctx, process_peer, block, lock.release, before=lock.acquire)

    def redlock(_: Any, port: int) -> Measure:
        from pottery import Redlock

        key = ctx.name("redlock")
        driver_lock = Redlock(
            key=key, masters={redis_client(port)}, auto_release_time=60
        )
        block = functools.partial(_redlock_handoff, port, key)
        return wakeups(
            ctx, process_peer, block, driver_lock.release, before=driver_lock.acquire
        )

    try:
        yield [
            prepare("skyward lock", skyward),
            prepare("Ray async actor, asyncio.Lock", actor),
            prepare("multiprocessing.Manager Lock", manager),
            ctx.redis_contender("pottery Redlock", redlock),
        ]
    finally:
        for handle in started:
            ray.kill(handle)


def _redlock_handoff(port: int, key: str) -> float:
    from pottery import Redlock

    lock = Redlock(key=key, masters={redis_client(port)}, auto_release_time=60)
    return _after(lock.acquire, lock.release)


@contextmanager
def _queue_wakeup(ctx: Context) -> Iterator[list[Contender]]:
    ray_peer, process_peer = ctx.ray_peer, ctx.process_peer
    started: list[Any] = []

    def skyward() -> Measure:
        queue = ctx.registry.queue(ctx.name("queue"))
        return wakeups(ctx, ray_peer, functools.partial(_after, queue.get), _put(queue))

    def actor() -> Measure:
        # mypy ignores class decorators, so it finds no ray.remote ActorClass.
        queue = HandQueue.remote()  # type: ignore[attr-defined]
        started.append(queue)
        block = functools.partial(_after, functools.partial(_remote, queue.get))
        return wakeups(ctx, ray_peer, block, functools.partial(_remote, queue.put, 1))

    def ray_queue() -> Measure:
        from ray.util.queue import Queue

        queue = Queue()
        started.append(queue.actor)
        block = functools.partial(_after, queue.get)
        return wakeups(ctx, ray_peer, block, functools.partial(queue.put, 1))

    def manager() -> Measure:
        queue = ctx.manager.Queue()
        block = functools.partial(_after, queue.get)
        return wakeups(ctx, process_peer, block, functools.partial(queue.put, 1))

    def redis_py(client: Any, port: int) -> Measure:
        key = ctx.name("queue")
        block = functools.partial(_blpop, port, key)
        return wakeups(
            ctx, process_peer, block, functools.partial(client.rpush, key, 1)
        )

    try:
        yield [
            prepare("skyward queue", skyward),
            prepare("Ray async actor, asyncio.Queue", actor),
            prepare("ray.util.queue.Queue", ray_queue),
            prepare("multiprocessing.Manager Queue", manager),
            ctx.redis_contender("redis-py BLPOP", redis_py),
        ]
    finally:
        for handle in started:
            ray.kill(handle)


def _put(queue: Any) -> Callable[[], None]:
    return functools.partial(queue.put, 1)


def _blpop(port: int, key: str) -> float:
    return _after(functools.partial(redis_client(port).blpop, [key]))


@contextmanager
def _barrier_release(ctx: Context) -> Iterator[list[Contender]]:
    ray_peer, process_peer = ctx.ray_peer, ctx.process_peer
    started: list[Any] = []

    def skyward() -> Measure:
        barrier = ctx.registry.barrier(ctx.name("barrier"), 2)
        return wakeups(
            ctx, ray_peer, functools.partial(_after, barrier.wait), barrier.wait
        )

    def actor() -> Measure:
        # mypy ignores class decorators, so it finds no ray.remote ActorClass.
        barrier = HandBarrier.remote(2)  # type: ignore[attr-defined]
        started.append(barrier)
        wait = functools.partial(_remote, barrier.wait)
        return wakeups(ctx, ray_peer, functools.partial(_after, wait), wait)

    def manager() -> Measure:
        barrier = ctx.manager.Barrier(2)
        return wakeups(
            ctx, process_peer, functools.partial(_after, barrier.wait), barrier.wait
        )

    try:
        yield [
            prepare("skyward barrier", skyward),
            prepare("Ray async actor, asyncio.Event", actor),
            prepare("multiprocessing.Manager Barrier", manager),
            Contender(
                "Redis",
                unavailable="not available: redis-py and pottery have no barrier",
            ),
        ]
    finally:
        for handle in started:
            ray.kill(handle)


__all__ = ["rows", "wakeups"]
