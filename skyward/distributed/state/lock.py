"""State of a distributed lock."""

from __future__ import annotations

from .base import CollectionState, register


@register
class LockState(CollectionState):
    """Placeholder until the lock is built."""

    KIND = "lock"
    OPERATIONS = frozenset[str]()
