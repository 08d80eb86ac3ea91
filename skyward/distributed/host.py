"""The host: one Ray actor that keeps many named collections.

Every proxy call reaches a host through ``CollectionHost.call``. The host is
an asyncio actor, so a call that waits (a queue ``get``, a barrier ``wait``)
costs a suspended coroutine, not a thread, and never stalls other calls.
Ray does not run calls to an asyncio actor in the order one caller submitted
them, so each calling process (a *client*) numbers its calls and the host
applies them in that order. A client's calls to different collections of one
host share the numbering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import ray

from . import state as _state  # noqa: F401  # registers the state classes
from .codec import decode_on_host, encode
from .state.base import KINDS, CollectionState

logger = logging.getLogger("skyward")

MAX_CONCURRENT_CALLS = 10_000
"""Calls one host runs at once, waiting ones included (Ray's max_concurrency)."""

MAX_NOTED_FAILURES = 10
"""Later failed unwaited writes that the first deferred error lists in notes."""

type Reply = tuple[bool, bytes, list[ray.ObjectRef[Any]]]
"""``(ok, payload, refs)``: the encoded result, or the encoded exception."""

type Entry = tuple[str, str, bytes, list[ray.ObjectRef[Any]], bool]
"""One call in a batch: ``(name, op, payload, refs, blind)``."""


class _Redirect:
    """Directory entry for a collection that lives in an actor of its own."""

    __slots__ = ("actor_name", "kind", "types")

    def __init__(self, kind: str, types: str | None, actor_name: str) -> None:
        self.kind = kind
        self.types = types
        self.actor_name = actor_name


class CollectionHost:
    """Keeps named collections and applies each client's calls in order.

    Host-level operations (``__open__``, ``__drop__``, ``__sync__``,
    ``__list__``) are addressed by name like collection operations.
    """

    def __init__(self) -> None:
        self._collections: dict[str, CollectionState | _Redirect] = {}
        self._types: dict[str, str | None] = {}
        # NOTE: these keep an entry per client process for the host's life,
        # so a host serving many short-lived processes grows by an estimated
        # few hundred bytes per process.
        self._next_seq: dict[str, int] = {}
        self._parked: dict[str, dict[int, asyncio.Future[None]]] = {}
        self._deferred: dict[tuple[str, str], BaseException] = {}

    async def call(
        self,
        client: str,
        seq: int,
        name: str,
        op: str,
        payload: bytes,
        refs: list[ray.ObjectRef[Any]],
        blind: bool = False,
    ) -> Reply:
        """Apply ``op`` on collection ``name`` as client's call number ``seq``.

        A blind call is one whose caller does not wait: its error is kept and
        raised by the client's next waiting call on the same collection.
        """
        return await self.call_batch(client, seq, [(name, op, payload, refs, blind)])

    async def call_batch(self, client: str, seq: int, entries: list[Entry]) -> Reply:
        """Apply several calls in order as client's call number ``seq``.

        Every entry but the last is blind; the reply is the last entry's.
        Clients batch the blind writes that queued up behind each other.
        """
        await self._wait_turn(client, seq)
        try:
            for name, op, payload, refs, _ in entries[:-1]:
                self._apply_blind(client, name, op, payload, refs)
            name, op, payload, refs, blind = entries[-1]
            try:
                outcome = self._apply_in_order(client, name, op, payload, refs, blind)
            except BaseException as exc:  # noqa: BLE001  # every error goes back
                return self._failure(client, name, exc, blind)
        finally:
            self._advance(client)
        try:
            if isinstance(outcome, asyncio.Future):
                outcome = await outcome
            data, out_refs = encode(outcome)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001  # every error goes back
            return self._failure(client, name, exc, blind)
        return True, data, out_refs

    def _apply_blind(
        self,
        client: str,
        name: str,
        op: str,
        payload: bytes,
        refs: list[ray.ObjectRef[Any]],
    ) -> None:
        try:
            outcome = self._apply_in_order(client, name, op, payload, refs, True)
        except BaseException as exc:  # noqa: BLE001  # kept for the client
            self._failure(client, name, exc, True)
            return
        if isinstance(outcome, asyncio.Future):
            outcome.add_done_callback(lambda done: self._blind_done(client, name, done))

    def _blind_done(self, client: str, name: str, done: asyncio.Future[Any]) -> None:
        if done.cancelled():
            return
        exc = done.exception()
        if exc is not None:
            self._failure(client, name, exc, True)

    def _apply_in_order(
        self,
        client: str,
        name: str,
        op: str,
        payload: bytes,
        refs: list[ray.ObjectRef[Any]],
        blind: bool,
    ) -> Any:
        if not blind:
            earlier = self._deferred.pop((client, name), None)
            if earlier is not None:
                earlier.add_note(
                    "This error comes from an earlier write that was sent without "
                    "waiting (eventual consistency); the current call was not applied."
                )
                raise earlier
        args, kwargs = decode_on_host(payload, refs)
        if op.startswith("__"):
            return self._host_op(name, op, *args, **kwargs)
        target = self._collections.get(name)
        if target is None:
            raise KeyError(f"no collection named {name!r} on this host; open it first")
        if isinstance(target, _Redirect):
            raise RuntimeError(
                f"collection {name!r} lives in actor {target.actor_name!r}, not here"
            )
        if op not in target.OPERATIONS:
            raise AttributeError(f"{target.label} has no operation {op!r}")
        return getattr(target, op)(*args, **kwargs)

    def _failure(
        self, client: str, name: str, exc: BaseException, blind: bool
    ) -> Reply:
        if blind:
            logger.debug("unwaited call on %r from %s failed: %r", name, client, exc)
            earlier = self._deferred.setdefault((client, name), exc)
            if earlier is not exc:
                self._note_later_failure(earlier, name, exc)
        try:
            data, refs = encode(exc)
        except TypeError:
            logger.warning(
                "error of a call on %r from client %s cannot be pickled; "
                "sending it as a RuntimeError: %r",
                name,
                client,
                exc,
            )
            data, refs = encode(RuntimeError(f"{type(exc).__name__}: {exc}"))
        return False, data, refs

    @staticmethod
    def _note_later_failure(
        earlier: BaseException, name: str, exc: BaseException
    ) -> None:
        # Only the first error is raised, so it names the later ones.
        noted = len(getattr(earlier, "__notes__", ()))
        if noted < MAX_NOTED_FAILURES:
            earlier.add_note(
                f"A later unwaited write to {name!r} failed too: "
                f"{type(exc).__name__}: {exc}"
            )
        elif noted == MAX_NOTED_FAILURES:
            earlier.add_note(
                f"More unwaited writes to {name!r} failed; only the first "
                f"{MAX_NOTED_FAILURES} are listed."
            )

    # Host-level operations.

    def _host_op(self, name: str, op: str, *args: Any, **kwargs: Any) -> Any:
        if op == "__open__":
            return self._open(name, *args, **kwargs)
        if op == "__drop__":
            return self._drop(name)
        if op == "__sync__":
            return None
        if op == "__list__":
            return sorted(self._collections)
        raise AttributeError(f"unknown host operation {op!r}")

    def _open(
        self,
        name: str,
        kind: str,
        types: str | None = None,
        options: Mapping[str, Any] | None = None,
        actor_name: str | None = None,
    ) -> str | None:
        """Get or create collection ``name``; return its own actor's name, if any.

        With ``actor_name`` the collection is recorded as living in that actor
        (created by the caller) instead of here.
        """
        options = dict(options or {})
        existing = self._collections.get(name)
        if existing is None:
            if kind not in KINDS:
                raise ValueError(f"unknown collection kind {kind!r}")
            if actor_name is not None:
                self._collections[name] = _Redirect(kind, types, actor_name)
            else:
                self._collections[name] = KINDS[kind](name, **options)
            self._types[name] = types
            logger.debug("created sky.%s %r", kind, name)
            return actor_name
        existing_kind = (
            existing.kind if isinstance(existing, _Redirect) else existing.KIND
        )
        if existing_kind != kind:
            raise TypeError(
                f"collection {name!r} exists as a sky.{existing_kind}, "
                f"not a sky.{kind}; use another name"
            )
        recorded = self._types.get(name)
        if types is not None:
            if recorded is None:
                self._types[name] = types
            elif recorded != types:
                raise TypeError(
                    f"sky.{kind} {name!r} was created with types {recorded}, "
                    f"not {types}; open it with the same types or without any"
                )
        if isinstance(existing, _Redirect):
            return existing.actor_name
        existing.check_options(options)
        return None

    def _drop(self, name: str) -> bool:
        existing = self._collections.pop(name, None)
        self._types.pop(name, None)
        if isinstance(existing, CollectionState):
            existing.close()
        return existing is not None

    # Ordering of each client's calls.

    async def _wait_turn(self, client: str, seq: int) -> None:
        expected = self._next_seq.get(client, 0)
        if seq == expected:
            return
        if seq < expected:
            raise RuntimeError(f"call {seq} from client {client} arrived twice")
        future = asyncio.get_running_loop().create_future()
        self._parked.setdefault(client, {})[seq] = future
        await future

    def _advance(self, client: str) -> None:
        following = self._next_seq.get(client, 0) + 1
        self._next_seq[client] = following
        parked = self._parked.get(client)
        if parked:
            future = parked.pop(following, None)
            if future is not None:
                future.set_result(None)
            if not parked:
                del self._parked[client]


class SingleCollectionHost(CollectionHost):
    """A host that keeps exactly one collection, named ``""``."""

    def __init__(self, kind: str, **options: Any) -> None:
        super().__init__()
        self._open("", kind, options=options)


__all__ = [
    "MAX_CONCURRENT_CALLS",
    "CollectionHost",
    "Entry",
    "Reply",
    "SingleCollectionHost",
]
