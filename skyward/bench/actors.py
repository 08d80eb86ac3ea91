"""Hand-written Ray actors: what a user writes instead of using skyward.

They do the least that each operation needs, so they show the cost of a Ray
actor call itself. None of them orders or batches calls, checks types or
pages results.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import ray


@ray.remote(num_cpus=0)
class PlainStore:
    """A plain (synchronous) actor keeping named dicts, lists and counters.

    Each method takes the name of the structure (``space``) first, so that
    one actor serves every row of a run.
    """

    def __init__(self) -> None:
        self.dicts: defaultdict[str, dict[Any, Any]] = defaultdict(dict)
        self.lists: defaultdict[str, list[Any]] = defaultdict(list)
        self.counters: defaultdict[str, int] = defaultdict(int)

    def ping(self) -> None:
        """Do nothing: one call costs only Ray's round trip."""

    def pid(self) -> int:
        """Return the actor's process id."""
        return os.getpid()

    def get(self, space: str, key: Any) -> Any:
        """Return the value of ``key``, or None."""
        return self.dicts[space].get(key)

    def set(self, space: str, key: Any, value: Any) -> None:
        """Set ``key`` to ``value``."""
        self.dicts[space][key] = value

    def update(self, space: str, items: Mapping[Any, Any]) -> None:
        """Set every key of ``items``."""
        self.dicts[space].update(items)

    def items(self, space: str) -> list[tuple[Any, Any]]:
        """Return every item, in one reply."""
        return list(self.dicts[space].items())

    def length(self, space: str) -> int:
        """Return the number of keys."""
        return len(self.dicts[space])

    def extend(self, space: str, values: list[Any]) -> None:
        """Append ``values`` to the list."""
        self.lists[space].extend(values)

    def increment(self, space: str, n: int) -> int:
        """Add ``n`` to the counter and return the new value."""
        self.counters[space] += n
        return self.counters[space]

    def value(self, space: str) -> int:
        """Return the counter."""
        return self.counters[space]

    def merge(self, space: str, counts: Mapping[Any, int]) -> None:
        """Add each count of ``counts`` to the dict's count of that key."""
        data = self.dicts[space]
        for key, count in counts.items():
            data[key] = data.get(key, 0) + count

    def drop(self, space: str) -> None:
        """Forget the dict, list and counter named ``space``."""
        self.dicts.pop(space, None)
        self.lists.pop(space, None)
        self.counters.pop(space, None)


@ray.remote(num_cpus=0)
class AsyncStore:
    """An asyncio actor, the kind a user needs for blocking operations."""

    async def ping(self) -> None:
        """Do nothing: one call costs only Ray's round trip."""


@ray.remote(num_cpus=0)
class HandLock:
    """A lock: ``acquire`` waits on an ``asyncio.Lock`` inside the actor."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until the lock is free and take it."""
        await self._lock.acquire()

    async def release(self) -> None:
        """Release the lock; unlike skyward's lock, any caller may release it."""
        self._lock.release()


@ray.remote(num_cpus=0)
class HandQueue:
    """An unbounded FIFO queue on an ``asyncio.Queue``."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()

    async def put(self, item: Any) -> None:
        """Append ``item``."""
        self._queue.put_nowait(item)

    async def get(self) -> Any:
        """Wait for an item and remove it."""
        return await self._queue.get()


@ray.remote(num_cpus=0)
class HandBarrier:
    """A cyclic barrier: ``wait`` returns once ``parties`` calls arrived."""

    def __init__(self, parties: int) -> None:
        self._parties = parties
        self._arrived = 0
        self._released = asyncio.Event()

    async def wait(self) -> None:
        """Arrive and wait until the last party of this round arrives."""
        released = self._released
        self._arrived += 1
        if self._arrived == self._parties:
            self._arrived = 0
            self._released = asyncio.Event()
            released.set()
            return
        await released.wait()


__all__ = ["AsyncStore", "HandBarrier", "HandLock", "HandQueue", "PlainStore"]
