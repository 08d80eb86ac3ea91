"""The client side of a collection: where it lives and how calls reach it.

An ``Endpoint`` names a collection inside a host actor. Proxies call it
without knowing whether the host keeps one collection or many. Each process
keeps one ``_Channel`` per host actor, which numbers the process's calls so
the host applies them in the order they were issued, and which bounds the
unwaited calls in flight.
"""

from __future__ import annotations

import atexit
import collections
import logging
import os
import threading
import uuid
from typing import TYPE_CHECKING, Any

import ray

from .codec import decode_on_client, encode
from .host import Entry

logger = logging.getLogger("skyward")

if TYPE_CHECKING:
    from ray.actor import ActorHandle

MAX_IN_FLIGHT = 1_000
"""Unwaited host calls one process may have in flight to one host."""

MAX_BATCH = 1_000
"""Blind writes one host call carries at most."""


class _Channel:
    """One process's ordered stream of calls to one host actor.

    Blind writes wait in ``buffer`` until the flusher thread, a waiting call,
    or a full batch sends them, so a burst of writes costs a few host calls
    instead of one each. A waiting call carries the buffered writes in front
    of it, which keeps the process's issue order.
    """

    def __init__(self, actor: ActorHandle) -> None:
        self.actor = actor
        self.session = _session()
        self.client = uuid.uuid4().hex
        self.next_seq = 0
        self.lock = threading.Lock()
        self.buffer: list[Entry] = []
        self.in_flight: collections.deque[ray.ObjectRef[Any]] = collections.deque()

    def submit(self, entry: Entry) -> ray.ObjectRef[Any] | None:
        """Send ``entry`` (or buffer it, if blind); return the reply's ref."""
        blind = entry[4]
        with self.lock:
            if blind:
                self.buffer.append(entry)
                if len(self.buffer) < MAX_BATCH:
                    _flusher.mark(self)
                    return None
            else:
                self.buffer.append(entry)
            ref, oldest = self._send_buffer_locked(track=blind)
        _wait_all(oldest)
        return ref

    def send_buffer(self) -> None:
        """Send the buffered blind writes, if any, without waiting."""
        with self.lock:
            if not self.buffer:
                return
            _, oldest = self._send_buffer_locked(track=True)
        _wait_all(oldest)

    def send_buffer_or_log(self) -> None:
        """Send the buffered blind writes like ``send_buffer``, logging a failure.

        The flusher thread calls this: it has no caller to raise an error to.
        """
        with self.lock:
            count = len(self.buffer)
            if not count:
                return
            try:
                _, oldest = self._send_buffer_locked(track=True)
            except Exception:
                # NOTE: these writes are lost. The host receives only a
                # __sync__ call in their place, so no later flush or waiting
                # call of this process raises an error for them.
                logger.exception(
                    "sending a batch of %d buffered writes to host actor %s "
                    "failed, so the writes are lost",
                    count,
                    self.actor._actor_id.hex(),
                )
                return
        _wait_all(oldest)

    def drain(self) -> None:
        """Send the buffer and wait until every unwaited call has run."""
        self.send_buffer()
        with self.lock:
            pending = list(self.in_flight)
            self.in_flight.clear()
        _wait_all(pending)

    def _send_buffer_locked(
        self, track: bool
    ) -> tuple[ray.ObjectRef[Any], list[ray.ObjectRef[Any]]]:
        global _calls
        entries, self.buffer = self.buffer, []
        seq = self.next_seq
        self.next_seq += 1
        try:
            ref: ray.ObjectRef[Any] = self.actor.call_batch.remote(
                self.client, seq, entries
            )
        except BaseException:
            # Keep the numbering whole: the host waits for every number.
            self.actor.call.remote(self.client, seq, "", "__sync__", _EMPTY, [], True)
            raise
        with _calls_lock:
            _calls += 1
        oldest: list[ray.ObjectRef[Any]] = []
        if track:
            self.in_flight.append(ref)
            if len(self.in_flight) > MAX_IN_FLIGHT:
                # Wait for the older half at once, not for one call at a time.
                half = MAX_IN_FLIGHT // 2
                oldest = [self.in_flight.popleft() for _ in range(half)]
        return ref, oldest


def _wait_all(refs: list[ray.ObjectRef[Any]]) -> None:
    if refs:
        ray.wait(refs, num_returns=len(refs))


