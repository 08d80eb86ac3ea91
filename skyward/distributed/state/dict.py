"""State of a distributed dict."""

from __future__ import annotations

from .base import CollectionState, register


@register
class DictState(CollectionState):
    """Placeholder until the dict is built."""

    KIND = "dict"
    OPERATIONS = frozenset[str]()
