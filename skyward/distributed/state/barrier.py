"""State of a distributed barrier."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any, TypedDict, override

from .base import CollectionState, register
from .queue import check_timeout


def check_parties(label: str, parties: Any) -> int:
    """Return ``parties`` if it is an int >= 1; raise TypeError or ValueError."""
    if isinstance(parties, bool) or not isinstance(parties, int):
        raise TypeError(
            f"{label}: parties must be an int, not {type(parties).__name__} {parties!r}"
        )
    if parties < 1:
        raise ValueError(f"{label}: parties must be >= 1, not {parties!r}")
    return parties


class BarrierStats(TypedDict):
    """The barrier's state as ``stats`` returns it, a snapshot."""

    parties: int
    n_waiting: int
    broken: bool
    epoch: int
    """Rounds completed or reset since the barrier was created."""


class _Waiter:
    __slots__ = ("future", "index", "ticket", "timer")

    def __init__(
        self, future: asyncio.Future[int], index: int, ticket: str | None
    ) -> None:
        self.future = future
        self.index = index
        self.ticket = ticket
        self.timer: asyncio.TimerHandle | None = None


@register
class BarrierState(CollectionState):
    """A cyclic barrier for ``parties`` callers, like ``threading.Barrier``.

    Option: ``parties`` (int >= 1, required when the barrier is created).
    Each ``wait`` call is one party, whatever process or thread makes it.
    When the last party arrives every waiter is released with its arrival
    index and the next epoch starts, with no reset needed. A wait that times
    out, or ``abort()``, breaks the barrier: every waiter and every later
    ``wait`` raises ``threading.BrokenBarrierError`` until ``reset()``.
    """

    KIND = "barrier"
    OPERATIONS = frozenset(
        {"wait", "leave", "reset", "abort", "parties", "n_waiting", "broken", "stats"}
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        if "parties" not in options:
            raise ValueError(
                f"{self.label} needs the option parties (how many callers "
                "wait for each other) when it is created"
            )
        self._parties = check_parties(self.label, options["parties"])
        self._waiters: list[_Waiter] = []
        self._count = 0
        self._broken = False
        self._epoch = 0

    @override
    def check_options(self, options: Mapping[str, Any]) -> None:
        """Raise ValueError when ``parties`` differs from this barrier's."""
        if "parties" in options and options["parties"] != self._parties:
            raise ValueError(
                f"{self.label} exists with parties={self._parties}, not "
                f"{options['parties']!r}; open it with the same number"
            )

    def wait(
        self, timeout: float | None = None, ticket: str | None = None
    ) -> int | asyncio.Future[int]:
        """Arrive; return the arrival index now or once the last party comes.

        ``ticket`` names this wait for ``leave``.

        Raises:
            threading.BrokenBarrierError: the barrier is broken, or breaks
                while this caller waits.
        """
        check_timeout(self.label, timeout)
        if self._broken:
            raise self._broken_error("it was broken before this wait")
        index = self._count
        self._count += 1
        if self._count == self._parties:
            self._release()
            return index
        if timeout == 0:
            self._timed_out(timeout)
            raise self._broken_error("a wait timed out after 0 s")
        waiter = _Waiter(self.new_future(), index, ticket)
        if timeout is not None:
            loop = asyncio.get_running_loop()
            waiter.timer = loop.call_later(timeout, self._timed_out, timeout)
        self._waiters.append(waiter)
        return waiter.future

    def leave(self, ticket: str) -> None:
        """Withdraw the waiting call ``ticket``, whose caller stopped waiting.

        Like a thread interrupted in ``threading.Barrier.wait``, it no longer
        counts as arrived and the barrier stays unbroken. Does nothing when
        that call returned already.
        """
        for waiter in self._waiters:
            if waiter.ticket == ticket and not waiter.future.done():
                self._waiters.remove(waiter)
                self._count -= 1
                if waiter.timer is not None:
                    waiter.timer.cancel()
                waiter.future.set_result(waiter.index)
                return

    def _release(self) -> None:
        waiters, self._waiters = self._waiters, []
        self._count = 0
        self._epoch += 1
        for waiter in waiters:
            if waiter.timer is not None:
                waiter.timer.cancel()
            if not waiter.future.done():
                waiter.future.set_result(waiter.index)

    def _timed_out(self, timeout: float) -> None:
        self._break(f"a wait timed out after {timeout} s")

    def _break(self, reason: str) -> None:
        self._broken = True
        self._fail_waiters(reason)

    def _fail_waiters(self, reason: str) -> None:
        waiters, self._waiters = self._waiters, []
        self._count = 0
        for waiter in waiters:
            if waiter.timer is not None:
                waiter.timer.cancel()
            if not waiter.future.done():
                waiter.future.set_exception(self._broken_error(reason))

    def _broken_error(self, reason: str) -> threading.BrokenBarrierError:
        return threading.BrokenBarrierError(
            f"{self.label} is broken because {reason}; call reset() to use it again"
        )

    def reset(self) -> None:
        """Return to the empty, unbroken state; current waiters are broken."""
        self._fail_waiters("reset() was called while this caller waited")
        self._broken = False
        self._epoch += 1

    def abort(self) -> None:
        """Break the barrier: current and later waits raise BrokenBarrierError."""
        self._break("abort() was called")

    def parties(self) -> int:
        return self._parties

    def n_waiting(self) -> int:
        return self._count

    def broken(self) -> bool:
        return self._broken

    def stats(self) -> BarrierStats:
        """Return the parties, waiting count, broken flag and epoch number."""
        return {
            "parties": self._parties,
            "n_waiting": self._count,
            "broken": self._broken,
            "epoch": self._epoch,
        }

    @override
    def close(self) -> None:
        """Break the barrier for its waiters; it was dropped."""
        self._break("it was dropped")


__all__ = ["BarrierState", "BarrierStats", "check_parties"]
