"""Proxy of a distributed queue."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
from collections.abc import Iterable
from typing import Any, Generic, Literal, cast, overload

import ray

from ..endpoint import unpack
from ..state.queue import Batch, QueueStats
from ..types import T
from .base import CollectionProxy

logger = logging.getLogger("skyward")


class QueueProxy(CollectionProxy, Generic[T]):  # noqa: UP046  # T has a default
    """A FIFO queue shared by every process of a pool, like ``queue.Queue``.

    Blocking calls wait on the host: a getter is woken by the put that
    feeds it, one round trip later, and nothing polls. Every call waits for
    its reply, whatever the consistency given to the constructor.

    Timeouts and ``None``: ``get`` returns ``default`` (``None`` unless
    given) when no item arrives in time, while ``get_nowait`` raises
    ``queue.Empty``. Since ``None`` is a valid item, a queue that may carry
    ``None`` should pass a sentinel, ``q.get(timeout=1, default=MISSING)``,
    or use ``get_nowait``. ``put_nowait`` and a ``put`` that times out raise
    ``queue.Full``. The exception classes are the stdlib's.

    Delivery: each item reaches exactly one getter, with one exception. An
    item handed to a getter that was waiting is acknowledged by the proxy
    with a second, unwaited call right after the reply arrives. If no
    acknowledgement reaches the host within ``ack_timeout`` seconds (an open
    option, 30 s by default), the item goes back to the head of the queue,
    so a getter that died while waiting loses nothing. A getter that is alive
    but whose acknowledgement arrives later than that (a process stalled for
    longer than ``ack_timeout`` right after the reply) gets the item and so
    does the next getter: the item is delivered twice. A put that waits for
    room still puts its item if its process dies meanwhile.

    Unlike ``queue.Queue`` there is no ``task_done``/``join``.
    """

    KIND = "queue"
    ALWAYS_WAITS = True

    # Putting.

    def put(self, item: T, block: bool = True, timeout: float | None = None) -> None:
        """Put ``item`` at the tail, waiting while the queue is full.

        Cost: one call.

        Raises:
            queue.Full: the queue is full and ``block`` is False, or it stayed
                full for ``timeout`` seconds.
            ValueError: ``timeout`` is negative and ``block`` is True.
            TypeError: ``item`` does not match the queue's item type, or
                ``timeout`` is not a number.
        """
        self._check_type(item, 0, "item")
        self._call("put", item, block, timeout)

    def put_nowait(self, item: T) -> None:
        """Put ``item`` or raise ``queue.Full`` at once. Cost: one call."""
        self.put(item, block=False)

    def put_many(
        self, items: Iterable[T], block: bool = True, timeout: float | None = None
    ) -> None:
        """Put ``items`` at the tail together, in order, with no put between.

        Waits until there is room for all of them; nothing is put when it
        raises. Cost: one call.

        Raises:
            queue.Full: as for ``put``.
            ValueError: there are more items than ``maxsize``, or
                ``timeout`` is negative.
            TypeError: an item does not match the queue's item type, or
                ``timeout`` is not a number.
        """
        batch = self._checked_items(items)
        self._call("put_many", batch, block, timeout)

    # Getting.

    @overload
    def get(self, block: Literal[True] = True, timeout: None = None) -> T: ...
    @overload
    def get(self, block: bool = True, timeout: float | None = None) -> T | None: ...
    @overload
    def get[D](
        self, block: bool = True, timeout: float | None = None, *, default: D
    ) -> T | D: ...
    def get(
        self, block: bool = True, timeout: float | None = None, *, default: Any = None
    ) -> Any:
        """Remove and return the head item, waiting for one if needed.

        Returns ``default`` when no item arrived within ``timeout`` seconds,
        or at once when ``block`` is False and the queue is empty. Unlike
        ``queue.Queue.get`` it does not raise ``queue.Empty``; ``get_nowait``
        does. Cost: one call, plus one unwaited acknowledgement when the
        call had to wait for the item.

        Raises:
            ValueError: ``timeout`` is negative and ``block`` is True.
            TypeError: ``timeout`` is not a number.
        """
        items = self._received(self._get("get", block, timeout))
        return items[0] if items else default

    def get_nowait(self) -> T:
        """Remove and return the head item, or raise ``queue.Empty``.

        Cost: one call.
        """
        return self._head_or_empty(self._get("get", False, None))

    def get_many(
        self, n: int, block: bool = True, timeout: float | None = None
    ) -> list[T]:
        """Remove and return up to ``n`` items from the head, oldest first.

        Takes the items queued now, at most ``n``. When the queue is empty
        and ``block`` is True, waits until at least one item arrives or
        ``timeout`` passes. Returns ``[]`` when none arrived, and never
        raises ``queue.Empty``. Cost: one call, plus one unwaited acknowledgement
        when it had to wait.

        Raises:
            ValueError: ``n`` < 1 or ``timeout`` is negative.
            TypeError: ``n`` is not an int, or ``timeout`` is not a number.
        """
        return self._received(self._get("get_many", n, block, timeout))

    # Inspection. Each result is a snapshot, stale as soon as it returns.

    def qsize(self) -> int:
        """Return the number of items queued now. Cost: one call."""
        return cast(int, self._call("qsize"))

    def __len__(self) -> int:
        """Return ``qsize()``. Cost: one call."""
        return self.qsize()

    def empty(self) -> bool:
        """Return True if no item is queued now. Cost: one call."""
        return cast(bool, self._call("empty"))

    def full(self) -> bool:
        """Return True if the queue contains ``maxsize`` items now. Cost: one call."""
        return cast(bool, self._call("full"))

    @property
    def maxsize(self) -> int:
        """The bound on queued items, 0 for unbounded. Cost: one call."""
        return cast(int, self._call("get_maxsize"))

    def stats(self) -> QueueStats:
        """Return counts of queued items, waiting getters and putters, and items
        handed to getters but not yet acknowledged. Cost: one call.
        """
        return cast(QueueStats, self._call("stats"))

    # Async forms: the same calls, awaited without blocking the event loop.

    async def put_async(
        self, item: T, block: bool = True, timeout: float | None = None
    ) -> None:
        """Await ``put``. Cost: one call."""
        self._check_type(item, 0, "item")
        await self._call_async("put", item, block, timeout)

    async def put_nowait_async(self, item: T) -> None:
        """Await ``put_nowait``. Cost: one call."""
        await self.put_async(item, block=False)

    async def put_many_async(
        self, items: Iterable[T], block: bool = True, timeout: float | None = None
    ) -> None:
        """Await ``put_many``. Cost: one call."""
        batch = self._checked_items(items)
        await self._call_async("put_many", batch, block, timeout)

    @overload
    async def get_async(
        self, block: Literal[True] = True, timeout: None = None
    ) -> T: ...
    @overload
    async def get_async(
        self, block: bool = True, timeout: float | None = None
    ) -> T | None: ...
    @overload
    async def get_async[D](
        self, block: bool = True, timeout: float | None = None, *, default: D
    ) -> T | D: ...
    async def get_async(
        self, block: bool = True, timeout: float | None = None, *, default: Any = None
    ) -> Any:
        """Await ``get``. Cost: one call, plus an unwaited acknowledgement.

        When the awaiting task is cancelled (``asyncio.wait_for``, a task
        group), the call still waits on the host. The item it then receives
        goes back to the head of the queue with one more unwaited call.
        """
        items = self._received(await self._get_async("get", block, timeout))
        return items[0] if items else default

    async def get_nowait_async(self) -> T:
        """Await ``get_nowait``. Cost: one call."""
        return self._head_or_empty(await self._get_async("get", False, None))

    async def get_many_async(
        self, n: int, block: bool = True, timeout: float | None = None
    ) -> list[T]:
        """Await ``get_many``. Cost: one call, plus an unwaited acknowledgement."""
        return self._received(await self._get_async("get_many", n, block, timeout))

    async def qsize_async(self) -> int:
        """Await ``qsize``. Cost: one call."""
        return cast(int, await self._call_async("qsize"))

    async def empty_async(self) -> bool:
        """Await ``empty``. Cost: one call."""
        return cast(bool, await self._call_async("empty"))

    async def full_async(self) -> bool:
        """Await ``full``. Cost: one call."""
        return cast(bool, await self._call_async("full"))

    # Helpers.

    def _checked_items(self, items: Iterable[T]) -> list[T]:
        batch = list(items)
        for item in batch:
            self._check_type(item, 0, "item")
        return batch

    def _get(self, op: str, *args: Any) -> Batch:
        ref = self._actor.submit(op, args, {}, blind=False)
        assert ref is not None
        try:
            return cast(Batch, unpack(ray.get(ref)))
        except KeyboardInterrupt:
            # The caller stopped waiting, so the items this call still
            # receives go back to the head of the queue.
            ref.future().add_done_callback(self._give_back)
            raise

    async def _get_async(self, op: str, *args: Any) -> Batch:
        ref = self._actor.submit(op, args, {}, blind=False)
        assert ref is not None
        try:
            return cast(Batch, unpack(await ref))
        except asyncio.CancelledError:
            # The task was cancelled, so the items this call still receives
            # go back to the head of the queue.
            ref.future().add_done_callback(self._give_back)
            raise

    def _give_back(self, future: concurrent.futures.Future[Any]) -> None:
        try:
            items, delivery = cast(Batch, unpack(future.result()))
        except Exception as exc:  # noqa: BLE001  # the call failed: nothing was taken
            logger.debug("%s: an abandoned get failed: %r", self.label, exc)
            return
        if items:
            self._actor.send("unget", items, delivery)

    def _received(self, reply: Batch) -> list[T]:
        items, delivery = reply
        if delivery is not None:
            self._actor.send("ack", delivery)
        return items

    def _head_or_empty(self, reply: Batch) -> T:
        items = self._received(reply)
        if not items:
            raise queue.Empty(f"{self.label} is empty")
        return items[0]


__all__ = ["QueueProxy"]
