"""Proxy of a distributed list."""

from __future__ import annotations

from .base import CollectionProxy


class ListProxy(CollectionProxy):
    """Placeholder until the list is built."""

    KIND = "list"
