"""Proxy of a distributed barrier."""

from __future__ import annotations

import asyncio
import uuid
from typing import cast

import ray

from ..endpoint import unpack
from ..state.barrier import BarrierStats
from .base import CollectionProxy


class BarrierProxy(CollectionProxy):
    """A cyclic barrier across processes, like ``threading.Barrier``.

    ``wait`` blocks until ``parties`` calls have arrived, then all of them
    return together, each with its arrival index (0 to ``parties - 1``).
    The barrier then serves the next round without a reset. Parties are
    counted per ``wait`` call: two threads of one process are two parties.

    A wait that times out breaks the barrier, and so does ``abort()``:
    every waiting and later ``wait`` raises ``threading.BrokenBarrierError``
    until ``reset()``. Unlike ``threading.Barrier`` there is no ``action``
    and no default timeout. A party whose process dies after arriving still
    counts as arrived.

    The release costs one message from the host to each waiter once the last
    party's call reaches the host; nothing polls. Every call waits for its
    reply, whatever the consistency given to the constructor.
    """

    KIND = "barrier"
    ALWAYS_WAITS = True

    def wait(self, timeout: float | None = None) -> int:
        """Arrive and block until every party has; return the arrival index.

        Cost: one call.

        Raises:
            threading.BrokenBarrierError: the barrier is broken, or breaks
                (a timeout, ``abort()`` or ``reset()``) while this call waits.
            ValueError: ``timeout`` is negative.
            TypeError: ``timeout`` is not a number.

        A wait stopped by KeyboardInterrupt no longer counts as arrived, as
        with ``threading.Barrier``; that costs one more unwaited call.
        """
        ticket = uuid.uuid4().hex
        ref = self._actor.submit("wait", (timeout, ticket), {}, blind=False)
        assert ref is not None
        try:
            return cast(int, unpack(ray.get(ref)))
        except KeyboardInterrupt:
            self._actor.send("leave", ticket)
            raise

    def reset(self) -> None:
        """Return the barrier to its empty, unbroken state.

        Calls waiting now raise ``threading.BrokenBarrierError``. Cost: one
        call.
        """
        self._call("reset")

    def abort(self) -> None:
        """Break the barrier for current and later waits. Cost: one call."""
        self._call("abort")

    @property
    def parties(self) -> int:
        """The number of calls that release the barrier. Cost: one call."""
        return cast(int, self._call("parties"))

    @property
    def n_waiting(self) -> int:
        """The number of calls waiting now (a snapshot). Cost: one call."""
        return cast(int, self._call("n_waiting"))

    @property
    def broken(self) -> bool:
        """Whether the barrier is broken. Cost: one call."""
        return cast(bool, self._call("broken"))

    def stats(self) -> BarrierStats:
        """Return the parties, waiting count, broken flag and round number.

        The round number (``epoch``) grows by one at each release and each
        ``reset``. The result is a snapshot. Cost: one call.
        """
        return cast(BarrierStats, self._call("stats"))

    # Async forms: the same calls, awaited without blocking the event loop.

    async def wait_async(self, timeout: float | None = None) -> int:
        """Await ``wait``. Cost: one call.

        A cancelled wait no longer counts as arrived, at the cost of one
        more unwaited call.
        """
        ticket = uuid.uuid4().hex
        ref = self._actor.submit("wait", (timeout, ticket), {}, blind=False)
        assert ref is not None
        try:
            return cast(int, unpack(await ref))
        except asyncio.CancelledError:
            self._actor.send("leave", ticket)
            raise

    async def reset_async(self) -> None:
        """Await ``reset``. Cost: one call."""
        await self._call_async("reset")

    async def abort_async(self) -> None:
        """Await ``abort``. Cost: one call."""
        await self._call_async("abort")

    async def parties_async(self) -> int:
        """Await ``parties``. Cost: one call."""
        return cast(int, await self._call_async("parties"))

    async def n_waiting_async(self) -> int:
        """Await ``n_waiting``. Cost: one call."""
        return cast(int, await self._call_async("n_waiting"))

    async def broken_async(self) -> bool:
        """Await ``broken``. Cost: one call."""
        return cast(bool, await self._call_async("broken"))


__all__ = ["BarrierProxy"]
