"""Queue, barrier and lock state classes on a plain asyncio loop, without Ray."""

from __future__ import annotations

import asyncio
import queue
import random
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import pytest

from skyward.distributed.state import BarrierState, LockState, QueueState


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(test())


async def settled[R](outcome: R | Awaitable[R]) -> R:
    """Return a state method's result, awaiting it if it had to wait."""
    if isinstance(outcome, asyncio.Future):
        return await outcome  # type: ignore[no-any-return]
    return outcome  # type: ignore[return-value]


# Queue.


def test_queue_get_takes_head() -> None:
    async def body() -> None:
        state = QueueState("q")
        state.put("a")
        state.put("b")
        assert state.get() == (["a"], None)
        assert state.qsize() == 1

    run(body)


def test_queue_get_nonblocking_empty() -> None:
    async def body() -> None:
        state = QueueState("q")
        assert state.get(block=False) == ([], None)

    run(body)


def test_queue_waiting_get_woken_by_put() -> None:
    async def body() -> None:
        state = QueueState("q")
        future = state.get()
        assert isinstance(future, asyncio.Future)
        assert not future.done()
        state.put("x")
        items, delivery = await future
        assert items == ["x"]
        assert isinstance(delivery, int)
        assert state.stats()["in_delivery"] == 1

    run(body)


def test_queue_waiting_getters_fifo() -> None:
    async def body() -> None:
        state = QueueState("q")
        first, second = state.get(), state.get()
        state.put_many(["a", "b"])
        assert (await settled(first))[0] == ["a"]
        assert (await settled(second))[0] == ["b"]

    run(body)


def test_queue_get_timeout_takes_nothing() -> None:
    async def body() -> None:
        state = QueueState("q")
        assert await settled(state.get(timeout=0.01)) == ([], None)
        assert state.stats()["getters"] == 0
        state.put("x")
        assert state.qsize() == 1

    run(body)


def test_queue_cancelled_getter_skipped() -> None:
    async def body() -> None:
        state = QueueState("q")
        cancelled = state.get()
        assert isinstance(cancelled, asyncio.Future)
        cancelled.cancel()
        alive = state.get()
        state.put("x")
        assert (await settled(alive))[0] == ["x"]

    run(body)


def test_queue_unacked_delivery_returns_to_head() -> None:
    async def body() -> None:
        state = QueueState("q", ack_timeout=0.05)
        dead = state.get()
        state.put("x")
        assert (await settled(dead))[0] == ["x"]
        state.put("y")
        # The next waiting getter is woken by the expiry of the delivery.
        assert state.get() == (["y"], None)
        items, delivery = await settled(state.get())
        assert items == ["x"]
        assert delivery is not None
        assert state.ack(delivery)

    run(body)


def test_queue_expired_delivery_goes_before_queued() -> None:
    async def body() -> None:
        state = QueueState("q", ack_timeout=0.01)
        dead = state.get()
        state.put("x")
        await settled(dead)
        state.put("y")
        waiting = state.get_many(5, timeout=1.0)
        assert (await settled(waiting))[0] == ["y"]
        later = state.get_many(5, timeout=1.0)
        assert (await settled(later))[0] == ["x"]

    run(body)


def test_queue_acked_delivery_stays_taken() -> None:
    async def body() -> None:
        state = QueueState("q", ack_timeout=0.01)
        getter = state.get()
        state.put("x")
        _, delivery = await settled(getter)
        assert delivery is not None
        assert state.ack(delivery)
        assert await settled(state.get(timeout=0.05)) == ([], None)
        assert not state.ack(delivery)

    run(body)


def test_queue_put_nowait_full() -> None:
    async def body() -> None:
        state = QueueState("q", maxsize=1)
        state.put("a")
        with pytest.raises(queue.Full, match="sky.queue 'q'"):
            state.put("b", block=False)
        assert state.qsize() == 1
        assert state.full()

    run(body)


def test_queue_blocked_put_woken_by_get() -> None:
    async def body() -> None:
        state = QueueState("q", maxsize=1)
        state.put("a")
        putter = state.put("b")
        assert isinstance(putter, asyncio.Future)
        assert state.get() == (["a"], None)
        await putter
        assert state.get() == (["b"], None)

    run(body)


def test_queue_put_timeout_raises_full() -> None:
    async def body() -> None:
        state = QueueState("q", maxsize=1)
        state.put("a")
        with pytest.raises(queue.Full):
            await settled(state.put("b", timeout=0.01))
        assert state.qsize() == 1
        assert state.stats()["putters"] == 0

    run(body)


