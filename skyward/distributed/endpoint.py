"""The client side of a collection: where it lives and how calls reach it.

An ``Endpoint`` names a collection inside a host actor. Proxies call it
without knowing whether the host keeps one collection or many. Each process
keeps one ``_Channel`` per host actor, which numbers the process's calls so
the host applies them in the order they were issued, and which bounds the
unwaited calls in flight.
"""

from __future__ import annotations

import collections
import os
import threading
import uuid
from typing import TYPE_CHECKING, Any

import ray

from .codec import decode_on_client, encode

if TYPE_CHECKING:
    from ray.actor import ActorHandle

MAX_IN_FLIGHT = 1_000
"""Unwaited calls one process may have in flight to one host before it waits."""


class _Channel:
    """One process's ordered stream of calls to one host actor."""

    def __init__(self, actor: ActorHandle) -> None:
        self.actor = actor
        self.client = uuid.uuid4().hex
        self.next_seq = 0
        self.lock = threading.Lock()
        self.in_flight: collections.deque[ray.ObjectRef[Any]] = collections.deque()

    def submit(
        self, name: str, op: str, payload: bytes, refs: list[Any], blind: bool
    ) -> ray.ObjectRef[Any]:
        with self.lock:
            seq = self.next_seq
            self.next_seq += 1
            try:
                ref: ray.ObjectRef[Any] = self.actor.call.remote(
                    self.client, seq, name, op, payload, refs, blind
                )
            except BaseException:
                # Keep the numbering whole: the host waits for every number.
                self.actor.call.remote(
                    self.client, seq, "", "__sync__", _EMPTY_ARGS, [], True
                )
                raise
            if blind:
                self.in_flight.append(ref)
                overflow = len(self.in_flight) - MAX_IN_FLIGHT
                oldest = [self.in_flight.popleft() for _ in range(max(overflow, 0))]
            else:
                oldest = []
        if oldest:
            ray.wait(oldest, num_returns=len(oldest))
        return ref


_EMPTY_ARGS = encode(((), {}))[0]

_channels: dict[Any, _Channel] = {}
_channels_pid = os.getpid()
_channels_lock = threading.Lock()

_calls = 0


def call_count() -> int:
    """Return how many calls this process has sent to hosts so far."""
    return _calls


def _channel(actor: ActorHandle) -> _Channel:
    global _channels_pid
    key = actor._actor_id
    with _channels_lock:
        if _channels_pid != os.getpid():
            _channels.clear()
            _channels_pid = os.getpid()
        channel = _channels.get(key)
        if channel is None:
            channel = _channels[key] = _Channel(actor)
        return channel


class Endpoint:
    """A collection named ``collection`` inside host ``actor``."""

    __slots__ = ("actor", "collection")

    def __init__(self, actor: ActorHandle, collection: str = "") -> None:
        self.actor = actor
        self.collection = collection

    def submit(
        self, op: str, args: tuple[Any, ...], kwargs: dict[str, Any], blind: bool
    ) -> ray.ObjectRef[Any]:
        """Send one call and return the reference to its reply.

        Raises:
            TypeError: an argument cannot be pickled. Nothing was sent.
        """
        global _calls
        payload, refs = encode((args, kwargs), owner=self.actor)
        _calls += 1
        return _channel(self.actor).submit(self.collection, op, payload, refs, blind)

    def call(self, op: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``op`` on the collection, wait, and return its result."""
        return unpack(ray.get(self.submit(op, args, kwargs, blind=False)))

    def send(self, op: str, *args: Any, **kwargs: Any) -> None:
        """Run ``op`` on the collection without waiting for it."""
        self.submit(op, args, kwargs, blind=True)

    async def call_async(self, op: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``op`` on the collection and await its result."""
        return unpack(await self.submit(op, args, kwargs, blind=False))

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


__all__ = ["MAX_IN_FLIGHT", "Endpoint", "call_count", "unpack"]
