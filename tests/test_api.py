"""The sky.* factories: opening through the active registry, with types."""

from __future__ import annotations

import asyncio
import pickle
import threading
import uuid
from collections.abc import Iterator

import pytest

import skyward as sky
from skyward.distributed import (
    DictProxy,
    DistributedRegistry,
    ListProxy,
    QueueProxy,
    SetProxy,
    _get_active_registry,
    _set_active_registry,
    _set_process_registry,
)
from skyward.distributed.endpoint import call_count


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


@pytest.fixture
def name() -> str:
    return f"c-{uuid.uuid4().hex[:8]}"


# Without an active registry.


def test_factory_outside_pool_raises() -> None:
    with pytest.raises(RuntimeError, match=r"sky\.pool\(\)"):
        sky.dict("x")


def test_every_factory_outside_pool_raises() -> None:
    with pytest.raises(RuntimeError):
        sky.list("x")
    with pytest.raises(RuntimeError):
        sky.set("x")
    with pytest.raises(RuntimeError):
        sky.counter("x")
    with pytest.raises(RuntimeError):
        sky.queue("x")
    with pytest.raises(RuntimeError):
        sky.barrier("x", 2)
    with pytest.raises(RuntimeError):
        sky.lock("x")


def test_get_active_registry_raises() -> None:
    with pytest.raises(RuntimeError, match="no active skyward pool"):
        _get_active_registry()


# Opening through the active registry.


def test_dict_opens_registry_collection(active: DistributedRegistry, name: str) -> None:
    d = sky.dict(name, consistency="strong")
    d["key"] = "value"
    assert isinstance(d, DictProxy)
    assert d._actor == active.dict(name)._actor
    assert active.dict(name)["key"] == "value"


def test_factories_return_proxy_types(active: DistributedRegistry, name: str) -> None:
    assert isinstance(sky.list(name), ListProxy)
    assert isinstance(sky.set(name), SetProxy)
    assert isinstance(sky.queue(name, maxsize=2), QueueProxy)
    assert sky.counter(name).value == 0
    assert sky.barrier(name, 3).name == name
    assert sky.lock(name, lease=10.0).name == name


def test_consistency_default_eventual(active: DistributedRegistry, name: str) -> None:
    assert sky.dict(name).consistency == "eventual"
    assert sky.list(name, consistency="strong").consistency == "strong"
    assert sky.queue(name).consistency == "strong"


def test_open_costs_one_call(active: DistributedRegistry, name: str) -> None:
    sky.counter(name)
    before = call_count()
    sky.dict(name)
    assert call_count() - before == 1


def test_isolated_factory(active: DistributedRegistry, name: str) -> None:
    own = sky.counter(name, isolated=True, consistency="strong")
    own.increment(2)
    assert sky.counter(name).value == 2
    assert f"skyward:{active.scope}:own:counter:{name}" in active.actor_names()


# Type arguments.


def test_subscripted_dict_records_types(active: DistributedRegistry, name: str) -> None:
    d = sky.dict[str, int](name, consistency="strong")
    d["a"] = 1
    assert d._types == (str, int)
    assert sky.dict(name)._types is None
    with pytest.raises(TypeError, match=r"\[str, int\]"):
        sky.dict[str, str](name)
    assert sky.dict[str, int](name)["a"] == 1


def test_subscripted_dict_rejects_value(active: DistributedRegistry, name: str) -> None:
    d = sky.dict[str, int](name, consistency="strong")
    with pytest.raises(TypeError, match=f"sky.dict '{name}'"):
        d["a"] = "one"  # type: ignore[assignment]
    assert len(d) == 0


def test_subscripted_list_set_queue(active: DistributedRegistry, name: str) -> None:
    assert sky.list[int](name)._types == (int,)
    assert sky.set[str](name)._types == (str,)
    assert sky.queue[bytes](name)._types == (bytes,)


def test_type_arguments_do_not_leak(active: DistributedRegistry, name: str) -> None:
    sky.dict[str, int](name)
    assert sky.dict(name + "b")._types is None


def test_alias_repr() -> None:
    assert repr(sky.dict[str, int]).endswith("dict[str, int]")


# Proxies from factories.


def test_factory_proxy_pickles(active: DistributedRegistry, name: str) -> None:
    d = sky.dict[str, int](name)
    copy = pickle.loads(pickle.dumps(d))
    assert isinstance(copy, sky.dict)
    assert copy._actor == d._actor
    assert copy._types == (str, int)


# Where the active registry is visible.


def test_asyncio_task_sees_active(active: DistributedRegistry, name: str) -> None:
    async def open_in_task() -> DictProxy:
        return sky.dict(name)

    async def run() -> DictProxy:
        return await asyncio.create_task(open_in_task())

    assert asyncio.run(run())._actor == active.dict(name)._actor


def test_thread_uses_process_registry(registry: DistributedRegistry, name: str) -> None:
    opened: list[DictProxy] = []
    _set_process_registry(registry)
    try:
        thread = threading.Thread(target=lambda: opened.append(sky.dict(name)))
        thread.start()
        thread.join()
    finally:
        _set_process_registry(None)
    assert opened[0]._actor == registry.dict(name)._actor


def test_context_overrides_process_registry(
    active: DistributedRegistry, name: str
) -> None:
    other = DistributedRegistry(hosts=1)
    _set_process_registry(other)
    try:
        assert _get_active_registry() is active
    finally:
        _set_process_registry(None)


def test_all_factories_exported() -> None:
    for factory in ("dict", "list", "set", "counter", "queue", "barrier", "lock"):
        assert hasattr(sky, factory)


def test_compute_with_exported_missing(active: DistributedRegistry, name: str) -> None:
    from skyward.distributed import MISSING

    counts = sky.dict[str, int](name)
    counts["gone"] = 1
    counts.compute("gone", lambda old: MISSING)
    assert "gone" not in counts
