"""Proxy of a distributed counter."""

from __future__ import annotations

import operator
from typing import cast

from .base import CollectionProxy


class CounterProxy(CollectionProxy):
    """An integer shared by every process of a pool.

    ``increment`` and ``decrement`` are atomic on the host and return the new
    value when they wait for it (strong consistency, or the ``*_async``
    forms). Under eventual consistency they send without waiting and return
    ``None``. Each method costs one call, and unwaited calls may travel
    together in one batch. Every method that takes an int raises
    TypeError, before sending anything, for a bool or a value without
    ``__index__``.
    """

    KIND = "counter"

    @property
    def value(self) -> int:
        """The current value. Cost: one call."""
        return cast(int, self._call("get"))

    def increment(self, n: int = 1) -> int | None:
        """Add ``n``; return the new value, or None when not waited for.

        Cost: one call, unwaited under eventual consistency.
        """
        return self._count("increment", n)

    def decrement(self, n: int = 1) -> int | None:
        """Subtract ``n``; return the new value, or None when not waited for.

        Cost: one call, unwaited under eventual consistency.
        """
        return self._count("decrement", n)

    def reset(self, value: int = 0) -> None:
        """Set the counter to ``value``.

        Cost: one call, unwaited under eventual consistency.
        """
        self._write("reset", _checked(self, value, "value"))

    def compare_and_set(self, expected: int, new: int) -> bool:
        """Set ``new`` if the value is ``expected``; return whether it did.

        Cost: one call.
        """
        return cast(
            bool,
            self._call(
                "compare_and_set",
                _checked(self, expected, "expected"),
                _checked(self, new, "new"),
            ),
        )

    def __int__(self) -> int:
        """Return the current value. Cost: one call."""
        return self.value

    def __index__(self) -> int:
        """Return the current value. Cost: one call."""
        return self.value

    def _count(self, op: str, n: int) -> int | None:
        n = _checked(self, n, "n")
        if self._consistency == "strong":
            return cast(int, self._call(op, n))
        self._write(op, n)
        return None

    # Async forms. They always wait and return the new value.

    async def value_async(self) -> int:
        """Await the current value. Cost: one call."""
        return cast(int, await self._call_async("get"))

    async def increment_async(self, n: int = 1) -> int:
        """Add ``n`` and return the new value. Cost: one call."""
        return cast(int, await self._call_async("increment", _checked(self, n, "n")))

    async def decrement_async(self, n: int = 1) -> int:
        """Subtract ``n`` and return the new value. Cost: one call."""
        return cast(int, await self._call_async("decrement", _checked(self, n, "n")))

    async def reset_async(self, value: int = 0) -> None:
        """Set the counter to ``value``.

        Cost: one call, awaited only under strong consistency.
        """
        await self._write_async("reset", _checked(self, value, "value"))

    async def compare_and_set_async(self, expected: int, new: int) -> bool:
        """Await ``compare_and_set``. Cost: one call."""
        return cast(
            bool,
            await self._call_async(
                "compare_and_set",
                _checked(self, expected, "expected"),
                _checked(self, new, "new"),
            ),
        )


def _checked(proxy: CounterProxy, value: int, role: str) -> int:
    """Return ``value`` as an int, accepting any ``__index__`` type but bool.

    ``role`` is the parameter name that the TypeError message shows.
    """
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(
        f"{proxy.label}: {role} must be an int, not {type(value).__name__} {value!r}"
    )


__all__ = ["CounterProxy"]
