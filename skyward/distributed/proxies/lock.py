"""Proxy of a distributed lock, and the thread that renews held leases."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import os
import socket
import threading
import time
import uuid
import weakref
from types import TracebackType
from typing import Any, Self, cast

import ray

from ..endpoint import Endpoint, unpack
from ..state.lock import Grant, LockStats
from .base import CollectionProxy

logger = logging.getLogger("skyward")

RENEWALS_PER_LEASE = 3
"""How often a held lock's lease is renewed per lease period."""


# Caller identity: a process key plus one key per thread or asyncio task.
# Keys are fresh uuids, so a new thread that reuses a dead thread's ident is
# a different owner.


class _Identity:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.process = uuid.uuid4().hex[:12]
        self.where = f"process {self.pid} on {socket.gethostname()}"
        self.threads = threading.local()
        self.tasks: weakref.WeakKeyDictionary[asyncio.Task[Any], str] = (
            weakref.WeakKeyDictionary()
        )


_identity = _Identity()
_identity_lock = threading.Lock()


def _current_identity() -> _Identity:
    global _identity
    with _identity_lock:
        if _identity.pid != os.getpid():
            _identity = _Identity()
        return _identity


def thread_owner() -> tuple[str, str]:
    """Return the owner key and description of the calling thread."""
    identity = _current_identity()
    key: str | None = getattr(identity.threads, "key", None)
    if key is None:
        key = identity.threads.key = f"{identity.process}:{uuid.uuid4().hex[:12]}"
    return key, f"thread {threading.current_thread().name!r} of {identity.where}"


def task_owner() -> tuple[str, str]:
    """Return the owner key and description of the running asyncio task.

    Outside a task this is the calling thread.
    """
    task = asyncio.current_task()
    if task is None:
        return thread_owner()
    identity = _current_identity()
    key = identity.tasks.get(task)
    if key is None:
        key = identity.tasks[task] = f"{identity.process}:{uuid.uuid4().hex[:12]}"
    return key, f"task {task.get_name()!r} of {identity.where}"


# Lease renewal: one daemon thread per process renews every held lock.


class _Lease:
    __slots__ = ("due", "endpoint", "lost", "owner", "period", "token")

    def __init__(self, endpoint: Endpoint, owner: str, token: int, lease: float):
        self.endpoint = endpoint
        self.owner = owner
        self.token = token
        self.period = lease / RENEWALS_PER_LEASE
        self.due = time.monotonic() + self.period
        # Set when a renewal found the lease expired. The token is kept so
        # that release() can report the expiry instead of "unlocked".
        self.lost = False


