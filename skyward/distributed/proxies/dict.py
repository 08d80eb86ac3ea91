"""Proxy of a distributed dict."""

from __future__ import annotations

import enum
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast, overload, override

from ..codec import OnValues
from ..state.dict import MISSING, Missing
from ..types import K, V
from .base import CollectionProxy, short_repr

if TYPE_CHECKING:
    from _typeshed import SupportsKeysAndGetItem

_T = TypeVar("_T")
_K2 = TypeVar("_K2")
_V2 = TypeVar("_V2")
_E = TypeVar("_E")


class _NoDefault(enum.Enum):
    """Marker of a ``pop`` call without a default, distinct from any value."""

    NO_DEFAULT = enum.auto()


_NO_DEFAULT = _NoDefault.NO_DEFAULT


class DictProxy(CollectionProxy, MutableMapping[K, V]):
    """A dict shared by every process of a pool.

    It behaves like the builtin ``dict`` (insertion order, LIFO ``popitem``,
    ``KeyError`` with the key as its argument, ``None`` as an ordinary
    value). Each method makes one call to the host (iteration one per page),
    so compound methods such as ``setdefault``, ``pop`` and ``update`` are
    atomic with respect to other processes. Because workers race, it adds atomic
    read-modify-write methods that run a picklable function on the host:
    ``merge``, ``merge_many`` and ``compute``.

    Under eventual consistency ``__setitem__``, ``update``, ``clear`` and
    ``merge_many`` return without waiting. Any other method waits, and it
    raises the error of an earlier unwaited write that failed.

    Iteration and the ``keys``/``values``/``items`` views read a snapshot
    one page (``PAGE_SIZE`` items) per call. ``dict(proxy)`` and ``{**proxy}``
    read every value with a call of its own, because ``dict`` does so for
    any mapping that is not a builtin dict: use ``copy()`` instead.

    Large numpy arrays and bytearrays are stored in Ray's object store and
    compared there by reference, so ``==``, ``in values()`` and ``in items()``
    treat two equal ones stored separately as different. ``merge`` and
    ``compute`` pass them to their function as writable arrays. ``bytes``
    stay in the host's memory and compare by content, as keys must.
    """

    KIND = "dict"

    # Abstract methods of MutableMapping.

    @override
    def __getitem__(self, key: K, /) -> V:
        """Return the value of ``key``; raise KeyError if it has none.

        Cost: one call.
        """
        self._check_hashable(key, "key")
        return cast(V, self._call("getitem", key))

    @override
    def __setitem__(self, key: K, value: V, /) -> None:
        """Set ``key`` to ``value``.

        Cost: one call; not waited for under eventual consistency.
        """
        self._check_item(key, value)
        self._write("set", key, value)

    @override
    def __delitem__(self, key: K, /) -> None:
        """Remove ``key``; raise KeyError if it has no value.

        Cost: one call, always waited for because it can raise.
        """
        self._check_hashable(key, "key")
        self._call("delete", key)

    @override
    def __len__(self) -> int:
        """Return the number of keys. Cost: one call."""
        return cast(int, self._call("length"))

    @override
    def __iter__(self) -> Iterator[K]:
        """Iterate over a snapshot of the keys.

        Cost: one call per page of ``PAGE_SIZE`` keys; snapshot taken at
        the first call.
        """
        return cast(Iterator[K], self._iterate("keys"))

    # Mixins of Mapping and MutableMapping that would take one call per key,
    # or several calls that other processes could interleave.

    @override
    def __contains__(self, key: object, /) -> bool:
        """Return whether ``key`` has a value. Cost: one call.

        Overridden: the mixin would fetch the value.
        """
        self._check_hashable(key, "key")
        return cast(bool, self._call("contains", key))

    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V, /) -> V: ...
    @overload
    def get(self, key: K, default: _T, /) -> V | _T: ...
    @override
    def get(self, key: K, default: object = None, /) -> object:
        """Return the value of ``key``, or ``default`` if it has none.

        Cost: one call; ``default`` is not sent. Overridden: the mixin
        makes the host raise, and send back, a KeyError for a missing key.
        """
        self._check_hashable(key, "key")
        value = self._call("get", key)
        return default if value is MISSING else value

    @override
    def __eq__(self, other: object) -> bool:
        """Return whether ``other`` is a mapping with the same items.

        Cost: one call that sends ``other`` (plus the pages that read
        ``other`` when it is a proxy of another collection). Overridden: the
        mixin would read the whole collection.
        """
        if not isinstance(other, Mapping):
            return NotImplemented
        # NOTE: a mapping with a value that cannot be pickled raises
        # TypeError here, where dict.__eq__ would compare it.
        if isinstance(other, DictProxy):
            if other._actor == self._actor:
                return True
            theirs = other.copy()
        else:
            theirs = dict(other.items())
        return cast(bool, self._call("equals", theirs))

    __hash__ = None  # type: ignore[assignment]  # unhashable, as set is  # mutable, like dict

    @override
    def keys(self) -> DictKeysView[K]:
        """Return a live, set-like view of the keys. Cost: no call."""
        return DictKeysView(self)

    @override
    def values(self) -> DictValuesView[V]:
        """Return a live view of the values. Cost: no call."""
        return DictValuesView(self)

    @override
    def items(self) -> DictItemsView[K, V]:
        """Return a live, set-like view of the ``(key, value)`` pairs.

        Cost: no call.
        """
        return DictItemsView(self)

    @overload
    def pop(self, key: K, /) -> V: ...
    @overload
    def pop(self, key: K, default: V, /) -> V: ...
    @overload
    def pop(self, key: K, default: _T, /) -> V | _T: ...
    @override
    def pop(self, key: K, default: object = _NO_DEFAULT, /) -> object:
        """Remove ``key`` and return its value.

        A missing key returns ``default`` if given, else raises KeyError.
        Cost: one call; ``default`` is not sent. Overridden: the mixin reads
        and deletes in two calls that other processes could interleave.
        """
        self._check_hashable(key, "key")
        if default is _NO_DEFAULT:
            return self._call("pop", key)
        value = self._call("pop", key, True)
        return default if value is MISSING else value

    @override
    def popitem(self) -> tuple[K, V]:
        """Remove and return the last inserted ``(key, value)`` pair.

        Raises KeyError when the dict is empty. Cost: one call. Overridden:
        the mixin removes the first key, not the last, in several calls.
        """
        return cast(tuple[K, V], self._call("popitem"))

    @overload
    def setdefault(
        self: DictProxy[K, _T | None], key: K, default: None = None, /
    ) -> _T | None: ...
    @overload
    def setdefault(self, key: K, default: V, /) -> V: ...
    @override
    def setdefault(self, key: K, default: Any = None, /) -> Any:
        """Return the value of ``key``, first setting it to ``default`` if
        the key has none.

        Cost: one call. Overridden: the mixin reads, then writes, in two
        calls that other processes could interleave.
        """
        self._check_item(key, default)
        return self._call("setdefault", key, default)

    @overload
    def update(self, other: SupportsKeysAndGetItem[K, V], /, **kwargs: V) -> None: ...
    @overload
    def update(self, other: Iterable[tuple[K, V]], /, **kwargs: V) -> None: ...
    @overload
    def update(self, /, **kwargs: V) -> None: ...
    @override
    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """Set every key of ``other`` and of ``kwargs``, as ``dict.update``.

        ``other`` is a mapping, an object with ``keys()`` and
        ``__getitem__``, or an iterable of key-value pairs. Every key and
        value is checked before anything is sent, so a bad item writes
        nothing. Cost: one call, not waited for under eventual consistency
        (plus the pages that read ``other`` when it is a proxy).
        Overridden: the mixin sets one key per call.
        """
        self._write("update", self._checked_pairs(other, kwargs))

    @override
    def clear(self) -> None:
        """Remove every key.

        Cost: one call, not waited for under eventual consistency.
        Overridden: the mixin pops one item per call.
        """
        self._write("clear")

    # Methods of dict that Mapping lacks.

    def copy(self) -> dict[K, V]:
        """Return a builtin dict with a snapshot of the items.

        Cost: one call per page of ``PAGE_SIZE`` items.
        """
        return dict(cast(Iterator[tuple[K, V]], self._iterate("items")))

    def __reversed__(self) -> Iterator[K]:
        """Iterate over a snapshot of the keys, last inserted first.

        Cost: one call per page, all taken before the first key is returned.
        """
        keys: list[K] = list(self._iterate("keys"))
        return iter(keys[::-1])

    def __or__(self, other: Mapping[_K2, _V2], /) -> dict[K | _K2, V | _V2]:
        """Return a builtin dict with a snapshot of the items, updated by
        ``other``. Cost: as ``copy``."""
        if not isinstance(other, Mapping):
            return NotImplemented
        result: dict[K | _K2, V | _V2] = dict(self.copy().items())
        result.update(other.items())
        return result

    def __ror__(self, other: Mapping[_K2, _V2], /) -> dict[K | _K2, V | _V2]:
        """Return a builtin dict with ``other``'s items, updated by a
        snapshot of this dict's items. Cost: as ``copy``."""
        if not isinstance(other, Mapping):
            return NotImplemented
        result: dict[K | _K2, V | _V2] = dict(other.items())
        result.update(self.copy().items())
        return result

    # As with dict, "|=" returns the proxy and also accepts key-value pairs.
    # mypy expects it to agree with "|", which returns a builtin dict.
    @overload  # type: ignore[misc]
    def __ior__(self, other: SupportsKeysAndGetItem[K, V], /) -> Self: ...
    @overload
    def __ior__(self, other: Iterable[tuple[K, V]], /) -> Self: ...
    def __ior__(self, other: Any, /) -> Self:  # type: ignore[misc]
        """Update in place with ``other``, as ``update``. Cost: as ``update``."""
        self.update(other)
        return self

    # Beyond dict: reads of many keys and atomic read-modify-write.

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """Return a builtin dict of the given keys that have values.

        Missing keys are left out. Cost: one call.
        """
        return cast(dict[K, V], self._call("get_many", self._checked_keys(keys)))

    def merge(self, key: K, value: V, fn: Callable[[V, V], V]) -> V:
        """Set ``key`` to ``value`` if it has none, else to ``fn(old, value)``;
        return the value stored.

        ``fn`` runs on the host, atomically with respect to other calls, so
        ``d.merge(word, 1, operator.add)`` counts words from many workers.
        It must be picklable (a lambda is). An exception raised by ``fn``
        reaches the caller with its type, and the key is left unchanged.
        Unlike Java's ``Map.merge``, a ``None`` result is stored, not a
        removal. Cost: one call.
        """
        # NOTE: results of fn in merge, merge_many and compute are not
        # checked against the type arguments: they are made on the host.
        self._check_item(key, value)
        return cast(V, self._call("merge", key, value, self._host_function(fn)))

    def merge_many(
        self,
        items: SupportsKeysAndGetItem[K, V] | Iterable[tuple[K, V]],
        fn: Callable[[V, V], V],
    ) -> None:
        """Merge every ``(key, value)`` of ``items`` as ``merge`` does.

        All or nothing: when ``fn`` raises on one item no key changes.
        Cost: one call, not waited for under eventual consistency (then an
        error of ``fn`` raises on the next waiting call or ``flush``).
        """
        self._write(
            "merge_many", self._checked_pairs(items, {}), self._host_function(fn)
        )

    @overload
    def compute(self, key: K, fn: Callable[[V | Missing], V]) -> V: ...
    @overload
    def compute(
        self, key: K, fn: Callable[[V | Missing], V | Missing]
    ) -> V | Missing: ...
    def compute(self, key: K, fn: Callable[[V | Missing], Any]) -> Any:
        """Set ``key`` to ``fn(old)`` and return the new value.

        ``fn`` gets ``MISSING`` when the key has no value, and deletes the
        key by returning ``MISSING``. It runs on the host, atomically with
        respect to other calls. An exception raised by ``fn`` reaches the
        caller with its type, and the key is left unchanged. Cost: one call.
        """
        self._check_hashable(key, "key")
        self._check_type(key, 0, "key")
        return self._call("compute", key, self._host_function(fn))

    # Async forms: the same operations and costs, awaited without blocking
    # the event loop. Blind writes are still not waited for under eventual
    # consistency.

    async def getitem_async(self, key: K) -> V:
        """Await ``self[key]``."""
        self._check_hashable(key, "key")
        return cast(V, await self._call_async("getitem", key))

    @overload
    async def get_async(self, key: K, /) -> V | None: ...
    @overload
    async def get_async(self, key: K, default: V, /) -> V: ...
    @overload
    async def get_async(self, key: K, default: _T, /) -> V | _T: ...
    async def get_async(self, key: K, default: object = None, /) -> object:
        """Await ``get``."""
        self._check_hashable(key, "key")
        value = await self._call_async("get", key)
        return default if value is MISSING else value

    async def set_async(self, key: K, value: V) -> None:
        """Await ``self[key] = value``."""
        self._check_item(key, value)
        await self._write_async("set", key, value)

    async def delete_async(self, key: K) -> None:
        """Await ``del self[key]``."""
        self._check_hashable(key, "key")
        await self._call_async("delete", key)

    async def contains_async(self, key: object) -> bool:
        """Await ``key in self``."""
        self._check_hashable(key, "key")
        return cast(bool, await self._call_async("contains", key))

    async def len_async(self) -> int:
        """Await ``len(self)``."""
        return cast(int, await self._call_async("length"))

    async def keys_async(self) -> list[K]:
        """Await a snapshot of the keys as a list."""
        return await self._collect_async("keys")

    async def values_async(self) -> list[V]:
        """Await a snapshot of the values as a list."""
        return await self._collect_async("values")

    async def items_async(self) -> list[tuple[K, V]]:
        """Await a snapshot of the ``(key, value)`` pairs as a list."""
        return await self._collect_async("items")

    async def copy_async(self) -> dict[K, V]:
        """Await ``copy``."""
        return dict(await self.items_async())

    @overload
    async def pop_async(self, key: K, /) -> V: ...
    @overload
    async def pop_async(self, key: K, default: V, /) -> V: ...
    @overload
    async def pop_async(self, key: K, default: _T, /) -> V | _T: ...
    async def pop_async(self, key: K, default: object = _NO_DEFAULT, /) -> object:
        """Await ``pop``."""
        self._check_hashable(key, "key")
        if default is _NO_DEFAULT:
            return await self._call_async("pop", key)
        value = await self._call_async("pop", key, True)
        return default if value is MISSING else value

    async def popitem_async(self) -> tuple[K, V]:
        """Await ``popitem``."""
        return cast(tuple[K, V], await self._call_async("popitem"))

    @overload
    async def setdefault_async(
        self: DictProxy[K, _T | None], key: K, default: None = None, /
    ) -> _T | None: ...
    @overload
    async def setdefault_async(self, key: K, default: V, /) -> V: ...
    async def setdefault_async(self, key: K, default: Any = None, /) -> Any:
        """Await ``setdefault``."""
        self._check_item(key, default)
        return await self._call_async("setdefault", key, default)

    @overload
    async def update_async(
        self, other: SupportsKeysAndGetItem[K, V], /, **kwargs: V
    ) -> None: ...
    @overload
    async def update_async(
        self, other: Iterable[tuple[K, V]], /, **kwargs: V
    ) -> None: ...
    @overload
    async def update_async(self, /, **kwargs: V) -> None: ...
    async def update_async(self, other: Any = (), /, **kwargs: Any) -> None:
        """Await ``update``."""
        other = await _read_pairs_async(other)
        await self._write_async("update", self._checked_pairs(other, kwargs))

    async def clear_async(self) -> None:
        """Await ``clear``."""
        await self._write_async("clear")

    async def get_many_async(self, keys: Iterable[K]) -> dict[K, V]:
        """Await ``get_many``."""
        keys = self._checked_keys(await _read_keys_async(keys))
        return cast(dict[K, V], await self._call_async("get_many", keys))

    async def merge_async(self, key: K, value: V, fn: Callable[[V, V], V]) -> V:
        """Await ``merge``."""
        self._check_item(key, value)
        return cast(
            V, await self._call_async("merge", key, value, self._host_function(fn))
        )

    async def merge_many_async(
        self,
        items: SupportsKeysAndGetItem[K, V] | Iterable[tuple[K, V]],
        fn: Callable[[V, V], V],
    ) -> None:
        """Await ``merge_many``."""
        pairs = self._checked_pairs(await _read_pairs_async(items), {})
        await self._write_async("merge_many", pairs, self._host_function(fn))

    @overload
    async def compute_async(self, key: K, fn: Callable[[V | Missing], V]) -> V: ...
    @overload
    async def compute_async(
        self, key: K, fn: Callable[[V | Missing], V | Missing]
    ) -> V | Missing: ...
    async def compute_async(self, key: K, fn: Callable[[V | Missing], Any]) -> Any:
        """Await ``compute``."""
        self._check_hashable(key, "key")
        self._check_type(key, 0, "key")
        return await self._call_async("compute", key, self._host_function(fn))

    # Checks made before anything is sent.

    def _check_item(self, key: object, value: object) -> None:
        self._check_hashable(key, "key")
        self._check_type(key, 0, "key")
        self._check_type(value, 1, "value")
        if value is MISSING:
            # get and pop return MISSING for an absent key, so a stored
            # MISSING would read as absent.
            raise TypeError(
                f"{self.label}: MISSING marks a key without a value and cannot "
                f"be stored under key {short_repr(key)}"
            )

    def _host_function(self, fn: Callable[..., Any]) -> OnValues:
        """Return ``fn`` wrapped to get large values, not their references."""
        # Checked here because merge calls fn only for a key that has a value.
        if not callable(fn):
            raise TypeError(
                f"{self.label}: fn must be callable, not {type(fn).__name__} "
                f"{short_repr(fn)}. Pass a function such as operator.add or a "
                f"lambda."
            )
        return OnValues(fn)

    def _checked_keys(self, keys: Iterable[K]) -> list[K]:
        keys = list(keys)
        for key in keys:
            self._check_hashable(key, "key")
        return keys

    def _checked_pairs(self, other: Any, kwargs: Mapping[str, Any]) -> list[Any]:
        """Return the pairs ``dict.update(other, **kwargs)`` would set, checked.

        Raises what ``dict.update`` raises for a malformed ``other``, and
        TypeError for a key or value of the wrong type.
        """
        pairs: list[tuple[Any, Any]]
        if isinstance(other, Mapping):
            pairs = list(iter(other.items()))
        elif hasattr(other, "keys"):
            pairs = [(key, other[key]) for key in other.keys()]
        else:
            pairs = self._pairs_of_sequence(other)
        pairs.extend(kwargs.items())
        for key, value in pairs:
            self._check_item(key, value)
        return pairs

    def _pairs_of_sequence(self, other: object) -> list[tuple[Any, Any]]:
        if not isinstance(other, Iterable):
            raise TypeError(
                f"{self.label}: expected a mapping or an iterable of key-value "
                f"pairs, not {type(other).__name__} {other!r}"
            )
        pairs: list[tuple[Any, Any]] = []
        for index, element in enumerate(other):
            try:
                pair = tuple(element)
            except TypeError as exc:
                raise TypeError(
                    f"{self.label}: cannot convert update sequence element "
                    f"#{index} ({element!r}) to a sequence"
                ) from exc
            if len(pair) != 2:
                raise ValueError(
                    f"{self.label}: update sequence element #{index} has length "
                    f"{len(pair)}; 2 is required"
                )
            pairs.append((pair[0], pair[1]))
        return pairs


