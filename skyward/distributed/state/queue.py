"""State of a distributed queue."""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import math
import queue
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypedDict, override

from .base import CollectionState, register

logger = logging.getLogger("skyward")

DEFAULT_ACK_TIMEOUT: Final = 30.0
"""Seconds an item handed to a waiting getter stays unacknowledged at most."""

type Batch = tuple[list[Any], int | None]
"""The result of a get: the items removed and the delivery id to acknowledge.

The id is None when the getter removed the items at once, without waiting.
The list is empty when nothing arrived.
"""


def check_timeout(label: str, timeout: float | None) -> None:
    """Raise TypeError or ValueError unless ``timeout`` is None or a number >= 0."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(
            f"{label}: timeout must be a number of seconds or None, "
            f"not {type(timeout).__name__} {timeout!r}"
        )
    if timeout < 0 or math.isnan(timeout):
        raise ValueError(
            f"{label}: timeout must be a non-negative number of seconds, "
            f"not {timeout!r}"
        )


def check_positive_seconds(label: str, option: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite number of seconds > 0.

    Raises TypeError for a non-number and ValueError otherwise; both name
    ``label`` and the option.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{label}: {option} must be a number of seconds, "
            f"not {type(value).__name__} {value!r}"
        )
    if not value > 0 or math.isinf(value):
        raise ValueError(
            f"{label}: {option} must be a finite number of seconds > 0, not {value!r}"
        )
    return float(value)


class QueueStats(TypedDict):
    """Counts that ``stats`` returns, each a snapshot."""

    items: int
    """Items queued, not counting those in delivery."""
    getters: int
    """Get calls waiting for an item."""
    putters: int
    """Put calls waiting for room."""
    in_delivery: int
    """Items handed to waiting getters and not acknowledged yet."""


class _Getter:
    __slots__ = ("future", "n", "timer")

    def __init__(self, future: asyncio.Future[Batch], n: int) -> None:
        self.future = future
        self.n = n
        self.timer: asyncio.TimerHandle | None = None


class _Putter:
    __slots__ = ("future", "items", "timer")

    def __init__(self, future: asyncio.Future[None], items: list[Any]) -> None:
        self.future = future
        self.items = items
        self.timer: asyncio.TimerHandle | None = None


class _Delivery:
    __slots__ = ("items", "timer")

    def __init__(self, items: list[Any], timer: asyncio.TimerHandle) -> None:
        self.items = items
        self.timer = timer


@register
class QueueState(CollectionState):
    """A FIFO queue whose blocking calls wait on the host, not by polling.

    Options: ``maxsize`` (int >= 0, 0 means unbounded) and ``ack_timeout``
    (seconds, default ``DEFAULT_ACK_TIMEOUT``).

    Getters and putters that wait are served in arrival order. An item
    handed to a waiting getter stays *in delivery* until the getter's proxy
    calls ``ack`` with the delivery id. A delivery not acknowledged within
    ``ack_timeout`` goes back to the head of the queue, so a getter whose
    process died while it waited does not swallow the item. Items taken at
    once (without waiting) are not tracked: the caller was alive a round trip
    earlier.

    Items in delivery do not count towards ``qsize`` or ``maxsize``. Items
    that return from an expired delivery are put back even if the queue then
    contains more than ``maxsize`` items.
    """

    KIND = "queue"
    OPERATIONS = frozenset(
        {
            "put",
            "put_many",
            "get",
            "get_many",
            "ack",
            "unget",
            "qsize",
            "empty",
            "full",
            "get_maxsize",
            "stats",
        }
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.maxsize = self._check_maxsize(options.get("maxsize", 0))
        self.ack_timeout = check_positive_seconds(
            self.label, "ack_timeout", options.get("ack_timeout", DEFAULT_ACK_TIMEOUT)
        )
        self._items: collections.deque[Any] = collections.deque()
        self._getters: collections.deque[_Getter] = collections.deque()
        self._putters: collections.deque[_Putter] = collections.deque()
        self._deliveries: dict[int, _Delivery] = {}
        self._delivery_ids = itertools.count(1)

    def _check_maxsize(self, maxsize: Any) -> int:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int):
            raise TypeError(
                f"{self.label}: maxsize must be an int, "
                f"not {type(maxsize).__name__} {maxsize!r}"
            )
        if maxsize < 0:
            raise ValueError(
                f"{self.label}: maxsize must be >= 0 (0 means unbounded), "
                f"not {maxsize!r}"
            )
        return maxsize

    @override
    def check_options(self, options: Mapping[str, Any]) -> None:
        """Raise ValueError when ``maxsize`` or ``ack_timeout`` differ."""
        for option, current in (
            ("maxsize", self.maxsize),
            ("ack_timeout", self.ack_timeout),
        ):
            if option in options and options[option] != current:
                raise ValueError(
                    f"{self.label} exists with {option}={current!r}, not "
                    f"{options[option]!r}; open it without {option} or with "
                    "the same value"
                )

    # Putting.

    def put(
        self, item: Any, block: bool = True, timeout: float | None = None
    ) -> asyncio.Future[None] | None:
        """Append ``item``; when the queue is full, wait or raise queue.Full."""
        return self._put([item], block, timeout)

    def put_many(
        self, items: Iterable[Any], block: bool = True, timeout: float | None = None
    ) -> asyncio.Future[None] | None:
        """Append ``items`` together, with no other put between them.

        Waits until all of them fit; raises ValueError when there are more
        items than ``maxsize``, since they could never fit.
        """
        items = list(items)
        if self.maxsize and len(items) > self.maxsize:
            raise ValueError(
                f"{self.label}: cannot put {len(items)} items at once into a "
                f"queue with maxsize {self.maxsize}; put them in smaller batches"
            )
        return self._put(items, block, timeout)

    def _put(
        self, items: list[Any], block: bool, timeout: float | None
    ) -> asyncio.Future[None] | None:
        if block:
            # queue.Queue ignores the timeout of a call that does not block.
            check_timeout(self.label, timeout)
        while self._putters and self._putters[0].future.done():
            self._putters.popleft()
        if not self._putters and self._has_room(len(items)):
            self._items.extend(items)
            self._settle()
            return None
        if not block or timeout == 0:
            raise queue.Full(self._full_message())
        putter = _Putter(self.new_future(), items)
        if timeout is not None:
            loop = asyncio.get_running_loop()
            putter.timer = loop.call_later(timeout, self._put_timed_out, putter)
        self._putters.append(putter)
        return putter.future

    def _put_timed_out(self, putter: _Putter) -> None:
        _discard(self._putters, putter)
        if not putter.future.done():
            putter.future.set_exception(queue.Full(self._full_message()))
        # A smaller put behind this one may fit now.
        self._settle()

    def _has_room(self, n: int) -> bool:
        return self.maxsize == 0 or len(self._items) + n <= self.maxsize

    def _full_message(self) -> str:
        return f"{self.label} is full ({self.maxsize} items)"

    # Getting.

    def get(
        self, block: bool = True, timeout: float | None = None
    ) -> Batch | asyncio.Future[Batch]:
        """Take the head item, wait for one, or return ``([], None)``."""
        return self._get(1, block, timeout)

    def get_many(
        self, n: int, block: bool = True, timeout: float | None = None
    ) -> Batch | asyncio.Future[Batch]:
        """Take up to ``n`` items; when blocking, wait for at least one."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(
                f"{self.label}: n must be an int, not {type(n).__name__} {n!r}"
            )
        if n < 1:
            raise ValueError(f"{self.label}: n must be >= 1, not {n!r}")
        return self._get(n, block, timeout)

    def _get(
        self, n: int, block: bool, timeout: float | None
    ) -> Batch | asyncio.Future[Batch]:
        if block:
            # queue.Queue ignores the timeout of a call that does not block.
            check_timeout(self.label, timeout)
        if self._items:
            items = self._take(n)
            self._settle()
            return items, None
        if not block or timeout == 0:
            return [], None
        getter = _Getter(self.new_future(), n)
        if timeout is not None:
            loop = asyncio.get_running_loop()
            getter.timer = loop.call_later(timeout, self._get_timed_out, getter)
        self._getters.append(getter)
        return getter.future

    def _get_timed_out(self, getter: _Getter) -> None:
        _discard(self._getters, getter)
        if not getter.future.done():
            getter.future.set_result(([], None))

    def _take(self, n: int) -> list[Any]:
        return [self._items.popleft() for _ in range(min(n, len(self._items)))]

    # Delivery to waiting getters.

    def ack(self, delivery: int) -> bool:
        """Confirm that a waiting getter received delivery ``delivery``.

        Returns False when the delivery is unknown: it was acknowledged
        already, or it expired and its items went back to the queue.
        """
        entry = self._deliveries.pop(delivery, None)
        if entry is None:
            logger.debug(
                "%s: late or repeated ack of delivery %d", self.label, delivery
            )
            return False
        entry.timer.cancel()
        return True

    def unget(self, items: list[Any], delivery: int | None) -> None:
        """Put back at the head the items of a get whose caller was cancelled.

        ``delivery`` is the id the get returned, None for items taken at
        once. An expired delivery is ignored: its items are back already.
        """
        if delivery is not None:
            entry = self._deliveries.pop(delivery, None)
            if entry is None:
                return
            entry.timer.cancel()
            items = entry.items
        self._items.extendleft(reversed(items))
        self._settle()

    def _deliver(self, getter: _Getter) -> None:
        items = self._take(getter.n)
        delivery = next(self._delivery_ids)
        timer = asyncio.get_running_loop().call_later(
            self.ack_timeout, self._delivery_expired, delivery
        )
        self._deliveries[delivery] = _Delivery(items, timer)
        if getter.timer is not None:
            getter.timer.cancel()
        getter.future.set_result((items, delivery))

    def _delivery_expired(self, delivery: int) -> None:
        entry = self._deliveries.pop(delivery, None)
        if entry is None:
            return
        logger.info(
            "%s: %d item(s) were not acknowledged within %s s and went back to "
            "the head of the queue",
            self.label,
            len(entry.items),
            self.ack_timeout,
        )
        self._items.extendleft(reversed(entry.items))
        self._settle()

    def _settle(self) -> None:
        """Serve waiting getters and putters until neither can proceed."""
        progress = True
        while progress:
            progress = False
            while self._items and self._getters:
                getter = self._getters.popleft()
                if not getter.future.done():
                    self._deliver(getter)
                    progress = True
            while self._putters:
                putter = self._putters[0]
                if putter.future.done():
                    self._putters.popleft()
                    continue
                if not self._has_room(len(putter.items)):
                    break
                self._putters.popleft()
                if putter.timer is not None:
                    putter.timer.cancel()
                self._items.extend(putter.items)
                putter.future.set_result(None)
                progress = True

    # Inspection.

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items

    def full(self) -> bool:
        return self.maxsize > 0 and len(self._items) >= self.maxsize

    def get_maxsize(self) -> int:
        return self.maxsize

    def stats(self) -> QueueStats:
        """Return counts of items, waiting getters and putters, and deliveries."""
        return {
            "items": len(self._items),
            "getters": sum(not g.future.done() for g in self._getters),
            "putters": sum(not p.future.done() for p in self._putters),
            "in_delivery": sum(len(d.items) for d in self._deliveries.values()),
        }

    @override
    def close(self) -> None:
        """Fail waiting calls and cancel timers; the queue was dropped."""
        error = RuntimeError(f"{self.label} was dropped while this call waited")
        waiters: list[_Getter | _Putter] = [*self._getters, *self._putters]
        for waiter in waiters:
            if waiter.timer is not None:
                waiter.timer.cancel()
            if not waiter.future.done():
                waiter.future.set_exception(error)
        for entry in self._deliveries.values():
            entry.timer.cancel()
        self._getters.clear()
        self._putters.clear()
        self._deliveries.clear()


def _discard[W](waiters: collections.deque[W], waiter: W) -> None:
    try:
        waiters.remove(waiter)
    except ValueError:
        pass


__all__ = [
    "DEFAULT_ACK_TIMEOUT",
    "Batch",
    "QueueState",
    "QueueStats",
    "check_positive_seconds",
    "check_timeout",
]
