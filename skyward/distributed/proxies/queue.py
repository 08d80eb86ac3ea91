"""Proxy of a distributed queue."""

from __future__ import annotations

from .base import CollectionProxy


class QueueProxy(CollectionProxy):
    """Placeholder until the queue is built."""

    KIND = "queue"
