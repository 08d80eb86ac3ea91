"""BarrierProxy.stats against a real host actor."""

from __future__ import annotations

import threading

from ray.actor import ActorHandle

from skyward.distributed.endpoint import call_count
from skyward.distributed.proxies import BarrierProxy
from tests.conditions import wait_until
from tests.conftest import open_collection


def test_barrier_stats_counts_rounds(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=2)
    assert barrier.stats() == {
        "parties": 2,
        "n_waiting": 0,
        "broken": False,
        "epoch": 0,
    }
    thread = threading.Thread(target=barrier.wait)
    thread.start()
    wait_until(lambda: barrier.stats()["n_waiting"] == 1)
    barrier.wait()
    thread.join()
    assert barrier.stats()["epoch"] == 1
    barrier.abort()
    assert barrier.stats()["broken"] is True


def test_barrier_stats_one_call(host: ActorHandle) -> None:
    barrier = open_collection(host, BarrierProxy, parties=3)
    before = call_count()
    barrier.stats()
    assert call_count() - before == 1
