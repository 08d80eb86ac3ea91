"""The compute pool on the session's Ray: running calls, collections, errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import ray

import skyward as sky
from skyward.distributed import _get_active_registry
from skyward.facade import SyncComputePool


class TaskFailed(Exception):
    """An exception type the workers raise, defined outside the builtins."""


@sky.compute
def double(x: int) -> int:
    return 2 * x


@sky.compute
def where() -> sky.InstanceInfo:
    return sky.instance_info()


@sky.compute
def record(name: str) -> int:
    info = sky.instance_info()
    sky.set(name).add(info.index)
    sky.counter(name).increment()
    return info.index


@sky.compute
def fail(message: str) -> None:
    raise TaskFailed(message)


@pytest.fixture(scope="module")
def pool() -> Iterator[SyncComputePool]:
    with sky.pool(nodes=2) as opened:
        yield opened


@pytest.fixture
def name() -> str:
    return f"c-{uuid.uuid4().hex[:8]}"


# Running calls.


def test_rshift_runs_on_one_worker(pool: SyncComputePool) -> None:
    assert double(21) >> pool == 42


def test_rshift_round_robin(pool: SyncComputePool) -> None:
    first = where() >> pool
    second = where() >> pool
    assert {first.index, second.index} == {0, 1}


def test_matmul_runs_on_every_worker(pool: SyncComputePool) -> None:
    infos = where() @ pool
    assert [info.index for info in infos] == [0, 1]
    assert [info.count for info in infos] == [2, 2]


def test_group_returns_tuple(pool: SyncComputePool) -> None:
    assert (double(1) & double(2) & double(3)) >> pool == (2, 4, 6)


def test_gather_returns_tuple(pool: SyncComputePool) -> None:
    assert sky.gather(double(1), double(5)) >> pool == (2, 10)


def test_gather_rejects_plain_value() -> None:
    with pytest.raises(TypeError, match="@sky.compute"):
        sky.gather(double(1), 3)  # type: ignore[call-overload]


def test_compute_call_is_lazy() -> None:
    pending = double(4)
    assert isinstance(pending, sky.PendingCall)
    assert pending.args == (4,)


def test_compute_keeps_function_name() -> None:
    assert double.__name__ == "double"


# Errors.


def test_error_keeps_type(pool: SyncComputePool) -> None:
    with pytest.raises(TaskFailed, match="disk full"):
        fail("disk full") >> pool


def test_error_chains_remote_traceback(pool: SyncComputePool) -> None:
    with pytest.raises(TaskFailed) as caught:
        fail("disk full") >> pool
    assert type(caught.value) is TaskFailed
    assert isinstance(caught.value.__cause__, ray.exceptions.RayTaskError)
    assert "in fail" in str(caught.value.__cause__)


def test_error_in_broadcast(pool: SyncComputePool) -> None:
    with pytest.raises(TaskFailed):
        fail("everywhere") @ pool


def test_builtin_error_type(pool: SyncComputePool) -> None:
    with pytest.raises(TypeError):
        double("x", "y") >> pool  # type: ignore[arg-type, call-arg]


def test_instance_info_outside_task() -> None:
    with pytest.raises(RuntimeError, match="pool worker"):
        sky.instance_info()


# Collections shared by the driver and the workers.


def test_tasks_share_collections(pool: SyncComputePool, name: str) -> None:
    indexes = record(name) @ pool
    assert sorted(indexes) == [0, 1]
    assert sorted(sky.set(name)) == [0, 1]
    assert sky.counter(name).value == 2


def test_driver_writes_reach_tasks(pool: SyncComputePool, name: str) -> None:
    @sky.compute
    def read(key: str) -> object:
        return sky.dict(name)[key]

    sky.dict(name, consistency="strong")["k"] = "v"
    assert read("k") >> pool == "v"


def test_pool_methods_open_same_collection(pool: SyncComputePool, name: str) -> None:
    pool.counter(name, consistency="strong").increment(3)
    assert sky.counter(name).value == 3
    assert pool.dict(name)._actor == sky.dict(name)._actor


def test_pool_sets_active_registry(pool: SyncComputePool) -> None:
    assert _get_active_registry() is pool.registry


# Opening and closing.


def test_decorated_function_runs_in_pool(caplog: pytest.LogCaptureFixture) -> None:
    opened: list[SyncComputePool] = []
    decorated_pool = sky.pool(nodes=1)

    @decorated_pool
    def main() -> tuple[int, str]:
        counter = sky.counter("hits", consistency="strong")
        counter.increment()
        opened.append(decorated_pool)
        return counter.value, decorated_pool.registry.scope

    with caplog.at_level("INFO", logger="skyward"):
        value, scope = main()
    assert value == 1
    assert "pool started: 1 workers" in caplog.text
    assert f"pool stopped: scope {scope}" in caplog.text
    assert ray.is_initialized()


def test_close_drops_collections() -> None:
    with sky.pool(nodes=1) as small:
        sky.counter("c").increment()
        registry = small.registry
        assert registry.actor_names() != []
    assert registry.actor_names() == []
    with pytest.raises(RuntimeError, match="not open"):
        double(1) >> small


def test_closed_pool_restores_registry(pool: SyncComputePool) -> None:
    with sky.pool(nodes=1) as inner:
        assert _get_active_registry() is inner.registry
    assert _get_active_registry() is pool.registry


def test_pool_rejects_zero_nodes() -> None:
    with pytest.raises(ValueError, match="0"):
        sky.pool(nodes=0)


def test_pool_decorator_needs_parentheses() -> None:
    def main() -> None:
        pass

    with pytest.raises(TypeError, match="parentheses"):
        sky.pool(main)  # type: ignore[arg-type]


def test_unopened_pool_has_no_registry() -> None:
    pool = SyncComputePool.__new__(SyncComputePool)
    pool._registry = None
    with pytest.raises(RuntimeError, match="not open"):
        pool.dict("x")


def test_pool_has_collection_methods() -> None:
    for method in ("dict", "list", "set", "counter", "queue", "barrier", "lock"):
        assert callable(getattr(SyncComputePool, method))
