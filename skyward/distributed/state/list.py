"""State of a distributed list."""

from __future__ import annotations

from .base import CollectionState, register


@register
class ListState(CollectionState):
    """Placeholder until the list is built."""

    KIND = "list"
    OPERATIONS = frozenset[str]()
