"""Plain-Python state classes, one per kind of collection, without Ray."""

from .barrier import BarrierState
from .base import KINDS, CollectionState, register
from .counter import CounterState
from .dict import DictState
from .list import ListState
from .lock import LockState
from .queue import QueueState
from .set import SetState

__all__ = [
    "KINDS",
    "BarrierState",
    "CollectionState",
    "CounterState",
    "DictState",
    "ListState",
    "LockState",
    "QueueState",
    "SetState",
    "register",
]