class _SnapshotSetOperations(AbstractSet[_E]):
    """Set operations and comparisons of a view, made on one snapshot.

    Each reads the view once (one call per page) and returns a builtin set,
    as the operations of ``dict.keys()`` and ``dict.items()`` do.
    """

    def _snapshot(self) -> set[_E]:
        return set(iter(self))

    @override
    def __and__(self, other: Iterable[Any], /) -> set[_E]:
        if not isinstance(other, Iterable):
            return NotImplemented
        return self._snapshot().intersection(other)

    def __rand__(self, other: Iterable[_T], /) -> set[_T]:
        if not isinstance(other, Iterable):
            return NotImplemented
        return set(other).intersection(self._snapshot())

    @override
    def __or__(self, other: Iterable[_T], /) -> set[_E | _T]:
        if not isinstance(other, Iterable):
            return NotImplemented
        return set[_E | _T](self._snapshot()).union(other)

    def __ror__(self, other: Iterable[_T], /) -> set[_E | _T]:
        return self.__or__(other)

    @override
    def __sub__(self, other: Iterable[Any], /) -> set[_E]:
        if not isinstance(other, Iterable):
            return NotImplemented
        return self._snapshot().difference(other)

    def __rsub__(self, other: Iterable[_T], /) -> set[_T]:
        if not isinstance(other, Iterable):
            return NotImplemented
        return set(other).difference(self._snapshot())

    @override
    def __xor__(self, other: Iterable[_T], /) -> set[_E | _T]:
        if not isinstance(other, Iterable):
            return NotImplemented
        return set[_E | _T](self._snapshot()).symmetric_difference(other)

    def __rxor__(self, other: Iterable[_T], /) -> set[_E | _T]:
        return self.__xor__(other)

    @override
    def isdisjoint(self, other: Iterable[Any]) -> bool:
        return self._snapshot().isdisjoint(other)

    @override
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        return self._snapshot() == set(other)

    @override
    def __le__(self, other: AbstractSet[Any]) -> bool:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        return self._snapshot() <= set(other)

    @override
    def __lt__(self, other: AbstractSet[Any]) -> bool:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        return self._snapshot() < set(other)

    @override
    def __ge__(self, other: AbstractSet[Any]) -> bool:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        return self._snapshot() >= set(other)

    @override
    def __gt__(self, other: AbstractSet[Any]) -> bool:
        if not isinstance(other, AbstractSet):
            return NotImplemented
        return self._snapshot() > set(other)

    __hash__ = None  # type: ignore[assignment]


