"""Distributed collections for skyward.

``sky.dict``, ``sky.list``, ``sky.set``, ``sky.counter``, ``sky.queue``,
``sky.barrier`` and ``sky.lock`` open a named collection of the active pool,
creating it on first use. ``sky.dict[str, int]("name")`` also records and
checks the type arguments.
"""

from .factories import barrier, counter, dict, list, lock, queue, set
from .proxies import (
    BarrierProxy,
    CollectionProxy,
    CounterProxy,
    DictProxy,
    ListProxy,
    LockProxy,
    QueueProxy,
    SetProxy,
)
from .registry import (
    DistributedRegistry,
    _get_active_registry,
    _set_active_registry,
    _set_process_registry,
)
from .state.dict import MISSING, Missing
from .types import Consistency

__all__ = [
    "BarrierProxy",
    "CollectionProxy",
    "Consistency",
    "CounterProxy",
    "DictProxy",
    "DistributedRegistry",
    "ListProxy",
    "LockProxy",
    "MISSING",
    "Missing",
    "QueueProxy",
    "SetProxy",
    "_get_active_registry",
    "_set_active_registry",
    "_set_process_registry",
    "barrier",
    "counter",
    "dict",
    "list",
    "lock",
    "queue",
    "set",
]
