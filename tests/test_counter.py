"""Counter proxy against a real host actor."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from ray.actor import ActorHandle

from skyward.distributed.endpoint import call_count
from skyward.distributed.proxies import CounterProxy
from tests.conftest import open_collection


def test_counter_starts_at_zero(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    assert counter.value == 0


def test_increment_returns_new_value(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    assert counter.increment(5) == 5
    assert counter.decrement(2) == 3


def test_eventual_increment_applies_in_order(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy, consistency="eventual")
    for _ in range(200):
        counter.increment()
    counter.reset(7)
    counter.increment()
    assert counter.value == 8


def test_compare_and_set(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    counter.reset(3)
    assert counter.compare_and_set(3, 10)
    assert not counter.compare_and_set(3, 11)
    assert counter.value == 10


def test_increment_rejects_str(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    with pytest.raises(TypeError, match="sky.counter"):
        counter.increment("1")  # type: ignore[arg-type]
    assert counter.value == 0


def test_increment_costs_one_call(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    before = call_count()
    counter.increment()
    assert call_count() - before == 1


def test_increment_async(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)

    async def run() -> tuple[int, int]:
        return await counter.increment_async(2), await counter.value_async()

    assert asyncio.run(run()) == (2, 2)


def test_increment_accepts_numpy_int(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    counter.increment(np.int64(3))  # type: ignore[arg-type]
    assert counter.value == 3


def test_increment_rejects_bool(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    with pytest.raises(TypeError, match="sky.counter"):
        counter.increment(True)
    assert counter.value == 0


def test_compare_and_set_rejects_str(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    with pytest.raises(TypeError, match="'0'"):
        counter.compare_and_set("0", 5)  # type: ignore[arg-type]
    assert counter.value == 0
