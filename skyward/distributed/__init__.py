"""Distributed collections for skyward."""

from .proxies import CounterProxy
from .types import Consistency

__all__ = ["Consistency", "CounterProxy"]
