"""State of a distributed counter."""

from __future__ import annotations

import operator
from typing import Any

from .base import CollectionState, register


def _as_int(label: str, role: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            return operator.index(value)
        except TypeError:
            raise TypeError(
                f"{label}: {role} must be an int, not {type(value).__name__} {value!r}"
            ) from None
    return value


@register
class CounterState(CollectionState):
    """An integer that callers change atomically."""

    KIND = "counter"
    OPERATIONS = frozenset(
        {"get", "increment", "decrement", "reset", "compare_and_set"}
    )

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, **options)
        self.value = 0

    def get(self) -> int:
        return self.value

    def increment(self, n: int = 1) -> int:
        self.value += _as_int(self.label, "increment", n)
        return self.value

    def decrement(self, n: int = 1) -> int:
        self.value -= _as_int(self.label, "decrement", n)
        return self.value

    def reset(self, value: int = 0) -> None:
        self.value = _as_int(self.label, "reset value", value)

    def compare_and_set(self, expected: int, new: int) -> bool:
        new = _as_int(self.label, "new value", new)
        if self.value != expected:
            return False
        self.value = new
        return True
