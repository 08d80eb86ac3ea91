"""Registry: get-or-create by name, placement on hosts, scopes, cleanup."""

from __future__ import annotations

import os
import pickle
import threading
import uuid
from collections.abc import Iterator

import pytest
import ray
from ray.actor import ActorHandle

from skyward.distributed.endpoint import Endpoint, call_count
from skyward.distributed.proxies import (
    BarrierProxy,
    CounterProxy,
    DictProxy,
    ListProxy,
    LockProxy,
    QueueProxy,
    SetProxy,
)
from skyward.distributed.registry import NAMESPACE, DistributedRegistry


@pytest.fixture(scope="module")
def registry() -> Iterator[DistributedRegistry]:
    """A registry with two hosts shared by the tests of this module."""
    reg = DistributedRegistry(hosts=2)
    yield reg
    reg.cleanup()


@pytest.fixture
def fresh() -> Iterator[DistributedRegistry]:
    """A registry of a new scope, for tests that create or kill actors."""
    reg = DistributedRegistry(hosts=1)
    yield reg
    reg.cleanup()


@pytest.fixture
def name() -> str:
    return f"c-{uuid.uuid4().hex[:8]}"


def _pid(actor: ActorHandle) -> int:
    return int(ray.get(actor.__ray_call__.remote(lambda _self: os.getpid())))


def _host_pids(registry: DistributedRegistry) -> set[int]:
    return {
        _pid(ray.get_actor(actor_name, namespace=NAMESPACE))
        for actor_name in registry.actor_names()
    }


# Get-or-create.


def test_dict_same_name_same_endpoint(registry: DistributedRegistry, name: str) -> None:
    first = registry.dict(name)
    second = registry.dict(name)
    assert isinstance(first, DictProxy)
    assert first._actor == second._actor


def test_dict_different_names(registry: DistributedRegistry, name: str) -> None:
    assert registry.dict(name + "a")._actor != registry.dict(name + "b")._actor


def test_kinds_do_not_share_a_name(registry: DistributedRegistry, name: str) -> None:
    d = registry.dict(name, consistency="strong")
    counter = registry.counter(name, consistency="strong")
    d["k"] = 1
    counter.increment(5)
    assert d._actor != counter._actor
    assert counter.value == 5
    assert dict(d.items()) == {"k": 1}


def test_every_kind_opens(registry: DistributedRegistry, name: str) -> None:
    assert isinstance(registry.dict(name), DictProxy)
    assert isinstance(registry.list(name), ListProxy)
    assert isinstance(registry.set(name), SetProxy)
    assert isinstance(registry.counter(name), CounterProxy)
    assert isinstance(registry.queue(name, maxsize=3), QueueProxy)
    assert isinstance(registry.barrier(name, 2), BarrierProxy)
    assert isinstance(registry.lock(name, lease=5.0), LockProxy)


def test_consistency_default_eventual(registry: DistributedRegistry, name: str) -> None:
    assert registry.dict(name)._consistency == "eventual"
    assert registry.counter(name).consistency == "eventual"
    assert registry.dict(name + "s", consistency="strong")._consistency == "strong"


def test_queue_barrier_lock_strong(registry: DistributedRegistry, name: str) -> None:
    assert registry.queue(name).consistency == "strong"
    assert registry.barrier(name, 2).consistency == "strong"
    assert registry.lock(name).consistency == "strong"


def test_name_must_be_nonempty_str(registry: DistributedRegistry) -> None:
    with pytest.raises(TypeError, match="non-empty str"):
        registry.dict("")
    with pytest.raises(TypeError, match="3"):
        registry.dict(3)  # type: ignore[arg-type]


def test_hosts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="0"):
        DistributedRegistry(hosts=0)


# Types recorded with the collection.


def test_types_recorded_and_checked(registry: DistributedRegistry, name: str) -> None:
    d = registry.dict(name, types=(str, int), consistency="strong")
    d["a"] = 1
    with pytest.raises(TypeError, match=r"\[str, int\]"):
        registry.dict(name, types=(str, str))
    assert registry.dict(name, types=(str, int))["a"] == 1
    assert registry.dict(name)["a"] == 1


def test_types_checked_by_proxy(registry: DistributedRegistry, name: str) -> None:
    d = registry.dict(name, types=(str, int), consistency="strong")
    with pytest.raises(TypeError, match=f"sky.dict '{name}'"):
        d["a"] = "one"
    assert len(d) == 0


# Racing threads and processes.


