"""State of a distributed queue."""

from __future__ import annotations

from .base import CollectionState, register


@register
class QueueState(CollectionState):
    """Placeholder until the queue is built."""

    KIND = "queue"
    OPERATIONS = frozenset[str]()