class _Flusher:
    """Daemon thread that sends the channels' buffered blind writes.

    It wakes when a channel buffers a write and sends every marked buffer;
    writes that arrive while it sends form the next batch.
    """

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.marked: dict[int, _Channel] = {}
        self.thread: threading.Thread | None = None

    def mark(self, channel: _Channel) -> None:
        with self.condition:
            self.marked[id(channel)] = channel
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="skyward-flusher", daemon=True
                )
                self.thread.start()
            self.condition.notify()

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.marked:
                    self.condition.wait()
                channels = list(self.marked.values())
                self.marked.clear()
            if not ray.is_initialized():
                continue
            for channel in channels:
                try:
                    channel.send_buffer_or_log()
                except Exception:
                    logger.exception(
                        "waiting for earlier writes to host actor %s failed",
                        channel.actor._actor_id.hex(),
                    )


_EMPTY = encode(((), {}))[0]

_flusher = _Flusher()
_channels: dict[Any, _Channel] = {}
_channels_pid = os.getpid()
_channels_lock = threading.Lock()

_calls = 0
_calls_lock = threading.Lock()


def call_count() -> int:
    """Return how many calls this process has sent to hosts so far.

    Blind writes that travel together in one batch count as one call.
    """
    return _calls


def flush_all() -> None:
    """Wait until every write this process sent to any host has run.

    Does nothing once Ray is shut down: the hosts are gone with it.
    """
    if not ray.is_initialized():
        return
    session = _session()
    with _channels_lock:
        # After ray.shutdown and a new ray.init, the channels of the earlier
        # session hold references that ray.wait rejects, to hosts long gone.
        for key, channel in list(_channels.items()):
            if channel.session != session:
                del _channels[key]
        channels = list(_channels.values())
    for channel in channels:
        channel.drain()


def _session() -> str:
    """Return the Ray session and job of this process, new on each ``ray.init``."""
    context = ray.get_runtime_context()
    return f"{context.get_session_name()}/{context.get_job_id()}"


def _channel(actor: ActorHandle) -> _Channel:
    global _channels_pid, _flusher
    key = actor._actor_id
    with _channels_lock:
        if _channels_pid != os.getpid():
            _channels.clear()
            _flusher = _Flusher()
            _channels_pid = os.getpid()
        channel = _channels.get(key)
        if channel is None:
            if not _channels:
                # Registered after ray.init, so it runs before Ray's own
                # shutdown hook: buffered writes reach their hosts at exit.
                # Unregistering first keeps one registration, the newest.
                atexit.unregister(_flush_at_exit)
                atexit.register(_flush_at_exit)
            channel = _channels[key] = _Channel(actor)
        return channel


def _flush_at_exit() -> None:
    try:
        flush_all()
    except Exception:
        logger.exception("sending buffered writes at exit failed")


class Endpoint:
    """A collection named ``collection`` inside host ``actor``."""

    __slots__ = ("actor", "collection")

    def __init__(self, actor: ActorHandle, collection: str = "") -> None:
        self.actor = actor
        self.collection = collection

    def submit(
        self, op: str, args: tuple[Any, ...], kwargs: dict[str, Any], blind: bool
    ) -> ray.ObjectRef[Any] | None:
        """Send one call; return the reference to its reply, or None if blind.

        Raises:
            TypeError: an argument cannot be pickled. Nothing was sent.
        """
        payload, refs = encode((args, kwargs), client=True)
        entry = (self.collection, op, payload, refs, blind)
        return _channel(self.actor).submit(entry)

    def call(self, op: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``op`` on the collection, wait, and return its result."""
        ref = self.submit(op, args, kwargs, blind=False)
        assert ref is not None
        return unpack(ray.get(ref))

    def send(self, op: str, *args: Any, **kwargs: Any) -> None:
        """Run ``op`` on the collection without waiting for it."""
        self.submit(op, args, kwargs, blind=True)

    async def call_async(self, op: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``op`` on the collection and await its result."""
        ref = self.submit(op, args, kwargs, blind=False)
        assert ref is not None
        return unpack(await ref)

    def flush(self) -> None:
        """Wait until this process's earlier calls to the collection ran.

        Raises:
            Exception: the error of an earlier unwaited call, if one failed.
        """
        self.call("__sync__")

    async def flush_async(self) -> None:
        """Await ``flush``."""
        await self.call_async("__sync__")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Endpoint):
            return NotImplemented
        return (
            self.actor._actor_id == other.actor._actor_id
            and self.collection == other.collection
        )

    def __hash__(self) -> int:
        return hash((self.actor._actor_id, self.collection))

    def __repr__(self) -> str:
        return f"Endpoint({self.actor._actor_id.hex()[:12]}, {self.collection!r})"


def unpack(reply: tuple[bool, bytes, list[Any]]) -> Any:
    """Decode a host reply: return the result, or raise the error."""
    ok, data, refs = reply
    result = decode_on_client(data, refs)
    if ok:
        return result
    raise result


__all__ = [
    "MAX_BATCH",
    "MAX_IN_FLIGHT",
    "Endpoint",
    "call_count",
    "flush_all",
    "unpack",
]
