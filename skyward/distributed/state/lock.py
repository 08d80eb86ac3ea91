"""State of a distributed lock."""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import math
from collections.abc import Mapping
from typing import Any, Final, TypedDict, override

from .base import CollectionState, register
from .queue import check_positive_seconds

logger = logging.getLogger("skyward")

DEFAULT_LEASE: Final = 10.0
"""Seconds a holder keeps the lock without renewing it."""

type Grant = tuple[int, float]
"""Result of a successful acquire: the fencing token and the lease in seconds."""


def check_acquire_args(label: str, blocking: bool, timeout: float) -> None:
    """Apply the argument rules of ``threading.Lock.acquire``.

    Raises TypeError for a non-number ``timeout`` and ValueError for a
    timeout with ``blocking=False`` or a negative one other than -1.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(
            f"{label}: timeout must be a number of seconds, "
            f"not {type(timeout).__name__} {timeout!r}"
        )
    if not blocking and timeout != -1:
        raise ValueError(
            f"{label}: cannot give a timeout ({timeout!r}) with blocking=False; "
            "drop the timeout or block"
        )
    if (timeout < 0 and timeout != -1) or math.isnan(timeout):
        raise ValueError(
            f"{label}: timeout must be a non-negative number of seconds or -1 "
            f"(wait forever), not {timeout!r}"
        )


class LockStats(TypedDict):
    """The lock's state as ``stats`` returns it, a snapshot."""

    holder: str | None
    """Description of the holder, or None when the lock is free."""
    token: int | None
    """Fencing token of the current hold, or None when the lock is free."""
    waiters: int
    """Acquire calls waiting for the lock."""
    lease: float
    """Seconds a holder keeps the lock without renewing it."""


class _Holder:
    __slots__ = ("deadline", "owner", "token", "owner_name")

    def __init__(
        self, owner: str, owner_name: str, token: int, deadline: float
    ) -> None:
        self.owner = owner
        self.owner_name = owner_name
        self.token = token
        self.deadline = deadline


class _Waiter:
    __slots__ = ("future", "owner", "timer", "owner_name")

    def __init__(
        self, future: asyncio.Future[Grant | None], owner: str, owner_name: str
    ) -> None:
        self.future = future
        self.owner = owner
        self.owner_name = owner_name
        self.timer: asyncio.TimerHandle | None = None


