"""Proxy of a distributed barrier."""

from __future__ import annotations

from .base import CollectionProxy


class BarrierProxy(CollectionProxy):
    """Placeholder until the barrier is built."""

    KIND = "barrier"
