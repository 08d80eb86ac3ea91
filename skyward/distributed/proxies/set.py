"""Proxy of a distributed set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from collections.abc import Set as AbstractSet
from typing import Any, Self, cast, override

from ..types import T
from .base import CollectionProxy
from .list import read_items, snapshot_async


class SetProxy(CollectionProxy, MutableSet[T]):
    """A set shared by every process of a pool.

    Every operation of ``set`` is one call to the host, so compound ones
    (``pop``, ``remove``, ``|=``, ``intersection_update``, comparisons) are
    atomic with respect to other processes. Operators and the methods that
    build a new set (``union``, ``copy``, ...) return builtin sets.
    Iteration walks a snapshot one page per call.

    Under eventual consistency the blind writes (``add``, ``discard``,
    ``clear``, ``update`` and the other ``*_update`` methods, ``|=``,
    ``&=``, ``-=``, ``^=``) are sent without waiting. ``remove``, ``pop``
    and ``add_new`` always wait. A process's writes are applied in the
    order it issued them.

    As ``set`` does, the proxy looks up a set argument of ``in``,
    ``remove`` and ``discard`` as the equal frozenset. It does the same for
    a SetProxy argument, at the cost of a snapshot of that proxy. Operators
    accept any ``collections.abc.Set`` as the other operand, where ``set``
    accepts only sets and frozensets. Named methods accept any iterables,
    and an operand that is another proxy costs a snapshot of it first.
    """

    KIND = "set"

    # Lookup.

    @override
    def __len__(self) -> int:
        """Return the number of members. Cost: one call."""
        return cast(int, self._call("len"))

    @override
    def __contains__(self, value: object) -> bool:
        """Return whether ``value`` is a member. Cost: one call.

        Raises TypeError, before sending, when ``value`` is unhashable.
        """
        return bool(self._call("contains", self._lookup_key(value)))

    @override
    def __iter__(self) -> Iterator[T]:
        """Iterate over a snapshot. Cost: one call per page."""
        return self._iterate("items")

    def copy(self) -> set[T]:
        """Return a snapshot as a builtin set. Cost: one call per page."""
        return set(self._iterate("items"))

    # Comparisons, with any collections.abc.Set.

    # Overridden because the mixin would iterate the set one page per call.
    @override
    def __eq__(self, other: object) -> bool:
        """Return whether ``other`` is a Set with the same members. Cost: one call."""
        result = self._compare("eq", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would test membership one call per member.
    @override
    def __le__(self, other: AbstractSet[Any]) -> bool:
        """Return whether every member is in ``other``. Cost: one call."""
        result = self._compare("le", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would test membership one call per member.
    @override
    def __lt__(self, other: AbstractSet[Any]) -> bool:
        """Return whether this is a proper subset of ``other``. Cost: one call."""
        result = self._compare("lt", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would test membership one call per member.
    @override
    def __ge__(self, other: AbstractSet[Any]) -> bool:
        """Return whether every member of ``other`` is here. Cost: one call."""
        result = self._compare("ge", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would test membership one call per member.
    @override
    def __gt__(self, other: AbstractSet[Any]) -> bool:
        """Return whether this is a proper superset of ``other``. Cost: one call."""
        result = self._compare("gt", other)
        return NotImplemented if result is None else result

    __hash__ = None  # type: ignore[assignment]  # mutable, like set

    def issubset(self, other: Iterable[Any]) -> bool:
        """Return whether every member is in ``other``. Cost: one call."""
        return bool(self._call("compare", "le", self._operand(other)))

    def issuperset(self, other: Iterable[Any]) -> bool:
        """Return whether every item of ``other`` is a member. Cost: one call."""
        return bool(self._call("compare", "ge", self._operand(other)))

    # Overridden because the mixin would test membership one call per item.
    @override
    def isdisjoint(self, other: Iterable[Any]) -> bool:
        """Return whether no item of ``other`` is a member. Cost: one call."""
        return bool(self._call("isdisjoint", self._operand(other)))

    # Operators and the methods that build a new builtin set.

    # Overridden because the mixin would test membership one call per item.
    @override
    def __and__(self, other: AbstractSet[Any]) -> set[T]:
        """Return the common members as a builtin set. Cost: one call."""
        result = self._binary("intersection", other)
        return NotImplemented if result is None else result

    def __rand__(self, other: AbstractSet[Any]) -> set[T]:
        """Return the common members as a builtin set. Cost: one call."""
        result = self._binary("intersection", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would iterate the set one page per call.
    @override
    def __or__(self, other: AbstractSet[Any]) -> set[Any]:
        """Return the members of both as a builtin set. Cost: one call."""
        result = self._binary("union", other)
        return NotImplemented if result is None else result

    def __ror__(self, other: AbstractSet[Any]) -> set[Any]:
        """Return the members of both as a builtin set. Cost: one call."""
        result = self._binary("union", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would test membership one call per item.
    @override
    def __sub__(self, other: AbstractSet[Any]) -> set[T]:
        """Return the members not in ``other`` as a builtin set. Cost: one call."""
        result = self._binary("difference", other)
        return NotImplemented if result is None else result

    def __rsub__(self, other: AbstractSet[Any]) -> set[Any]:
        """Return ``other``'s members that are not here. Cost: one call."""
        result = self._binary("reverse_difference", other)
        return NotImplemented if result is None else result

    # Overridden because the mixin would make several calls.
    @override
    def __xor__(self, other: AbstractSet[Any]) -> set[Any]:
        """Return the members in exactly one of the two. Cost: one call."""
        result = self._binary("symmetric_difference", other)
        return NotImplemented if result is None else result

    def __rxor__(self, other: AbstractSet[Any]) -> set[Any]:
        """Return the members in exactly one of the two. Cost: one call."""
        result = self._binary("symmetric_difference", other)
        return NotImplemented if result is None else result

    def union(self, *others: Iterable[Any]) -> set[Any]:
        """Return the members of this set and of every iterable. Cost: one call."""
        return cast("set[Any]", self._call("union", *self._operands(others)))

    def intersection(self, *others: Iterable[Any]) -> set[T]:
        """Return the members found in every iterable. Cost: one call."""
        return cast("set[T]", self._call("intersection", *self._operands(others)))

    def difference(self, *others: Iterable[Any]) -> set[T]:
        """Return the members found in none of the iterables. Cost: one call."""
        return cast("set[T]", self._call("difference", *self._operands(others)))

    def symmetric_difference(self, other: Iterable[Any]) -> set[Any]:
        """Return the members in exactly one of the two. Cost: one call."""
        operand = self._operand(other)
        return cast("set[Any]", self._call("symmetric_difference", operand))

    @classmethod
    @override
    def _from_iterable(cls, it: Iterable[Any]) -> set[Any]:
        # Results of Set mixins are builtin sets, not new collections.
        return set(it)

    # Writes.

    @override
    def add(self, value: T) -> None:
        """Add ``value``. Cost: one call; blind under eventual consistency."""
        self._write("add", self._new_member(value))

    def add_new(self, value: T) -> bool:
        """Add ``value`` unless it is a member; return whether it was added.

        The test and the add are one atomic step on the host, so among
        processes racing to add the same value exactly one gets True.
        Cost: one call; always waits.
        """
        return bool(self._call("add_new", self._new_member(value)))

    @override
    def discard(self, value: T) -> None:
        """Remove ``value`` if it is a member.

        Cost: one call; blind under eventual consistency.
        """
        self._write("discard", self._lookup_key(value))

    # Overridden because the mixin's test and discard would be two calls, not atomic.
    @override
    def remove(self, value: T) -> None:
        """Remove ``value``. Cost: one call. Raises KeyError if it is absent."""
        key = self._lookup_key(value)
        try:
            self._call("remove", key)
        except KeyError as exc:
            if key is value or exc.args != (key,):
                raise
            # The host's KeyError names the frozenset sent in place of the
            # caller's set, so it would only repeat this error.
            raise KeyError(value) from None

    # Overridden because the mixin's iterate and discard would be two calls, not atomic.
    @override
    def pop(self) -> T:
        """Remove and return an arbitrary member.

        Cost: one call. Raises KeyError when the set is empty.
        """
        return cast(T, self._call("pop"))

    # Overridden because the mixin would pop one member per call.
    @override
    def clear(self) -> None:
        """Remove every member. Cost: one call; blind under eventual consistency."""
        self._write("clear")

    def update(self, *others: Iterable[T]) -> None:
        """Add the items of every iterable.

        Every item is checked (hashable, of the set's type) before anything
        is sent, so a bad one leaves the set unchanged. Cost: one call;
        blind under eventual consistency.
        """
        self._write("update", *self._operands(others, new=True))

    def intersection_update(self, *others: Iterable[Any]) -> None:
        """Keep only the members found in every iterable.

        Cost: one call; blind under eventual consistency.
        """
        if self._only_self(others):
            return
        self._write("intersection_update", *self._operands(others))

    def difference_update(self, *others: Iterable[Any]) -> None:
        """Remove the members found in any of the iterables.

        Cost: one call; blind under eventual consistency.
        """
        if any(self._is_same(other) for other in others):
            self._write("clear")
            return
        self._write("difference_update", *self._operands(others))

    def symmetric_difference_update(self, other: Iterable[T]) -> None:
        """Keep the members in exactly one of the set and ``other``.

        Cost: one call; blind under eventual consistency.
        """
        if self._is_same(other):
            self._write("clear")
            return
        self._write("symmetric_difference_update", self._operand(other, new=True))

    # Overridden because the mixin would add one member per call. The ignore:
    # mypy checks __ior__ against AbstractSet.__or__, whose operand type
    # differs; typeshed's MutableSet.__ior__ carries the same ignore.
    @override
    def __ior__(self, other: AbstractSet[T]) -> Self:  # type: ignore[override]
        """Add the members of ``other`` and return this proxy. Cost: one call."""
        if not isinstance(other, AbstractSet):
            return NotImplemented
        self.update(other)
        return self

    # Overridden because the mixin would discard one member per call.
    @override
    def __iand__(self, other: AbstractSet[Any]) -> Self:
        """Keep the members also in ``other``; return this proxy. Cost: one call."""
        if not isinstance(other, AbstractSet):
            return NotImplemented
        self.intersection_update(other)
        return self

    # Overridden because the mixin would discard one member per call.
    @override
    def __isub__(self, other: AbstractSet[Any]) -> Self:
        """Remove the members of ``other``; return this proxy. Cost: one call."""
        if not isinstance(other, AbstractSet):
            return NotImplemented
        self.difference_update(other)
        return self

    # Overridden because the mixin would add or discard one member per call.
    # The ignore has the same cause as the one on __ior__.
    @override
    def __ixor__(self, other: AbstractSet[T]) -> Self:  # type: ignore[override]
        """Keep members in exactly one of the two; return this proxy. Cost: one call."""
        if not isinstance(other, AbstractSet):
            return NotImplemented
        self.symmetric_difference_update(other)
        return self

    # Async forms: the same operations and costs, awaited.

    async def len_async(self) -> int:
        """Await ``len(self)``."""
        return cast(int, await self._call_async("len"))

    async def contains_async(self, value: object) -> bool:
        """Await ``value in self``."""
        key = await self._lookup_key_async(value)
        return bool(await self._call_async("contains", key))

    async def copy_async(self) -> set[T]:
        """Await a snapshot as a builtin set. Cost: one call per page."""
        return set(await self._collect_async("items"))

    async def add_async(self, value: T) -> None:
        """Await ``add``."""
        await self._write_async("add", self._new_member(value))

    async def add_new_async(self, value: T) -> bool:
        """Await ``add_new``."""
        added = await self._call_async("add_new", self._new_member(value))
        return bool(added)

    async def discard_async(self, value: T) -> None:
        """Await ``discard``."""
        await self._write_async("discard", await self._lookup_key_async(value))

    async def remove_async(self, value: T) -> None:
        """Await ``remove``."""
        key = await self._lookup_key_async(value)
        try:
            await self._call_async("remove", key)
        except KeyError as exc:
            if key is value or exc.args != (key,):
                raise
            # The host's KeyError names the frozenset sent in place of the
            # caller's set, so it would only repeat this error.
            raise KeyError(value) from None

    async def pop_async(self) -> T:
        """Await ``pop``."""
        return cast(T, await self._call_async("pop"))

    async def clear_async(self) -> None:
        """Await ``clear``."""
        await self._write_async("clear")

    async def update_async(self, *others: Iterable[T]) -> None:
        """Await ``update``."""
        operands = await self._operands_async(others, new=True)
        await self._write_async("update", *operands)

    async def intersection_update_async(self, *others: Iterable[Any]) -> None:
        """Await ``intersection_update``."""
        if self._only_self(others):
            return
        operands = await self._operands_async(others)
        await self._write_async("intersection_update", *operands)

    async def difference_update_async(self, *others: Iterable[Any]) -> None:
        """Await ``difference_update``."""
        if any(self._is_same(other) for other in others):
            await self._write_async("clear")
            return
        operands = await self._operands_async(others)
        await self._write_async("difference_update", *operands)

    async def symmetric_difference_update_async(self, other: Iterable[T]) -> None:
        """Await ``symmetric_difference_update``."""
        if self._is_same(other):
            await self._write_async("clear")
            return
        operands = await self._operands_async((other,), new=True)
        await self._write_async("symmetric_difference_update", *operands)

    async def union_async(self, *others: Iterable[Any]) -> set[Any]:
        """Await ``union``."""
        operands = await self._operands_async(others)
        return cast("set[Any]", await self._call_async("union", *operands))

    async def intersection_async(self, *others: Iterable[Any]) -> set[T]:
        """Await ``intersection``."""
        operands = await self._operands_async(others)
        return cast("set[T]", await self._call_async("intersection", *operands))

    async def difference_async(self, *others: Iterable[Any]) -> set[T]:
        """Await ``difference``."""
        operands = await self._operands_async(others)
        return cast("set[T]", await self._call_async("difference", *operands))

    async def symmetric_difference_async(self, other: Iterable[Any]) -> set[Any]:
        """Await ``symmetric_difference``."""
        operands = await self._operands_async((other,))
        return cast(
            "set[Any]", await self._call_async("symmetric_difference", *operands)
        )

    async def isdisjoint_async(self, other: Iterable[Any]) -> bool:
        """Await ``isdisjoint``."""
        operands = await self._operands_async((other,))
        return bool(await self._call_async("isdisjoint", *operands))

    async def issubset_async(self, other: Iterable[Any]) -> bool:
        """Await ``issubset``."""
        operands = await self._operands_async((other,))
        return bool(await self._call_async("compare", "le", *operands))

    async def issuperset_async(self, other: Iterable[Any]) -> bool:
        """Await ``issuperset``."""
        operands = await self._operands_async((other,))
        return bool(await self._call_async("compare", "ge", *operands))

    async def eq_async(self, other: object) -> bool:
        """Await ``self == other``."""
        if self._is_same(other):
            return True
        if not isinstance(other, AbstractSet):
            return False
        operands = await self._operands_async((other,))
        return bool(await self._call_async("compare", "eq", *operands))

    # Helpers.

    def _is_same(self, other: object) -> bool:
        return isinstance(other, SetProxy) and other._actor == self._actor

    def _only_self(self, others: tuple[Iterable[Any], ...]) -> bool:
        return bool(others) and all(self._is_same(other) for other in others)

    def _new_member(self, value: Any) -> Any:
        self._check_hashable(value, "member")
        self._check_type(value, 0, "member")
        return value

    def _lookup_key(self, value: object) -> object:
        """Return ``value``, or a set or SetProxy as the equal frozenset."""
        if isinstance(value, SetProxy):
            return frozenset(value)
        return self._plain_key(value)

    async def _lookup_key_async(self, value: object) -> object:
        if isinstance(value, SetProxy):
            return frozenset(await value.copy_async())
        return self._plain_key(value)

    def _plain_key(self, value: object) -> object:
        if isinstance(value, set):
            return frozenset(value)
        self._check_hashable(value, "member")
        return value

    def _operand(self, other: Iterable[Any], *, new: bool = False) -> frozenset[Any]:
        """Read ``other`` into a frozenset, checking every item before sending."""
        if isinstance(other, frozenset):
            items = other
        else:
            items = self._frozen(other)
        if new:
            for item in items:
                self._check_type(item, 0, "member")
        return items

    def _operands(
        self, others: tuple[Iterable[Any], ...], *, new: bool = False
    ) -> list[frozenset[Any]]:
        return [self._operand(other, new=new) for other in others]

    async def _operands_async(
        self, others: tuple[Iterable[Any], ...], *, new: bool = False
    ) -> list[frozenset[Any]]:
        operands = []
        for other in others:
            if isinstance(other, CollectionProxy):
                other = await snapshot_async(other)
            operands.append(self._operand(other, new=new))
        return operands

    def _frozen(self, other: Iterable[Any]) -> frozenset[Any]:
        items = read_items(other)
        try:
            return frozenset(items)
        except TypeError:
            for item in items:
                self._check_hashable(item, "member")
            raise

    def _binary(self, op: str, other: object) -> set[Any] | None:
        """Return the result of set operation ``op``, or None for a non-Set."""
        if not isinstance(other, AbstractSet):
            return None
        return cast("set[Any]", self._call(op, self._operand(other)))

    def _compare(self, op: str, other: object) -> bool | None:
        """Return ``self <op> other``, or None when ``other`` is unsupported."""
        if not isinstance(other, AbstractSet):
            return None
        if self._is_same(other):
            return op in ("eq", "le", "ge")
        result = self._call("compare", op, self._operand(other))
        return bool(result)


__all__ = ["SetProxy"]