class DictKeysView(_SnapshotSetOperations[K], KeysView[K]):
    """Live, set-like view of a ``DictProxy``'s keys.

    ``len`` and ``in`` cost one call each, and iteration one call per page.
    Set operations and comparisons read one snapshot of the keys and
    return builtin sets, as ``dict.keys()`` does.
    """

    _mapping: DictProxy[K, Any]

    def __init__(self, proxy: DictProxy[K, Any]) -> None:
        super().__init__(proxy)


class DictItemsView(_SnapshotSetOperations[tuple[K, V]], ItemsView[K, V]):
    """Live, set-like view of a ``DictProxy``'s ``(key, value)`` pairs.

    ``len`` and ``in`` cost one call each, and iteration one call per page.
    Set operations and comparisons read one snapshot of the pairs and
    return builtin sets; like ``dict.items()``, they need hashable values.
    """

    _mapping: DictProxy[K, V]

    def __init__(self, proxy: DictProxy[K, V]) -> None:
        super().__init__(proxy)

    @override
    def __contains__(self, item: object, /) -> bool:
        """Return whether ``item`` is a ``(key, value)`` pair of the dict.

        Cost: one call. Overridden: the mixin fetches the value to compare.
        """
        if not isinstance(item, tuple) or len(item) != 2:
            return False
        key, value = item
        self._mapping._check_hashable(key, "key")
        return cast(bool, self._mapping._call("contains_item", key, value))

    @override
    def __iter__(self) -> Iterator[tuple[K, V]]:
        """Iterate over a snapshot of the pairs; one call per page.

        Overridden: the mixin fetches each value with a call of its own.
        """
        return cast(Iterator[tuple[K, V]], self._mapping._iterate("items"))


