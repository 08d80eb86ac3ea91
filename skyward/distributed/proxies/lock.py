"""Proxy of a distributed lock."""

from __future__ import annotations

from .base import CollectionProxy


class LockProxy(CollectionProxy):
    """Placeholder until the lock is built."""

    KIND = "lock"
