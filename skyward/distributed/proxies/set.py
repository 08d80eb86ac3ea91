"""Proxy of a distributed set."""

from __future__ import annotations

from .base import CollectionProxy


class SetProxy(CollectionProxy):
    """Placeholder until the set is built."""

    KIND = "set"
