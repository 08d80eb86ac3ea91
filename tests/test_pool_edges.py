"""Pool edge cases found by trying to break it."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

import skyward as sky
from skyward import SyncComputePool


@sky.compute
def leave(code: int) -> None:
    sys.exit(code)


@sky.compute
def interrupt() -> None:
    raise KeyboardInterrupt


@sky.compute
def index() -> int:
    return sky.instance_info().index


@pytest.fixture(scope="module")
def pool() -> Iterator[SyncComputePool]:
    with sky.pool(nodes=1) as opened:
        yield opened


def test_sys_exit_reaches_caller(pool: SyncComputePool) -> None:
    with pytest.raises(SystemExit) as caught:
        leave(3) >> pool
    assert caught.value.code == 3


def test_sys_exit_keeps_worker(pool: SyncComputePool) -> None:
    with pytest.raises(SystemExit):
        leave(3) >> pool
    assert index() >> pool == 0


def test_keyboard_interrupt_keeps_worker(pool: SyncComputePool) -> None:
    with pytest.raises(KeyboardInterrupt):
        interrupt() >> pool
    assert index() >> pool == 0


@sky.compute
async def halve(x: int) -> float:
    return x / 2


def test_async_function_result(pool: SyncComputePool) -> None:
    assert halve(3) >> pool == 1.5
