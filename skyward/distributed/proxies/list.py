"""Proxy of a distributed list."""

from __future__ import annotations

import builtins
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from typing import TYPE_CHECKING, Any, Self, SupportsIndex, cast, overload, override

from ..types import T
from .base import CollectionProxy

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

_SNAPSHOT_KINDS = frozenset({"list", "set"})


class ListProxy(CollectionProxy, MutableSequence[T]):
    """A list shared by every process of a pool.

    Every operation of ``list`` is one call to the host, so compound ones
    (``pop``, ``remove``, ``sort``, ``+=``, slice assignment) are atomic with
    respect to other processes. Iteration and ``copy`` walk a snapshot one
    page per call, and the snapshot is taken when the first page is fetched.
    ``list(proxy)`` calls ``len`` first, one call more than ``copy()``. An
    operand that is another proxy (``extend(other)``, ``self == other``)
    costs a snapshot of it first.

    Under eventual consistency the blind writes (``append``, ``extend``,
    ``+=``, ``*=``, ``insert``, ``reverse``, ``clear``) are sent without
    waiting. Calls that return a value or can fail on their argument (item
    assignment and deletion, ``pop``, ``remove``, ``sort``) always wait.
    A process's writes are applied in the order it issued them.

    Differences from ``list``: slices, ``+`` and ``*`` return builtin
    lists. ``repr`` names the collection instead of listing the items. An
    iterator never sees items appended after its snapshot was taken.
    ``sort`` pickles its key function and runs it on the host. Items read
    back are copies, so ``proxy[0] is proxy[0]`` is false for objects.
    """

    KIND = "list"

    # Size and lookup.

    @override
    def __len__(self) -> int:
        """Return the number of items. Cost: one call."""
        return cast(int, self._call("len"))

    @overload
    def __getitem__(self, index: SupportsIndex) -> T: ...

    @overload
    def __getitem__(self, index: builtins.slice) -> list[T]: ...

    @override
    def __getitem__(self, index: SupportsIndex | builtins.slice) -> T | list[T]:
        """Return the item at ``index``, or a builtin list for a slice.

        Cost: one call. Raises IndexError for an index out of range.
        """
        return cast("T | list[T]", self._call("getitem", self._subscript(index)))

    # Overridden because the mixin would fetch the items one call at a time.
    @override
    def __contains__(self, value: object) -> bool:
        """Return whether an item equals ``value``. Cost: one call."""
        return bool(self._call("contains", value))

    # Overridden because the mixin would call __getitem__ once per item.
    @override
    def __iter__(self) -> Iterator[T]:
        """Iterate over a snapshot. Cost: one call per page."""
        return self._iterate("items")

    # Overridden because the mixin would call __getitem__ once per item.
    @override
    def __reversed__(self) -> Iterator[T]:
        """Iterate over a snapshot, last item first. Cost: one call per page."""
        return self._iterate("reversed")

    # Overridden because the mixin would fetch the items one call at a time.
    @override
    def index(
        self, value: Any, start: SupportsIndex = 0, stop: SupportsIndex = sys.maxsize
    ) -> int:
        """Return the first position of ``value`` in ``[start:stop]``.

        Cost: one call. Raises ValueError when no item equals ``value``.
        """
        start = _slice_index(self, start)
        stop = _slice_index(self, stop)
        return cast(int, self._call("index", value, start, stop))

    # Overridden because the mixin would fetch the items one call at a time.
    @override
    def count(self, value: Any) -> int:
        """Return how many items equal ``value``. Cost: one call."""
        return cast(int, self._call("count", value))

    def slice(self, start: int | None, end: int | None) -> list[T]:
        """Return ``self[start:end]`` as a builtin list. Cost: one call."""
        return self[start:end]

    def copy(self) -> list[T]:
        """Return a snapshot as a builtin list. Cost: one call per page."""
        return list(self._iterate("items"))

    # Comparison and arithmetic. The other operand of ``==``, ``<``, ``+``
    # must be a list or a ListProxy, as for ``list``.

    @override
    def __eq__(self, other: object) -> bool:
        """Compare with a list or a ListProxy. Cost: one call."""
        result = self._compare("eq", other)
        return NotImplemented if result is None else result

    def __lt__(self, other: object) -> bool:
        """Compare lexicographically, as lists do. Cost: one call."""
        result = self._compare("lt", other)
        return NotImplemented if result is None else result

    def __le__(self, other: object) -> bool:
        """Compare lexicographically, as lists do. Cost: one call."""
        result = self._compare("le", other)
        return NotImplemented if result is None else result

    def __gt__(self, other: object) -> bool:
        """Compare lexicographically, as lists do. Cost: one call."""
        result = self._compare("gt", other)
        return NotImplemented if result is None else result

    def __ge__(self, other: object) -> bool:
        """Compare lexicographically, as lists do. Cost: one call."""
        result = self._compare("ge", other)
        return NotImplemented if result is None else result

    __hash__ = None  # type: ignore[assignment]  # mutable, like list

    def __add__(self, other: list[T] | ListProxy[T]) -> list[T]:
        """Return the items followed by ``other``'s as a builtin list.

        Cost: one call.
        """
        operand = self._list_operand(other)
        if operand is None:
            return NotImplemented
        return cast("list[T]", self._call("concat", operand))

    def __radd__(self, other: list[T]) -> list[T]:
        """Return ``other``'s items followed by these as a builtin list.

        Cost: one call.
        """
        operand = self._list_operand(other)
        if operand is None:
            return NotImplemented
        return cast("list[T]", self._call("concat", operand, reflected=True))

    def __mul__(self, n: SupportsIndex) -> list[T]:
        """Return the items repeated ``n`` times as a builtin list.

        Cost: one call. Raises OverflowError when the result would be longer
        than ``MAX_REPEAT_LENGTH`` items.
        """
        count = _optional_index(n)
        if count is None:
            return NotImplemented
        return cast("list[T]", self._call("repeat", count))

    __rmul__ = __mul__

    # Writes.

    @overload
    def __setitem__(self, index: SupportsIndex, value: T) -> None: ...

    @overload
    def __setitem__(self, index: builtins.slice, value: Iterable[T]) -> None: ...

    @override
    def __setitem__(self, index: SupportsIndex | builtins.slice, value: Any) -> None:
        """Replace the item at ``index``, or the items of a slice.

        Cost: one call; waits because it can fail. Raises IndexError for an
        index out of range and ValueError when an extended slice and the
        new items differ in length.
        """
        subscript = self._subscript(index)
        if isinstance(subscript, builtins.slice):
            value = self._new_items(value)
        else:
            self._check_type(value, 0, "item")
        self._call("setitem", subscript, value)

    @override
    def __delitem__(self, index: SupportsIndex | builtins.slice) -> None:
        """Delete the item at ``index``, or the items of a slice.

        Cost: one call; waits because it can fail. Raises IndexError for an
        index out of range.
        """
        self._call("delitem", self._subscript(index))

    # Overridden because the mixin would call len, then insert.
    @override
    def append(self, value: T) -> None:
        """Append ``value``. Cost: one call; blind under eventual consistency."""
        self._check_type(value, 0, "item")
        self._write("append", value)

    # Overridden because the mixin would append one item per call.
    @override
    def extend(self, values: Iterable[T]) -> None:
        """Append every item of ``values``.

        ``values`` is read into a list here, and every item is type-checked
        before anything is sent, so a bad item leaves the list unchanged.
        Cost: one call (plus one per page when ``values`` is another
        proxy); blind under eventual consistency.
        """
        if self._is_same(values):
            self._write("repeat_in_place", 2)
            return
        self._write("extend", self._new_items(values))

    # Overridden because the mixin would append one item per call.
    @override
    def __iadd__(self, values: Iterable[T]) -> Self:
        """Extend with ``values`` and return this proxy. Cost: as ``extend``."""
        self.extend(values)
        return self

    def __imul__(self, n: SupportsIndex) -> Self:
        """Repeat the items ``n`` times in place and return this proxy.

        Cost: one call; blind under eventual consistency. The host raises
        OverflowError when the list would be longer than
        ``MAX_REPEAT_LENGTH`` items, and leaves it unchanged.
        """
        count = _optional_index(n)
        if count is None:
            return NotImplemented
        self._write("repeat_in_place", count)
        return self

    @override
    def insert(self, index: SupportsIndex, value: T) -> None:
        """Insert ``value`` before ``index``, clamped to the list as ``list`` does.

        Cost: one call; blind under eventual consistency.
        """
        position = operator.index(index)
        self._check_type(value, 0, "item")
        self._write("insert", position, value)

    # Overridden because the mixin's read and delete would be two calls, not atomic.
    @override
    def pop(self, index: SupportsIndex = -1) -> T:
        """Remove and return the item at ``index`` (the last by default).

        Cost: one call. Raises IndexError when the list is empty or
        ``index`` is out of range.
        """
        return cast(T, self._call("pop", operator.index(index)))

    # Overridden because the mixin's index and delete would be two calls, not atomic.
    @override
    def remove(self, value: T) -> None:
        """Remove the first item equal to ``value``.

        Cost: one call. Raises ValueError when no item equals ``value``.
        """
        self._call("remove", value)

    # Overridden because the mixin would swap items two calls at a time.
    @override
    def reverse(self) -> None:
        """Reverse the items in place. Cost: one call; blind under eventual."""
        self._write("reverse")

    # Overridden because the mixin would pop one item per call.
    @override
    def clear(self) -> None:
        """Remove every item. Cost: one call; blind under eventual consistency."""
        self._write("clear")

    def sort(
        self,
        *,
        key: Callable[[T], SupportsRichComparison] | None = None,
        reverse: bool = False,
    ) -> None:
        """Sort the items in place on the host, stably, as ``list.sort`` does.

        ``key`` is pickled (with cloudpickle, so lambdas work) and runs on
        the host. Cost: one call; waits because comparisons can fail.
        """
        self._call("sort", key, reverse)

    # Async forms: the same operations and costs, awaited.

    async def len_async(self) -> int:
        """Await ``len(self)``."""
        return cast(int, await self._call_async("len"))

    @overload
    async def getitem_async(self, index: SupportsIndex) -> T: ...

    @overload
    async def getitem_async(self, index: builtins.slice) -> list[T]: ...

    async def getitem_async(self, index: SupportsIndex | builtins.slice) -> T | list[T]:
        """Await ``self[index]``."""
        result = await self._call_async("getitem", self._subscript(index))
        return cast("T | list[T]", result)

    async def contains_async(self, value: object) -> bool:
        """Await ``value in self``."""
        return bool(await self._call_async("contains", value))

    async def index_async(
        self, value: Any, start: SupportsIndex = 0, stop: SupportsIndex = sys.maxsize
    ) -> int:
        """Await ``index``."""
        start = _slice_index(self, start)
        stop = _slice_index(self, stop)
        return cast(int, await self._call_async("index", value, start, stop))

    async def count_async(self, value: Any) -> int:
        """Await ``count``."""
        return cast(int, await self._call_async("count", value))

    async def slice_async(self, start: int | None, end: int | None) -> list[T]:
        """Await ``slice``."""
        subscript = self._subscript(slice(start, end))
        return cast("list[T]", await self._call_async("getitem", subscript))

    async def copy_async(self) -> list[T]:
        """Await a snapshot as a builtin list. Cost: one call per page."""
        return await self._collect_async("items")

    async def eq_async(self, other: object) -> bool:
        """Await ``self == other``."""
        if self._is_same(other):
            return True
        if isinstance(other, ListProxy):
            other = await other.copy_async()
        if not isinstance(other, list):
            return False
        return bool(await self._call_async("compare", "eq", other))

    @overload
    async def setitem_async(self, index: SupportsIndex, value: T) -> None: ...

    @overload
    async def setitem_async(
        self, index: builtins.slice, value: Iterable[T]
    ) -> None: ...

    async def setitem_async(
        self, index: SupportsIndex | builtins.slice, value: Any
    ) -> None:
        """Await ``self[index] = value``."""
        subscript = self._subscript(index)
        if isinstance(subscript, builtins.slice):
            value = self._checked(await snapshot_async(value))
        else:
            self._check_type(value, 0, "item")
        await self._call_async("setitem", subscript, value)

    async def delitem_async(self, index: SupportsIndex | builtins.slice) -> None:
        """Await ``del self[index]``."""
        await self._call_async("delitem", self._subscript(index))

    async def append_async(self, value: T) -> None:
        """Await ``append``."""
        self._check_type(value, 0, "item")
        await self._write_async("append", value)

    async def extend_async(self, values: Iterable[T]) -> None:
        """Await ``extend``."""
        if self._is_same(values):
            await self._write_async("repeat_in_place", 2)
            return
        await self._write_async("extend", self._checked(await snapshot_async(values)))

    async def imul_async(self, n: SupportsIndex) -> None:
        """Await ``self *= n``."""
        await self._write_async("repeat_in_place", operator.index(n))

    async def insert_async(self, index: SupportsIndex, value: T) -> None:
        """Await ``insert``."""
        position = operator.index(index)
        self._check_type(value, 0, "item")
        await self._write_async("insert", position, value)

    async def pop_async(self, index: SupportsIndex = -1) -> T:
        """Await ``pop``."""
        return cast(T, await self._call_async("pop", operator.index(index)))

    async def remove_async(self, value: T) -> None:
        """Await ``remove``."""
        await self._call_async("remove", value)

    async def reverse_async(self) -> None:
        """Await ``reverse``."""
        await self._write_async("reverse")

    async def clear_async(self) -> None:
        """Await ``clear``."""
        await self._write_async("clear")

    async def sort_async(
        self,
        *,
        key: Callable[[T], SupportsRichComparison] | None = None,
        reverse: bool = False,
    ) -> None:
        """Await ``sort``."""
        await self._call_async("sort", key, reverse)

    # Helpers.

    def _subscript(self, index: object) -> int | builtins.slice:
        """Convert ``index`` to an int or a slice of ints, as ``list`` reads it."""
        if isinstance(index, builtins.slice):
            return slice(
                _slice_index(self, index.start),
                _slice_index(self, index.stop),
                _slice_index(self, index.step),
            )
        try:
            # Any object may define __index__; operator.index checks it.
            return operator.index(index)  # type: ignore[arg-type]
        except TypeError:
            # The message names the type, which is all that the error of
            # operator.index contains, so the traceback leaves that error out.
            raise TypeError(
                f"{self.label}: list indices must be integers or slices, "
                f"not {type(index).__name__}"
            ) from None

    def _is_same(self, other: object) -> bool:
        return isinstance(other, ListProxy) and other._actor == self._actor

    def _checked(self, items: list[Any]) -> list[Any]:
        for item in items:
            self._check_type(item, 0, "item")
        return items

    def _new_items(self, values: Iterable[Any]) -> list[Any]:
        """Read ``values`` into a list and type-check every item."""
        return self._checked(read_items(values))

    def _list_operand(self, other: object) -> list[Any] | None:
        if isinstance(other, ListProxy):
            return other.copy()
        if isinstance(other, list):
            return other
        return None

    def _compare(self, op: str, other: object) -> bool | None:
        """Return ``self <op> other``, or None when ``other`` is unsupported."""
        if self._is_same(other):
            return op in ("eq", "le", "ge")
        operand = self._list_operand(other)
        if operand is None:
            return None
        return bool(self._call("compare", op, operand))


def _slice_index(proxy: CollectionProxy, value: Any) -> Any:
    if value is None:
        return None
    try:
        return operator.index(value)
    except TypeError:
        # As in _subscript: the error of operator.index only repeats the type.
        raise TypeError(
            f"{proxy.label}: slice indices must be integers or None or have an "
            f"__index__ method, not {type(value).__name__}"
        ) from None


def _optional_index(value: object) -> int | None:
    try:
        # Any object may define __index__; operator.index checks it.
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def read_items(values: Iterable[Any]) -> list[Any]:
    """Read ``values`` into a new list.

    Unlike ``list(values)`` this never calls ``len`` or
    ``__length_hint__``, because a proxy would spend a call on ``len`` and
    ``list`` raises MemoryError for an iterator with a huge length hint.
    """
    if type(values) in (list, tuple):
        return list(values)
    return [item for item in values]


async def snapshot_async(values: Iterable[Any]) -> list[Any]:
    """Read ``values`` into a list; await a list or set proxy page by page."""
    if isinstance(values, CollectionProxy) and values.KIND in _SNAPSHOT_KINDS:
        return await values._collect_async("items")
    return read_items(values)


__all__ = ["ListProxy"]
