"""The example scripts, run on one pool on the session's Ray instance."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import skyward as sky

_EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"examples.{name}", _EXAMPLES / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    # Left out of sys.modules on purpose, so Ray's cloudpickle sends the
    # example's functions by value, as it does for a script run directly.
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pool() -> Iterator[sky.SyncComputePool]:
    # One pool for every example, because starting workers is most of the cost.
    # The examples use distinct collection names, so they do not interfere.
    with sky.pool(nodes=2) as shared:
        yield shared


@pytest.fixture(scope="module")
def shared_cache() -> ModuleType:
    return _load("shared_cache")


def test_count_primes_small_limits(shared_cache: ModuleType) -> None:
    counts = [shared_cache.count_primes(limit) for limit in (0, 2, 3, 10, 100)]
    assert counts == [0, 0, 1, 4, 25]


def test_shared_cache_results(
    shared_cache: ModuleType, pool: sky.SyncComputePool
) -> None:
    results, computed = shared_cache.run(pool, limits=12, overlap=6)
    assert sorted(results) == [10_000 * (i + 1) for i in range(12)]
    assert results[10_000] == 1229
    assert results[120_000] == shared_cache.count_primes(120_000)
    assert 12 <= computed <= 12 + 6


def test_epoch_barrier_means_agree(pool: sky.SyncComputePool) -> None:
    means, steps_done = _load("epoch_barrier").run(pool, epochs=3, steps=4)
    assert steps_done == 2 * 3 * 4
    assert len(means) == 2
    assert means[0] == means[1]
    assert means[0][0] == pytest.approx((1.0 + 2.0) * 0.9**4 / 2)


def test_work_queue_runs_every_job(pool: sky.SyncComputePool) -> None:
    squares = _load("work_queue").run(pool, jobs=30)
    assert sorted(squares) == [job * job for job in range(30)]