def test_queue_put_many_waits_for_room() -> None:
    async def body() -> None:
        state = QueueState("q", maxsize=2)
        state.put("a")
        batch = state.put_many(["b", "c"])
        later = state.put("d")
        assert isinstance(batch, asyncio.Future)
        assert isinstance(later, asyncio.Future)
        # "d" would fit, but it waits behind the batch.
        assert not later.done()
        assert state.get() == (["a"], None)
        await batch
        assert not later.done()
        assert state.get_many(3) == (["b", "c"], None)
        await later
        assert state.get() == (["d"], None)

    run(body)


def test_queue_put_many_too_large() -> None:
    async def body() -> None:
        state = QueueState("q", maxsize=2)
        with pytest.raises(ValueError, match="maxsize 2"):
            state.put_many([1, 2, 3])
        assert state.qsize() == 0

    run(body)


def test_queue_get_many_waits_for_one() -> None:
    async def body() -> None:
        state = QueueState("q")
        getter = state.get_many(3)
        state.put("a")
        assert (await settled(getter))[0] == ["a"]
        state.put_many([1, 2, 3, 4])
        assert state.get_many(3) == ([1, 2, 3], None)

    run(body)


def test_queue_bad_arguments() -> None:
    async def body() -> None:
        state = QueueState("q")
        state.put("a")
        with pytest.raises(ValueError, match="-1"):
            state.get(timeout=-1)
        with pytest.raises(ValueError, match="-0.5"):
            state.put("b", timeout=-0.5)
        with pytest.raises(ValueError, match="n must be >= 1"):
            state.get_many(0)
        assert state.qsize() == 1

    run(body)


def test_queue_negative_maxsize() -> None:
    with pytest.raises(ValueError, match="maxsize must be >= 0"):
        QueueState("q", maxsize=-1)


def test_queue_conflicting_options() -> None:
    state = QueueState("q", maxsize=3)
    state.check_options({})
    with pytest.raises(ValueError, match="maxsize=3"):
        state.check_options({"maxsize": 4})


def test_queue_close_fails_waiters() -> None:
    async def body() -> None:
        state = QueueState("q")
        getter = state.get()
        state.close()
        with pytest.raises(RuntimeError, match="dropped"):
            await settled(getter)

    run(body)


def test_queue_random_exactly_once() -> None:
    async def body() -> None:
        rng = random.Random(7)
        state = QueueState("q", maxsize=4, ack_timeout=0.05)
        producers, count = 3, 40
        received: list[tuple[int, int]] = []
        expected = producers * count

        async def produce(producer: int) -> None:
            for i in range(count):
                await settled(state.put((producer, i)))
                if rng.random() < 0.5:
                    await asyncio.sleep(0)

        async def consume() -> None:
            while len(received) < expected:
                outcome = state.get_many(rng.randint(1, 3), timeout=0.01)
                items, delivery = await settled(outcome)
                if delivery is not None:
                    if rng.random() < 0.2:
                        continue  # A getter that died: its items come back.
                    if not state.ack(delivery):
                        continue  # Acknowledged too late: the items came back.
                received.extend(items)

        await asyncio.gather(
            *(produce(p) for p in range(producers)), consume(), consume()
        )
        assert sorted(received) == [
            (p, i) for p in range(producers) for i in range(count)
        ]
        assert state.stats() == {
            "items": 0,
            "getters": 0,
            "putters": 0,
            "in_delivery": 0,
        }

    run(body)


# Barrier.


def test_barrier_single_party_passes() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=1)
        assert state.wait() == 0
        assert state.wait() == 0

    run(body)


def test_barrier_releases_with_indices() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=3)
        first, second = state.wait(), state.wait()
        assert state.n_waiting() == 2
        assert state.wait() == 2
        assert await settled(first) == 0
        assert await settled(second) == 1
        assert state.n_waiting() == 0

    run(body)


def test_barrier_cyclic() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=2)
        for epoch in range(5):
            waiter = state.wait()
            assert state.wait() == 1
            assert await settled(waiter) == 0
            assert state.stats()["epoch"] == epoch + 1

    run(body)


def test_barrier_timeout_breaks_all() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=3)
        patient = state.wait()
        hasty = state.wait(timeout=0.01)
        with pytest.raises(threading.BrokenBarrierError, match="timed out"):
            await settled(hasty)
        with pytest.raises(threading.BrokenBarrierError):
            await settled(patient)
        assert state.broken()
        with pytest.raises(threading.BrokenBarrierError):
            state.wait()

    run(body)


def test_barrier_reset_repairs() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=2)
        waiter = state.wait()
        state.reset()
        with pytest.raises(threading.BrokenBarrierError, match="reset"):
            await settled(waiter)
        assert not state.broken()
        waiter = state.wait()
        assert state.wait() == 1
        assert await settled(waiter) == 0

    run(body)