def test_threads_race_to_one_collection(
    registry: DistributedRegistry, name: str
) -> None:
    endpoints: list[Endpoint] = []
    start = threading.Barrier(8)

    def open_and_count() -> None:
        start.wait()
        counter = registry.counter(name, consistency="strong")
        counter.increment()
        endpoints.append(counter._actor)

    threads = [threading.Thread(target=open_and_count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(endpoints)) == 1
    assert registry.counter(name).value == 8


@ray.remote
def _open_and_increment(registry: DistributedRegistry, name: str) -> str:
    counter = registry.counter(name, consistency="strong")
    counter.increment()
    return repr(counter._actor)


def test_ray_tasks_race_to_one_host(fresh: DistributedRegistry) -> None:
    # No host of this scope exists yet: the tasks race to create it.
    refs = [_open_and_increment.remote(fresh, "race") for _ in range(4)]
    endpoints = ray.get(refs)
    assert len(set(endpoints)) == 1
    assert fresh.counter("race").value == 4
    assert fresh.actor_names() == [fresh.host_name(0)]


# Placement and cost.


def test_open_costs_one_call(registry: DistributedRegistry, name: str) -> None:
    registry.dict(name)
    before = call_count()
    registry.dict(name + "2")
    assert call_count() - before == 1


def test_hundred_opens_start_no_process(
    registry: DistributedRegistry, name: str
) -> None:
    for i in range(2):
        registry.counter(f"{name}-warm{i}")
    names_before = ray.util.list_named_actors(all_namespaces=True)
    pids_before = _host_pids(registry)
    for i in range(100):
        registry.dict(f"{name}-{i}")
    names_after = ray.util.list_named_actors(all_namespaces=True)
    assert len(names_after) == len(names_before)
    assert _host_pids(registry) == pids_before


def test_thousand_collections_fit(registry: DistributedRegistry, name: str) -> None:
    for i in range(1_000):
        registry.set(f"{name}-{i}")
    last = registry.set(f"{name}-999", consistency="strong")
    last.add(1)
    assert 1 in last
    assert len(registry.actor_names()) == 2


def test_hosts_spread_keys(registry: DistributedRegistry, name: str) -> None:
    indexes = {registry.host_index(f"dict:{name}-{i}") for i in range(20)}
    hosts = {registry.dict(f"{name}-{i}")._actor.actor._actor_id for i in range(20)}
    assert indexes == {0, 1}
    assert len(hosts) == 2


def test_host_index_is_stable() -> None:
    first = DistributedRegistry("stable", hosts=7)
    second = DistributedRegistry("stable", hosts=7)
    for key in ("dict:a", "counter:a", "queue:jobs"):
        assert first.host_index(key) == second.host_index(key)


def test_default_hosts_is_node_count() -> None:
    alive = [node for node in ray.nodes() if node["Alive"]]
    assert DistributedRegistry().host_count == len(alive)


# Isolated collections.


def test_isolated_collection(fresh: DistributedRegistry) -> None:
    shared = fresh.counter("shared")
    own = fresh.counter("solo", isolated=True, consistency="strong")
    own.increment(3)
    found = fresh.counter("solo")
    other = pickle.loads(pickle.dumps(DistributedRegistry(fresh.scope, hosts=1)))
    assert own._actor.actor._actor_id != shared._actor.actor._actor_id
    assert found._actor == own._actor
    assert other.counter("solo").value == 3
    assert fresh.actor_names() == [
        fresh.host_name(0),
        f"skyward:{fresh.scope}:own:counter:solo",
    ]
    fresh.cleanup()
    assert fresh.actor_names() == []


def test_isolated_after_shared_raises(registry: DistributedRegistry, name: str) -> None:
    shared = registry.list(name, consistency="strong")
    shared.append(1)
    with pytest.raises(RuntimeError, match="isolated=True"):
        registry.list(name, isolated=True)
    assert list(registry.list(name)) == [1]


# Scopes, pickling, cleanup.


def test_scopes_do_not_share(registry: DistributedRegistry, name: str) -> None:
    other = DistributedRegistry(hosts=1)
    try:
        registry.counter(name, consistency="strong").increment(4)
        assert other.counter(name).value == 0
    finally:
        other.cleanup()


def test_same_scope_shares(registry: DistributedRegistry, name: str) -> None:
    registry.counter(name, consistency="strong").increment(4)
    other = DistributedRegistry(registry.scope, hosts=2)
    assert other.counter(name).value == 4


def test_registry_pickles_by_scope(registry: DistributedRegistry) -> None:
    copy = pickle.loads(pickle.dumps(registry))
    assert copy.scope == registry.scope
    assert copy.host_count == registry.host_count


def test_cleanup_then_open_again(
    fresh: DistributedRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    d = fresh.dict("d", consistency="strong")
    d["k"] = 1
    with caplog.at_level("INFO", logger="skyward"):
        fresh.cleanup()
    assert fresh.actor_names() == []
    assert f"cleaned up scope {fresh.scope}" in caplog.text
    again = fresh.dict("d", consistency="strong")
    assert len(again) == 0
    again["k"] = 2
    assert again["k"] == 2


def test_repr_names_scope(registry: DistributedRegistry) -> None:
    assert registry.scope in repr(registry)


def test_pickle_fixes_host_count() -> None:
    alive = [node for node in ray.nodes() if node["Alive"]]
    copy = pickle.loads(pickle.dumps(DistributedRegistry()))
    assert copy._host_count == len(alive)
