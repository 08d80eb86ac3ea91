"""State of a distributed set."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any, override

from .base import CollectionState, register

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@register
class SetState(CollectionState):
    """A builtin ``set`` whose operations each run as one host call.

    Other operands arrive as builtin sets or frozensets: the proxy converts
    iterables and other proxies before it sends. Methods that combine the
    set with operands return builtin sets.
    """

    KIND = "set"
    OPERATIONS = frozenset(
        {
            "len",
            "contains",
            "add",
            "add_new",
            "discard",
            "remove",
            "pop",
            "clear",
            "update",
            "intersection_update",
            "difference_update",
            "symmetric_difference_update",
            "union",
            "intersection",
            "difference",
            "reverse_difference",
            "symmetric_difference",
            "isdisjoint",
            "compare",
            "first_page",
            "next_page",
        }
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.items: set[Any] = set()

    @override
    def snapshot(self, view: str) -> list[Any]:
        if view == "items":
            return list(self.items)
        return super().snapshot(view)

    # Reads.

    def len(self) -> int:
        return len(self.items)

    def contains(self, value: Any) -> bool:
        return value in self.items

    def union(self, *others: Iterable[Any]) -> set[Any]:
        return self.items.union(*others)

    def intersection(self, *others: Iterable[Any]) -> set[Any]:
        return self.items.intersection(*others)

    def difference(self, *others: Iterable[Any]) -> set[Any]:
        return self.items.difference(*others)

    def reverse_difference(self, other: Iterable[Any]) -> set[Any]:
        """Return ``other`` minus the set's members."""
        return set(other).difference(self.items)

    def symmetric_difference(self, other: Iterable[Any]) -> set[Any]:
        return self.items.symmetric_difference(other)

    def isdisjoint(self, other: Iterable[Any]) -> bool:
        return self.items.isdisjoint(other)

    def compare(self, op: str, other: frozenset[Any]) -> bool:
        """Compare the members with ``other`` as ``set`` compares two sets."""
        return _COMPARISONS[op](self.items, other)

    # Writes.

    def add(self, value: Any) -> None:
        self.items.add(value)

    def add_new(self, value: Any) -> bool:
        """Add ``value`` unless it is a member; return whether it was added."""
        if value in self.items:
            return False
        self.items.add(value)
        return True

    def discard(self, value: Any) -> None:
        self.items.discard(value)

    def remove(self, value: Any) -> None:
        if value not in self.items:
            raise KeyError(value)
        self.items.remove(value)

    def pop(self) -> Any:
        if not self.items:
            raise KeyError(f"{self.label}: pop from an empty set")
        return self.items.pop()

    def clear(self) -> None:
        self.items.clear()

    def update(self, *others: Iterable[Any]) -> None:
        self.items.update(*others)

    def intersection_update(self, *others: Iterable[Any]) -> None:
        self.items.intersection_update(*others)

    def difference_update(self, *others: Iterable[Any]) -> None:
        self.items.difference_update(*others)

    def symmetric_difference_update(self, other: Iterable[Any]) -> None:
        self.items.symmetric_difference_update(other)
