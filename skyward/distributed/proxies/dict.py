"""Proxy of a distributed dict."""

from __future__ import annotations

from .base import CollectionProxy


class DictProxy(CollectionProxy):
    """Placeholder until the dict is built."""

    KIND = "dict"