def test_barrier_abort() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=2)
        waiter = state.wait()
        state.abort()
        with pytest.raises(threading.BrokenBarrierError, match="abort"):
            await settled(waiter)
        assert state.broken()

    run(body)


def test_barrier_zero_timeout_breaks() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=2)
        with pytest.raises(threading.BrokenBarrierError):
            state.wait(timeout=0)
        assert state.broken()

    run(body)


def test_barrier_bad_parties() -> None:
    for parties in (0, -1):
        with pytest.raises(ValueError, match="parties must be >= 1"):
            BarrierState("b", parties=parties)
    with pytest.raises(ValueError, match="needs the option parties"):
        BarrierState("b")
    with pytest.raises(TypeError, match="parties must be an int"):
        BarrierState("b", parties=2.0)


def test_barrier_negative_timeout() -> None:
    async def body() -> None:
        state = BarrierState("b", parties=2)
        with pytest.raises(ValueError, match="-1"):
            state.wait(timeout=-1)
        assert state.n_waiting() == 0

    run(body)


# Lock.


def test_lock_grant_and_wait() -> None:
    async def body() -> None:
        state = LockState("l", lease=5)
        assert state.acquire("a", "A") == (1, 5.0)
        assert state.acquire("b", "B", blocking=False) is None
        waiter = state.acquire("b", "B")
        assert isinstance(waiter, asyncio.Future)
        state.release("a", "A", 1)
        assert await waiter == (2, 5.0)
        assert state.stats()["holder"] == "B"

    run(body)


def test_lock_waiters_fifo() -> None:
    async def body() -> None:
        state = LockState("l")
        state.acquire("a", "A")
        waiters = [state.acquire(f"w{i}", f"W{i}") for i in range(3)]
        owners = [("a", "A"), ("w0", "W0"), ("w1", "W1")]
        for granted, (owner, who) in enumerate(owners):
            state.release(owner, who)
            done = [isinstance(w, asyncio.Future) and w.done() for w in waiters]
            assert done == [i <= granted for i in range(3)]
        assert state.stats()["holder"] == "W2"

    run(body)


def test_lock_not_reentrant() -> None:
    async def body() -> None:
        state = LockState("l")
        state.acquire("a", "A")
        with pytest.raises(RuntimeError, match="not reentrant"):
            state.acquire("a", "A")
        assert state.stats()["token"] == 1

    run(body)


def test_lock_release_by_other_rejected() -> None:
    async def body() -> None:
        state = LockState("l")
        state.acquire("a", "thread A")
        with pytest.raises(RuntimeError, match="held by thread A, not by B"):
            state.release("b", "B")
        assert state.locked()

    run(body)


def test_lock_release_unlocked() -> None:
    async def body() -> None:
        state = LockState("l")
        with pytest.raises(RuntimeError, match="unlocked"):
            state.release("a", "A")

    run(body)


def test_lock_timed_out_waiter_never_granted() -> None:
    async def body() -> None:
        state = LockState("l")
        state.acquire("a", "A")
        assert await settled(state.acquire("b", "B", timeout=0.01)) is None
        state.release("a", "A", 1)
        assert not state.locked()

    run(body)


def test_lock_lease_expiry_passes_lock() -> None:
    async def body() -> None:
        state = LockState("l", lease=0.02)
        state.acquire("a", "A")
        grant = await settled(state.acquire("b", "B"))
        assert grant == (2, 0.02)
        assert not state.renew("a", 1)
        with pytest.raises(RuntimeError, match="token 1 held by A expired"):
            state.release("a", "A", 1)
        assert state.stats()["holder"] == "B"

    run(body)


def test_lock_renew_checks_token() -> None:
    async def body() -> None:
        state = LockState("l")
        state.acquire("a", "A")
        assert state.renew("a", 1)
        assert not state.renew("a", 2)
        assert not state.renew("b", 1)

    run(body)


def test_lock_stale_token_release() -> None:
    async def body() -> None:
        state = LockState("l")
        state.acquire("a", "A")
        with pytest.raises(RuntimeError, match="stale token 7"):
            state.release("a", "A", 7)
        assert state.locked()

    run(body)


def test_lock_acquire_argument_rules() -> None:
    async def body() -> None:
        state = LockState("l")
        with pytest.raises(ValueError, match="blocking=False"):
            state.acquire("a", "A", blocking=False, timeout=1)
        with pytest.raises(ValueError, match="-2"):
            state.acquire("a", "A", timeout=-2)
        assert not state.locked()

    run(body)


def test_lock_bad_lease() -> None:
    for lease in (0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="lease must be"):
            LockState("l", lease=lease)
