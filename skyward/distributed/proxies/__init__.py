"""Typed client classes of the distributed collections."""

from .barrier import BarrierProxy
from .base import CollectionProxy
from .counter import CounterProxy
from .dict import DictProxy
from .list import ListProxy
from .lock import LockProxy
from .queue import QueueProxy
from .set import SetProxy

__all__ = [
    "BarrierProxy",
    "CollectionProxy",
    "CounterProxy",
    "DictProxy",
    "ListProxy",
    "LockProxy",
    "QueueProxy",
    "SetProxy",
]