class _Renewer:
    """Keeps the leases this process holds and renews them in a thread."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._leases: dict[tuple[Endpoint, str], _Lease] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def hold(self, endpoint: Endpoint, owner: str, token: int, lease: float) -> None:
        with self._changed:
            self._leases[endpoint, owner] = _Lease(endpoint, owner, token, lease)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="skyward-lock-renewer", daemon=True
                )
                self._thread.start()
            self._changed.notify()

    def token(
        self, endpoint: Endpoint, owner: str, *, lost: bool = False
    ) -> int | None:
        """Return the token ``owner`` holds, or None.

        With ``lost`` a token whose lease a renewal found expired counts too.
        """
        with self._changed:
            lease = self._leases.get((endpoint, owner))
            if lease is None or (lease.lost and not lost):
                return None
            return lease.token

    def mark_lost(self, lease: _Lease) -> None:
        with self._changed:
            lease.lost = True

    def drop(self, endpoint: Endpoint, owner: str, token: int | None = None) -> None:
        """Forget the lease of ``owner``; only under ``token`` if one is given."""
        with self._changed:
            lease = self._leases.get((endpoint, owner))
            if lease is not None and (token is None or lease.token == token):
                del self._leases[endpoint, owner]

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                live = [lease for lease in self._leases.values() if not lease.lost]
                due = [lease for lease in live if lease.due <= now]
                if not due:
                    wait = min((lease.due for lease in live), default=None)
                    self._changed.wait(None if wait is None else wait - now)
                    continue
                for lease in due:
                    lease.due = now + lease.period
            for lease in due:
                self._renew(lease)

    def _renew(self, lease: _Lease) -> None:
        try:
            renewed = lease.endpoint.call("renew", lease.owner, lease.token)
        except Exception as exc:  # noqa: BLE001  # logged; the lease is given up
            logger.warning(
                "renewing the lease of lock %r (token %d) failed: %r; it will expire",
                lease.endpoint.collection,
                lease.token,
                exc,
            )
            renewed = False
        if not renewed:
            logger.warning(
                "lock %r: the lease of token %d was lost before it could be "
                "renewed; the holder no longer has the lock",
                lease.endpoint.collection,
                lease.token,
            )
            self.mark_lost(lease)


_renewer = _Renewer()


def _current_renewer() -> _Renewer:
    global _renewer
    with _identity_lock:
        if _renewer.pid != os.getpid():
            _renewer = _Renewer()
        return _renewer


class LockProxy(CollectionProxy):
    """A mutual-exclusion lock across processes, like ``threading.Lock``.

    The owner is the caller: the calling thread for ``acquire``/``release``,
    the running asyncio task for ``acquire_async``/``release_async``. Two
    threads sharing one proxy exclude each other. The lock is not reentrant:
    a second acquire by the holder raises RuntimeError instead of
    deadlocking.

    ``release`` by a caller that does not hold the lock raises RuntimeError
    naming the holder, and the lock stays held. ``threading.Lock`` lets any
    thread release it. This lock does not, because releasing another
    process's lock lets two processes into the critical section at once.

    Lease: the holder keeps the lock for ``lease`` seconds (an open option,
    10 s by default) after each renewal. A daemon thread in each process
    renews every lock the process holds ``RENEWALS_PER_LEASE`` times per
    lease, so a long critical section keeps the lock while its process
    lives. When the holder's process dies or stops renewing (for example a
    frozen process), the lock passes to the next waiter after the lease.

    Fencing: each grant has a token larger than every earlier token of the
    lock (``token``). Pass it to a store that rejects writes with a token
    smaller than the largest it saw, so a holder whose lease expired cannot
    overwrite the new holder's work.

    Waiters are served in arrival order. A waiter whose timeout expires
    leaves the queue and never gets the lock. A waiter whose process died
    stays queued. If the lock is granted to it, no process renews it, so it
    passes on after one lease.

    Every call waits for its reply, whatever the consistency given to the
    constructor.
    """

    KIND = "lock"
    ALWAYS_WAITS = True

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the lock for the calling thread; return whether it did.

        With ``blocking`` False, return at once. Otherwise wait up to
        ``timeout`` seconds, or without limit when ``timeout`` is -1.
        Cost: one call, plus the background renewals while held.

        Raises:
            ValueError: a timeout with ``blocking=False``, or a negative
                timeout other than -1.
            TypeError: ``timeout`` is not a number.
            RuntimeError: the calling thread holds the lock already.

        When a KeyboardInterrupt stops the wait, the call still waits on the
        host. If the host then grants the lock, the proxy releases it again
        with one unwaited call.
        """
        owner, owner_name = thread_owner()
        args = (owner, owner_name, blocking, timeout)
        ref = self._actor.submit("acquire", args, {}, blind=False)
        assert ref is not None
        try:
            reply = cast(Grant | None, unpack(ray.get(ref)))
        except KeyboardInterrupt:
            ref.future().add_done_callback(functools.partial(self._give_up, owner))
            raise
        return self._granted(owner, reply)

    def release(self) -> None:
        """Release the lock held by the calling thread. Cost: one call.

        Raises:
            RuntimeError: the lock is free, held by another caller, or the
                calling thread's lease expired; the lock is unchanged.
        """
        owner, owner_name = thread_owner()
        renewer = _current_renewer()
        token = renewer.token(self._actor, owner, lost=True)
        try:
            self._call("release", owner, owner_name, token)
        finally:
            renewer.drop(self._actor, owner, token)

    def locked(self) -> bool:
        """Return True if any caller holds the lock now. Cost: one call."""
        return cast(bool, self._call("locked"))

    @property
    def token(self) -> int | None:
        """The fencing token of the current caller's hold, or None.

        The caller is the running asyncio task if there is one and it holds
        the lock, else the calling thread. Cost: none (kept locally). It
        becomes None when a renewal finds the lease lost.
        """
        renewer = _current_renewer()
        if _loop_running() and asyncio.current_task() is not None:
            token = renewer.token(self._actor, task_owner()[0])
            if token is not None:
                return token
        return renewer.token(self._actor, thread_owner()[0])

    def stats(self) -> LockStats:
        """Return the holder's description and token, the number of waiters
        and the lease. Cost: one call.
        """
        return cast(LockStats, self._call("stats"))

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    # Async forms: the owner is the running asyncio task.

    async def acquire_async(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the lock for the running task without blocking the loop.

        Same arguments and errors as ``acquire``. When the awaiting task is
        cancelled, the call still waits on the host. If the host then grants
        the lock, the proxy releases it again with one unwaited call. Cost:
        one call.
        """
        owner, owner_name = task_owner()
        args = (owner, owner_name, blocking, timeout)
        ref = self._actor.submit("acquire", args, {}, blind=False)
        assert ref is not None
        try:
            reply = cast(Grant | None, unpack(await ref))
        except asyncio.CancelledError:
            ref.future().add_done_callback(functools.partial(self._give_up, owner))
            raise
        return self._granted(owner, reply)

    def _give_up(self, owner: str, future: concurrent.futures.Future[Any]) -> None:
        try:
            reply = cast(Grant | None, unpack(future.result()))
        except Exception as exc:  # noqa: BLE001  # the call failed: nothing was granted
            logger.debug("%s: an abandoned acquire failed: %r", self.label, exc)
            return
        if reply is not None:
            self._actor.send("give_up", owner, reply[0])

    async def release_async(self) -> None:
        """Release the lock held by the running task. Cost: one call.

        Raises:
            RuntimeError: as for ``release``, with the running task as the
                caller.
        """
        owner, owner_name = task_owner()
        renewer = _current_renewer()
        token = renewer.token(self._actor, owner, lost=True)
        try:
            await self._call_async("release", owner, owner_name, token)
        finally:
            renewer.drop(self._actor, owner, token)

    async def locked_async(self) -> bool:
        """Await ``locked``. Cost: one call."""
        return cast(bool, await self._call_async("locked"))

    async def __aenter__(self) -> Self:
        await self.acquire_async()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.release_async()

    def _granted(self, owner: str, reply: Grant | None) -> bool:
        if reply is None:
            return False
        token, lease = reply
        _current_renewer().hold(self._actor, owner, token, lease)
        return True


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


__all__ = ["RENEWALS_PER_LEASE", "LockProxy", "task_owner", "thread_owner"]
