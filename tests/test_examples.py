"""The example scripts, run against the session's Ray instance."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

_EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"examples.{name}", _EXAMPLES / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    # Left out of sys.modules on purpose: Ray's cloudpickle then sends the
    # example's functions by value, as it does for a script run directly.
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shared_cache() -> ModuleType:
    return _load("shared_cache")


def test_count_primes_small_limits(shared_cache: ModuleType) -> None:
    counts = [shared_cache.count_primes(limit) for limit in (0, 2, 3, 10, 100)]
    assert counts == [0, 0, 1, 4, 25]


def test_shared_cache_results(shared_cache: ModuleType) -> None:
    results, computed = shared_cache.main(limits=12, overlap=6)
    assert sorted(results) == [10_000 * (i + 1) for i in range(12)]
    assert results[10_000] == 1229
    assert results[120_000] == shared_cache.count_primes(120_000)
    assert 12 <= computed <= 12 + 6


def test_epoch_barrier_means_agree() -> None:
    means, steps_done = _load("epoch_barrier").main(epochs=3, steps=4)
    assert steps_done == 2 * 3 * 4
    assert len(means) == 2
    assert means[0] == means[1]
    assert means[0][0] == pytest.approx((1.0 + 2.0) * 0.9**4 / 2)


def test_work_queue_runs_every_job() -> None:
    squares = _load("work_queue").main(jobs=30)
    assert sorted(squares) == [job * job for job in range(30)]
