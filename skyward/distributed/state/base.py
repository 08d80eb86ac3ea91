"""The contract between state classes and the host that runs them."""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, ClassVar

PAGE_SIZE = 10_000
"""Items per page when a proxy iterates a snapshot of a collection."""

MAX_OPEN_SNAPSHOTS = 256
"""Unfinished iterations one collection keeps; the oldest is dropped first."""


class CollectionState:
    """Base of the plain-Python state classes, one per kind of collection.

    A subclass sets ``KIND`` and ``OPERATIONS`` (the method names the host may
    call on behalf of a proxy) and implements those methods. A method runs
    synchronously and in the order its caller issued it. A method that must
    wait (a queue ``get``, a lock ``acquire``) does its in-order part at once
    and returns an ``asyncio.Future``. The host awaits the future outside the
    caller's ordering, so later calls from the same caller are not held up.
    """

    KIND: ClassVar[str]
    OPERATIONS: ClassVar[frozenset[str]]

    def __init__(self, name: str, **options: Any) -> None:
        self.name = name
        self.options: Mapping[str, Any] = dict(options)
        self._snapshots: OrderedDict[int, tuple[list[Any], int]] = OrderedDict()
        self._snapshot_ids = itertools.count(1)

    # Paged iteration over snapshots. Subclasses list "first_page" and
    # "next_page" in OPERATIONS when they support iteration.

    def snapshot(self, view: str) -> list[Any]:
        """Return a copy of the items of ``view`` (e.g. "keys") to iterate."""
        raise ValueError(f"{self.label} has no view {view!r}")

    def first_page(
        self, view: str, page_size: int = PAGE_SIZE
    ) -> tuple[list[Any], int | None]:
        """Take a snapshot of ``view``; return its first page and a cursor.

        The cursor is None when the first page holds the whole snapshot.
        """
        items = self.snapshot(view)
        if len(items) <= page_size:
            return items, None
        cursor = next(self._snapshot_ids)
        self._snapshots[cursor] = (items, page_size)
        while len(self._snapshots) > MAX_OPEN_SNAPSHOTS:
            self._snapshots.popitem(last=False)
        return items[:page_size], cursor

    def next_page(self, cursor: int, offset: int) -> tuple[list[Any], int | None]:
        """Return the page of snapshot ``cursor`` that starts at ``offset``."""
        try:
            items, page_size = self._snapshots[cursor]
        except KeyError:
            raise RuntimeError(
                f"{self.label}: the snapshot being iterated expired because more "
                f"than {MAX_OPEN_SNAPSHOTS} iterations were left unfinished; "
                "iterate again"
            ) from None
        end = offset + page_size
        if end >= len(items):
            del self._snapshots[cursor]
            return items[offset:], None
        return items[offset:end], cursor

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
