"""State of a distributed barrier."""

from __future__ import annotations

from .base import CollectionState, register


@register
class BarrierState(CollectionState):
    """Placeholder until the barrier is built."""

    KIND = "barrier"
    OPERATIONS = frozenset[str]()
