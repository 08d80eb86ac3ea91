"""The proxy base class: endpoint, consistency, type checks and pickling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

from ..codec import short_repr
from ..endpoint import Endpoint
from ..types import Consistency

if TYPE_CHECKING:
    from ray.actor import ActorHandle

_CONSISTENCIES = ("strong", "eventual")


def type_name(tp: object) -> str:
    """Return ``tp`` as it is written in an annotation (``int``, ``list[str]``)."""
    if isinstance(tp, type) and not getattr(tp, "__args__", None):
        return (
            tp.__qualname__
            if tp.__module__ == "builtins"
            else (f"{tp.__module__}.{tp.__qualname__}")
        )
    return repr(tp).replace("typing.", "")


class CollectionProxy:
    """Base of the typed client classes of the distributed collections.

    A proxy holds an ``Endpoint`` (the collection's host actor and its name
    there), a consistency mode, and optionally the type arguments it was
    opened with. Proxies pickle: a proxy passed to a Ray task or actor reaches
    the same collection.
    """

    KIND: ClassVar[str] = ""

    ALWAYS_WAITS: ClassVar[bool] = False
    """True for kinds whose every call waits for its reply (queue, barrier,
    lock): their proxies accept a ``consistency`` argument, so that every
    proxy class shares one constructor, and record ``"strong"``."""

    _actor: Endpoint
    _consistency: Consistency
    _name: str
    _types: tuple[Any, ...] | None

    def __init__(
        self,
        actor: ActorHandle | Endpoint,
        consistency: Consistency = "eventual",
        *,
        name: str | None = None,
        types: tuple[Any, ...] | None = None,
    ) -> None:
        endpoint = actor if isinstance(actor, Endpoint) else Endpoint(actor)
        self._actor = endpoint
        self._name = endpoint.collection if name is None else name
        if consistency not in _CONSISTENCIES:
            raise ValueError(
                f"{self.label}: consistency must be 'strong' or 'eventual', "
                f"not {consistency!r}"
            )
        self._consistency = "strong" if self.ALWAYS_WAITS else consistency
        self._types = types

    @property
    def name(self) -> str:
        """The collection's name (``""`` for a collection in its own actor)."""
        return self._name

    @property
    def consistency(self) -> Consistency:
        """How this proxy sends blind writes: ``"strong"`` or ``"eventual"``."""
        return self._consistency

    @property
    def label(self) -> str:
        """The collection as messages name it, e.g. ``sky.dict 'cache'``."""
        return f"sky.{self.KIND} {self._name!r}"

    # Calls.

    def _call(self, op: str, *args: Any, **kwargs: Any) -> Any:
        return self._actor.call(op, *args, **kwargs)

    async def _call_async(self, op: str, *args: Any, **kwargs: Any) -> Any:
        return await self._actor.call_async(op, *args, **kwargs)

    def _write(self, op: str, *args: Any, **kwargs: Any) -> None:
        """Send a blind write; wait for it only under strong consistency."""
        if self._consistency == "strong":
            self._actor.call(op, *args, **kwargs)
        else:
            self._actor.send(op, *args, **kwargs)

    async def _write_async(self, op: str, *args: Any, **kwargs: Any) -> None:
        if self._consistency == "strong":
            await self._actor.call_async(op, *args, **kwargs)
        else:
            self._actor.send(op, *args, **kwargs)

    def _iterate(self, view: str) -> Iterator[Any]:
        """Yield a snapshot of ``view``, fetched one page per call."""
        items, cursor = self._call("first_page", view)
        offset = len(items)
        yield from items
        while cursor is not None:
            items, cursor = self._call("next_page", cursor, offset)
            offset += len(items)
            yield from items

    async def _collect_async(self, view: str) -> list[Any]:
        """Await a snapshot of ``view`` as a list, one call per page."""
        items, cursor = await self._call_async("first_page", view)
        result = list(items)
        while cursor is not None:
            items, cursor = await self._call_async("next_page", cursor, len(result))
            result.extend(items)
        return result

    def flush(self) -> None:
        """Wait until this process's earlier writes to the collection applied.

        Cost: one call. Raises the error of an earlier unwaited write, if one
        failed.
        """
        self._actor.flush()

    async def flush_async(self) -> None:
        """Await ``flush``."""
        await self._actor.flush_async()

    # Checks made before anything is sent.

    def _check_type(self, value: Any, index: int, role: str) -> None:
        """Raise TypeError unless ``value`` matches type argument ``index``."""
        if self._types is None:
            return
        expected = self._types[index]
        if type(expected) is type and type(value) is expected:
            # An instance of exactly a plain class passes typeguard's check
            # too. Skipping typeguard there makes typed bulk writes such as
            # update, merge_many and put_many much cheaper.
            return
        try:
            # typeguard checks only the first item of a collection by default.
            # NOTE: checking every item is slow for large values: typeguard
            # 4.6.1 took 3.1 s for a list of 1,000,000 floats (2 loaded cores).
            check_type(
                value,
                expected,
                collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS,
            )
        except TypeCheckError as exc:
            raise TypeError(
                f"{self.label}: {role} {short_repr(value)} is not of type "
                f"{type_name(expected)} ({exc})"
            ) from exc

    def _check_hashable(self, value: Any, role: str) -> None:
        try:
            hash(value)
        except TypeError as exc:
            raise TypeError(
                f"{self.label}: {role} {short_repr(value)} is unhashable "
                f"({type(value).__name__})"
            ) from exc

    # Pickling and introspection.

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _restore,
            (
                type(self),
                self._actor.actor,
                self._actor.collection,
                self._consistency,
                self._name,
                self._types,
            ),
        )

    def __repr__(self) -> str:
        types = ""
        if self._types is not None:
            types = "[" + ", ".join(type_name(t) for t in self._types) + "]"
        return f"<{type(self).__name__}{types} {self._name!r} {self._consistency}>"

    def __copy__(self) -> Self:
        """Return ``self``: a proxy is a reference to the collection.

        A copy would reach the same collection, so ``copy.copy`` returns the
        proxy itself. To copy the contents of a dict, list or set, call its
        ``copy()``, which returns a builtin snapshot (one call per page).
        """
        return self


def _restore(
    cls: type[CollectionProxy],
    actor: ActorHandle,
    collection: str,
    consistency: Consistency,
    name: str,
    types: tuple[Any, ...] | None,
) -> CollectionProxy:
    proxy = cls.__new__(cls)
    CollectionProxy.__init__(
        proxy, Endpoint(actor, collection), consistency, name=name, types=types
    )
    return proxy


__all__ = ["CollectionProxy", "short_repr", "type_name"]