@register
class LockState(CollectionState):
    """A leased, fenced, non-reentrant lock with a FIFO queue of waiters.

    Option: ``lease`` (seconds, default ``DEFAULT_LEASE``). A holder keeps
    the lock for ``lease`` seconds after its acquire or its last ``renew``;
    then the lock passes to the next waiter. Each grant carries a fencing
    token that is larger than every earlier token of this lock.

    Callers identify themselves with ``owner`` (a unique key) and
    ``owner_name`` (a description for messages). A waiter whose timeout
    expires leaves the queue. A waiter whose process died stays queued,
    because the host cannot tell. If the lock is granted to it, it holds the
    lock for one lease, since no process renews it, and then the next waiter
    gets it.
    """

    KIND = "lock"
    OPERATIONS = frozenset(
        {"acquire", "release", "give_up", "renew", "locked", "stats"}
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.lease = check_positive_seconds(
            self.label, "lease", options.get("lease", DEFAULT_LEASE)
        )
        self._holder: _Holder | None = None
        self._waiters: collections.deque[_Waiter] = collections.deque()
        self._tokens = itertools.count(1)
        self._last_token = 0
        self._lease_timer: asyncio.TimerHandle | None = None

    @override
    def check_options(self, options: Mapping[str, Any]) -> None:
        """Raise ValueError when ``lease`` differs from this lock's."""
        if "lease" in options and options["lease"] != self.lease:
            raise ValueError(
                f"{self.label} exists with lease={self.lease} s, not "
                f"{options['lease']!r}; open it without lease or with the same value"
            )

    def acquire(
        self, owner: str, owner_name: str, blocking: bool = True, timeout: float = -1
    ) -> Grant | None | asyncio.Future[Grant | None]:
        """Grant the lock to ``owner`` now, later, or not (None).

        Raises:
            TypeError: ``timeout`` is not a number.
            ValueError: a timeout with ``blocking=False``, or a negative
                timeout other than -1.
            RuntimeError: ``owner`` holds the lock already (not reentrant).
        """
        check_acquire_args(self.label, blocking, timeout)
        holder = self._holder
        if holder is None:
            return self._grant(owner, owner_name)
        if holder.owner == owner:
            raise RuntimeError(
                f"{self.label} is already held by this caller ({owner_name}) "
                f"with token {holder.token}; it is not reentrant, so release it "
                "first"
            )
        if not blocking or timeout == 0:
            return None
        waiter = _Waiter(self.new_future(), owner, owner_name)
        if timeout != -1:
            loop = asyncio.get_running_loop()
            waiter.timer = loop.call_later(timeout, self._timed_out, waiter)
        self._waiters.append(waiter)
        return waiter.future

    def _grant(self, owner: str, owner_name: str) -> Grant:
        token = next(self._tokens)
        self._last_token = token
        loop = asyncio.get_running_loop()
        holder = _Holder(owner, owner_name, token, loop.time() + self.lease)
        self._holder = holder
        self._lease_timer = loop.call_at(holder.deadline, self._check_lease, holder)
        return token, self.lease

    def _grant_next(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if waiter.future.done():
                continue
            if waiter.timer is not None:
                waiter.timer.cancel()
            waiter.future.set_result(self._grant(waiter.owner, waiter.owner_name))
            return

    def _timed_out(self, waiter: _Waiter) -> None:
        try:
            self._waiters.remove(waiter)
        except ValueError:
            pass
        if not waiter.future.done():
            waiter.future.set_result(None)

    def _check_lease(self, holder: _Holder) -> None:
        if self._holder is not holder:
            return
        loop = asyncio.get_running_loop()
        if loop.time() < holder.deadline:
            self._lease_timer = loop.call_at(holder.deadline, self._check_lease, holder)
            return
        logger.warning(
            "%s: the lease of %s (token %d) expired after %s s without renewal; "
            "the lock passes to the next waiter",
            self.label,
            holder.owner_name,
            holder.token,
            self.lease,
        )
        self._holder = None
        self._lease_timer = None
        self._grant_next()

    def release(self, owner: str, owner_name: str, token: int | None = None) -> None:
        """Release the lock held by ``owner`` under ``token``.

        Raises:
            RuntimeError: the lock is not held, is held by another caller, or
                ``token`` is stale because this caller's lease expired.
        """
        holder = self._holder
        expired = token is not None and token < self._last_token
        if holder is None:
            if expired:
                raise RuntimeError(
                    f"{self.label}: the lease of token {token} held by {owner_name} "
                    "expired before this release, and the lock is free now"
                )
            raise RuntimeError(
                f"{self.label}: release of an unlocked lock by {owner_name}"
            )
        if holder.owner != owner:
            if expired:
                raise RuntimeError(
                    f"{self.label}: the lease of token {token} held by {owner_name} "
                    f"expired before this release; the lock is held by "
                    f"{holder.owner_name} with token {holder.token} now"
                )
            raise RuntimeError(
                f"{self.label} is held by {holder.owner_name}, not by "
                f"{owner_name}; only the holder can release it"
            )
        if token is not None and token != holder.token:
            raise RuntimeError(
                f"{self.label}: stale token {token} from {owner_name}, which holds the "
                f"lock with token {holder.token}"
            )
        if self._lease_timer is not None:
            self._lease_timer.cancel()
            self._lease_timer = None
        self._holder = None
        self._grant_next()

    def give_up(self, owner: str, token: int) -> None:
        """Release the lock if ``owner`` holds it under ``token``, else nothing.

        Frees a grant whose acquire call was cancelled by its caller.
        """
        holder = self._holder
        if holder is None or holder.owner != owner or holder.token != token:
            return
        if self._lease_timer is not None:
            self._lease_timer.cancel()
            self._lease_timer = None
        self._holder = None
        self._grant_next()

    def renew(self, owner: str, token: int) -> bool:
        """Extend the lease of ``owner`` by ``lease`` seconds from now.

        Returns False, and changes nothing, when ``owner`` does not hold the
        lock under ``token`` (its lease expired or it released the lock).
        """
        holder = self._holder
        if holder is None or holder.owner != owner or holder.token != token:
            return False
        holder.deadline = asyncio.get_running_loop().time() + self.lease
        return True

    def locked(self) -> bool:
        """Return True if any owner holds the lock."""
        return self._holder is not None

    def stats(self) -> LockStats:
        """Return the holder's description and token, and the waiter count."""
        holder = self._holder
        return {
            "holder": None if holder is None else holder.owner_name,
            "token": None if holder is None else holder.token,
            "waiters": sum(not w.future.done() for w in self._waiters),
            "lease": self.lease,
        }

    @override
    def close(self) -> None:
        """Fail waiting acquires and stop the lease timer; the lock was dropped."""
        if self._lease_timer is not None:
            self._lease_timer.cancel()
        error = RuntimeError(f"{self.label} was dropped while this call waited")
        for waiter in self._waiters:
            if waiter.timer is not None:
                waiter.timer.cancel()
            if not waiter.future.done():
                waiter.future.set_exception(error)
        self._waiters.clear()
        self._holder = None


__all__ = ["DEFAULT_LEASE", "Grant", "LockState", "LockStats", "check_acquire_args"]