class DictValuesView(ValuesView[V]):
    """Live view of a ``DictProxy``'s values.

    ``len`` and ``in`` cost one call each, and iteration one call per page.
    """

    _mapping: DictProxy[Any, V]

    def __init__(self, proxy: DictProxy[Any, V]) -> None:
        super().__init__(proxy)

    @override
    def __contains__(self, value: object, /) -> bool:
        """Return whether some key has ``value``. Cost: one call.

        Overridden: the mixin fetches every value.
        """
        return cast(bool, self._mapping._call("contains_value", value))

    @override
    def __iter__(self) -> Iterator[V]:
        """Iterate over a snapshot of the values; one call per page.

        Overridden: the mixin fetches each value with a call of its own.
        """
        return cast(Iterator[V], self._mapping._iterate("values"))


# Iterating a proxy or its view waits for the host in blocking calls, so the
# async forms read such an argument with the awaiting forms first.


async def _read_pairs_async(source: Any) -> Any:
    """Return the items of a proxy or items view as a list, else ``source``."""
    if isinstance(source, DictProxy):
        return await source.items_async()
    if isinstance(source, DictItemsView):
        return await source._mapping.items_async()
    return source


async def _read_keys_async(source: Any) -> Any:
    """Return the keys of a proxy or keys view as a list, else ``source``."""
    if isinstance(source, DictProxy):
        return await source.keys_async()
    if isinstance(source, DictKeysView):
        return await source._mapping.keys_async()
    return source


__all__ = [
    "MISSING",
    "DictItemsView",
    "DictKeysView",
    "DictProxy",
    "DictValuesView",
    "Missing",
]
