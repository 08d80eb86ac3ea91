"""Barrier proxy against a real host actor, with threads and Ray processes."""

from __future__ import annotations

import asyncio
import threading

import pytest
import ray
from ray.actor import ActorHandle

from skyward.distributed.actors import BarrierActor
from skyward.distributed.proxies import BarrierProxy
from tests.conditions import wait_until
from tests.conftest import open_collection


def wait_in_thread(barrier: BarrierProxy, outcomes: list[object]) -> threading.Thread:
    """Start a thread that waits on ``barrier`` and records index or error."""

    def target() -> None:
        try:
            outcomes.append(barrier.wait())
        except threading.BrokenBarrierError as exc:
            outcomes.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_barrier_two_threads_release(host: ActorHandle) -> None:
    first = open_collection(host, BarrierProxy, parties=2)
    second = BarrierProxy(first._actor, name=first.name)
    outcomes: list[object] = []
    thread = wait_in_thread(first, outcomes)
    wait_until(lambda: second.n_waiting == 1)
    assert outcomes == []
    assert second.wait() == 1
    thread.join()
    assert outcomes == [0]


def test_barrier_single_party_reset(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=1)
    assert barrier.wait() == 0
    barrier.reset()
    assert barrier.wait() == 0


def test_barrier_properties(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=3)
    assert barrier.parties == 3
    assert barrier.n_waiting == 0
    assert not barrier.broken


def test_barrier_bad_parties(host: ActorHandle) -> None:
    for parties in (0, -2):
        with pytest.raises(ValueError, match="parties must be >= 1"):
            open_collection(host, BarrierProxy, parties=parties)


def test_barrier_other_parties_rejected(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=2)
    with pytest.raises(ValueError, match="parties=2"):
        open_collection(host, BarrierProxy, name=barrier.name, parties=3)


def test_barrier_timeout_breaks_all(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=3)
    outcomes: list[object] = []
    thread = wait_in_thread(barrier, outcomes)
    wait_until(lambda: barrier.n_waiting == 1)
    with pytest.raises(threading.BrokenBarrierError, match="timed out"):
        barrier.wait(timeout=0.05)
    thread.join()
    assert isinstance(outcomes[0], threading.BrokenBarrierError)
    assert barrier.broken
    with pytest.raises(threading.BrokenBarrierError):
        barrier.wait()


def test_barrier_reset_after_break(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=1)
    barrier.abort()
    broken_after_abort = barrier.broken
    barrier.reset()
    broken_after_reset = barrier.broken
    assert broken_after_abort
    assert not broken_after_reset
    assert barrier.wait() == 0


def test_barrier_abort_breaks_waiter(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=2)
    outcomes: list[object] = []
    thread = wait_in_thread(barrier, outcomes)
    wait_until(lambda: barrier.n_waiting == 1)
    barrier.abort()
    thread.join()
    assert isinstance(outcomes[0], threading.BrokenBarrierError)


def test_barrier_negative_timeout(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=2)
    with pytest.raises(ValueError, match="-1"):
        barrier.wait(timeout=-1)
    assert barrier.n_waiting == 0
    assert not barrier.broken


def test_barrier_async_tasks(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=3)

    async def body() -> list[int]:
        indices = await asyncio.gather(*(barrier.wait_async() for _ in range(3)))
        assert await barrier.n_waiting_async() == 0
        assert await barrier.parties_async() == 3
        assert not await barrier.broken_async()
        await barrier.abort_async()
        assert await barrier.broken_async()
        await barrier.reset_async()
        return sorted(indices)

    assert asyncio.run(body()) == [0, 1, 2]


def test_barrier_in_own_actor(ray_session: None) -> None:
    actor = BarrierActor.remote(n=1)
    barrier = BarrierProxy(actor)
    assert barrier.wait() == 0
    assert barrier.parties == 1
    ray.kill(actor)


@ray.remote(num_cpus=0)
def _wait_epochs(barrier: BarrierProxy, epochs: int) -> list[int]:
    return [barrier.wait() for _ in range(epochs)]


def test_barrier_many_epochs_processes(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=3)
    epochs = 50
    remote = [_wait_epochs.remote(barrier, epochs) for _ in range(2)]
    local = [barrier.wait() for _ in range(epochs)]
    results = [local, *ray.get(remote)]
    for epoch in range(epochs):
        assert sorted(result[epoch] for result in results) == [0, 1, 2]
    assert barrier.n_waiting == 0
