"""State of a distributed set."""

from __future__ import annotations

from .base import CollectionState, register


@register
class SetState(CollectionState):
    """Placeholder until the set is built."""

    KIND = "set"
    OPERATIONS = frozenset[str]()
