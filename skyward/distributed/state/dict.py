"""State of a distributed dict."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from .base import CollectionState, register


class Missing(enum.Enum):
    """Type of ``MISSING``, the marker for a key that has no value.

    An enum member pickles by name, so ``MISSING`` stays the same object
    after it travels between a proxy and a host.
    """

    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing.MISSING
"""Marker for an absent key: ``compute`` passes it to its function for a key
without a value, and the function returns it to delete the key."""


@register
class DictState(CollectionState):
    """A dict whose compound operations each run as one atomic step.

    Large values are kept as ``Stored`` references (see ``codec``), so
    comparisons made here (``equals``, ``contains_value``, ``contains_item``)
    compare such values by reference, not by content.
    """

    KIND = "dict"
    OPERATIONS = frozenset(
        {
            "getitem",
            "get",
            "get_many",
            "set",
            "delete",
            "contains",
            "contains_value",
            "contains_item",
            "length",
            "update",
            "clear",
            "pop",
            "popitem",
            "setdefault",
            "merge",
            "merge_many",
            "compute",
            "equals",
            "first_page",
            "next_page",
        }
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.data: dict[Any, Any] = {}

    def snapshot(self, view: str) -> list[Any]:
        if view == "keys":
            return list(self.data)
        if view == "values":
            return list(self.data.values())
        if view == "items":
            return list(self.data.items())
        return super().snapshot(view)

    # Reads.

    def getitem(self, key: Any) -> Any:
        return self.data[key]

    def get(self, key: Any) -> Any:
        """Return the value of ``key``, or ``MISSING`` when it has none."""
        return self.data.get(key, MISSING)

    def get_many(self, keys: Iterable[Any]) -> dict[Any, Any]:
        data = self.data
        return {key: data[key] for key in keys if key in data}

    def contains(self, key: Any) -> bool:
        return key in self.data

    def contains_value(self, value: Any) -> bool:
        return any(v is value or v == value for v in self.data.values())

    def contains_item(self, key: Any, value: Any) -> bool:
        current = self.data.get(key, MISSING)
        if current is MISSING:
            return False
        return bool(current is value or current == value)

    def length(self) -> int:
        return len(self.data)

    def equals(self, other: Mapping[Any, Any]) -> bool:
        return bool(self.data == other)

    # Writes.

    def set(self, key: Any, value: Any) -> None:
        self.data[key] = value

    def delete(self, key: Any) -> None:
        del self.data[key]

    def update(self, items: list[tuple[Any, Any]]) -> None:
        self.data.update(items)

    def clear(self) -> None:
        self.data.clear()

    def pop(self, key: Any, missing_ok: bool = False) -> Any:
        """Remove ``key`` and return its value.

        A missing key raises KeyError, or returns ``MISSING`` when
        ``missing_ok`` (the proxy then returns the caller's default, which
        never travels).
        """
        if missing_ok:
            return self.data.pop(key, MISSING)
        return self.data.pop(key)

    def popitem(self) -> tuple[Any, Any]:
        try:
            return self.data.popitem()
        except KeyError:
            # The original message is only "dictionary is empty", which this
            # message repeats with the collection's name.
            raise KeyError(f"popitem(): {self.label} is empty") from None

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return self.data.setdefault(key, default)

    # Read-modify-write by a function sent with the call.

    def merge(self, key: Any, value: Any, fn: Callable[[Any, Any], Any]) -> Any:
        """Set ``value`` if ``key`` is absent, else ``fn(old, value)``.

        Returns the value stored. If ``fn`` raises, the key is unchanged.
        """
        data = self.data
        new = fn(data[key], value) if key in data else value
        data[key] = new
        return new

    def merge_many(
        self, items: list[tuple[Any, Any]], fn: Callable[[Any, Any], Any]
    ) -> None:
        """Merge every pair as ``merge`` does, all or nothing.

        The new values are computed first, so when ``fn`` raises on one pair
        no key has changed.
        """
        data = self.data
        merged: dict[Any, Any] = {}
        for key, value in items:
            if key in merged:
                merged[key] = fn(merged[key], value)
            elif key in data:
                merged[key] = fn(data[key], value)
            else:
                merged[key] = value
        data.update(merged)

    def compute(self, key: Any, fn: Callable[[Any], Any]) -> Any:
        """Store ``fn(old)`` (``fn(MISSING)`` for an absent key) and return it.

        When ``fn`` returns ``MISSING`` the key is deleted (or stays absent).
        If ``fn`` raises, the key is unchanged.
        """
        data = self.data
        new = fn(data.get(key, MISSING))
        if new is MISSING:
            data.pop(key, None)
        else:
            data[key] = new
        return new


__all__ = ["MISSING", "DictState", "Missing"]
