"""The contract between state classes and the host that runs them."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar


class CollectionState:
    """Base of the plain-Python state classes, one per kind of collection.

    A subclass sets ``KIND`` and ``OPERATIONS`` (the method names the host may
    call on behalf of a proxy) and implements those methods. A method runs
    synchronously and in the order its caller issued it. A method that must
    wait (a queue ``get``, a lock ``acquire``) does its in-order part at once
    and returns an ``asyncio.Future``; the host awaits the future outside the
    caller's ordering, so later calls from the same caller are not held up.
    """

    KIND: ClassVar[str]
    OPERATIONS: ClassVar[frozenset[str]]

    def __init__(self, name: str, **options: Any) -> None:
        self.name = name
        self.options: Mapping[str, Any] = dict(options)

    @property
    def label(self) -> str:
        """The collection as error messages name it, e.g. ``sky.dict 'cache'``."""
        return f"sky.{self.KIND} {self.name!r}"

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Raise ValueError when ``options`` conflict with this collection's.

        Called when a caller opens an existing collection. The default accepts
        any options.
        """

    def close(self) -> None:
        """Release waiters and timers; called when the collection is dropped."""

    @staticmethod
    def new_future() -> asyncio.Future[Any]:
        """Return a future bound to the running event loop."""
        return asyncio.get_running_loop().create_future()


KINDS: dict[str, type[CollectionState]] = {}
"""State class for each kind name, filled by ``register``."""


def register[S: type[CollectionState]](cls: S) -> S:
    """Class decorator that makes a state class available to hosts by KIND."""
    KINDS[cls.KIND] = cls
    return cls


__all__ = ["KINDS", "CollectionState", "register"]
