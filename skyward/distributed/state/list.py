"""State of a distributed list."""

from __future__ import annotations

import operator
import reprlib
import sys
from collections.abc import Callable
from typing import Any, override

from .base import CollectionState, register

MAX_REPEAT_LENGTH = 10_000_000
"""Max length of a list that ``*`` or ``*=`` builds on the host.

A longer result raises OverflowError instead of growing the host's memory,
which every collection of that host shares.
"""

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@register
class ListState(CollectionState):
    """A builtin ``list`` whose operations each run as one host call.

    Indices arrive already converted to ``int`` or to a ``slice`` of ints,
    and iterables arrive as lists: the proxy does both before it sends.
    Errors are the builtin list's, with the collection named in the message.
    """

    KIND = "list"
    OPERATIONS = frozenset(
        {
            "len",
            "getitem",
            "setitem",
            "delitem",
            "contains",
            "index",
            "count",
            "append",
            "extend",
            "insert",
            "pop",
            "remove",
            "reverse",
            "clear",
            "repeat_in_place",
            "sort",
            "compare",
            "concat",
            "repeat",
            "first_page",
            "next_page",
        }
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.items: list[Any] = []

    @override
    def snapshot(self, view: str) -> list[Any]:
        if view == "items":
            return list(self.items)
        if view == "reversed":
            return self.items[::-1]
        return super().snapshot(view)

    # Reads.

    def len(self) -> int:
        return len(self.items)

    def getitem(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._slice_op(operator.getitem, index)
        return self.items[self._position(index, "list index")]

    def contains(self, value: Any) -> bool:
        return value in self.items

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        # The builtin clamps start and stop as list.index does. A ValueError
        # raised by an item's __eq__ gets this message too, unlike the builtin.
        try:
            return self.items.index(value, start, stop)
        except ValueError as exc:
            raise ValueError(
                f"{self.label}: {reprlib.repr(value)} is not in list"
            ) from exc

    def count(self, value: Any) -> int:
        return self.items.count(value)

    def compare(self, op: str, other: list[Any]) -> bool:
        """Compare the items with ``other`` as ``list`` compares two lists."""
        return _COMPARISONS[op](self.items, other)

    def concat(self, other: list[Any], reflected: bool = False) -> list[Any]:
        return other + self.items if reflected else self.items + other

    def repeat(self, n: int) -> list[Any]:
        self._check_repeat(n)
        return self.items * n

    # Writes.

    def setitem(self, index: int | slice, value: Any) -> None:
        if isinstance(index, slice):
            self._slice_op(operator.setitem, index, value)
            return
        self.items[self._position(index, "list assignment index")] = value

    def delitem(self, index: int | slice) -> None:
        if isinstance(index, slice):
            self._slice_op(operator.delitem, index)
            return
        del self.items[self._position(index, "list assignment index")]

    def append(self, value: Any) -> None:
        self.items.append(value)

    def extend(self, values: list[Any]) -> None:
        self.items.extend(values)

    def insert(self, index: int, value: Any) -> None:
        self.items.insert(index, value)

    def pop(self, index: int = -1) -> Any:
        if not self.items:
            raise IndexError(f"{self.label}: pop from empty list")
        return self.items.pop(self._position(index, "pop index"))

    def remove(self, value: Any) -> None:
        position = self.index(value)
        del self.items[position]

    def reverse(self) -> None:
        self.items.reverse()

    def clear(self) -> None:
        self.items.clear()

    def repeat_in_place(self, n: int) -> None:
        self._check_repeat(n)
        self.items *= n

    def sort(
        self, key: Callable[[Any], Any] | None = None, reverse: bool = False
    ) -> None:
        # NOTE: the key function runs inside the host's event loop, so a slow
        # key holds up every collection of that host until the sort ends.
        # Sort a copy: a key or comparison that raises halfway through would
        # otherwise leave the list partly sorted.
        ordered = sorted(self.items, key=key, reverse=reverse)
        self.items[:] = ordered

    # Helpers.

    def _position(self, index: int, role: str) -> int:
        length = len(self.items)
        position = index + length if index < 0 else index
        if not 0 <= position < length:
            raise IndexError(
                f"{self.label}: {role} {index} out of range for length {length}"
            )
        return position

    def _check_repeat(self, n: int) -> None:
        # NOTE: the limit counts items, not bytes, and its value is an
        # estimate: 10,000,000 references take 80 MB before pickling.
        length = len(self.items) * max(n, 0)
        if length > MAX_REPEAT_LENGTH:
            raise OverflowError(
                f"{self.label}: repeating {len(self.items)} items {n} times "
                f"makes {length} items, more than MAX_REPEAT_LENGTH "
                f"({MAX_REPEAT_LENGTH}). Repeat a copy in this process instead, "
                f"as in proxy.copy() * n."
            )

    def _slice_op(self, op: Callable[..., Any], index: slice, *args: Any) -> Any:
        try:
            return op(self.items, index, *args)
        except ValueError as exc:
            # Raised for a zero step and for an extended slice whose new items
            # differ in number from the items they replace. The message
            # contains the original one, so the traceback leaves it out.
            raise ValueError(f"{self.label}: {exc}") from None
