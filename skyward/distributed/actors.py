"""Ray actor classes for the distributed collections.

``HostActor`` keeps many named collections and is what the registry starts.
The per-kind actors (``DictActor``, ``QueueActor``, ...) each keep a single
collection; proxies built directly on one of them (``DictProxy(actor)``)
address that collection.
"""

from __future__ import annotations

from typing import Any

import ray
from ray.actor import ActorClass

from .host import MAX_CONCURRENT_CALLS, CollectionHost, SingleCollectionHost

_ACTOR_OPTIONS: dict[str, Any] = {
    "num_cpus": 0,
    "max_concurrency": MAX_CONCURRENT_CALLS,
}


class _DictHost(SingleCollectionHost):
    def __init__(self) -> None:
        super().__init__("dict")


class _ListHost(SingleCollectionHost):
    def __init__(self) -> None:
        super().__init__("list")


class _SetHost(SingleCollectionHost):
    def __init__(self) -> None:
        super().__init__("set")


class _CounterHost(SingleCollectionHost):
    def __init__(self) -> None:
        super().__init__("counter")


class _QueueHost(SingleCollectionHost):
    def __init__(self, maxsize: int = 0) -> None:
        super().__init__("queue", maxsize=maxsize)


class _BarrierHost(SingleCollectionHost):
    def __init__(self, n: int) -> None:
        super().__init__("barrier", parties=n)


class _LockHost(SingleCollectionHost):
    def __init__(self, lease: float | None = None) -> None:
        options = {} if lease is None else {"lease": lease}
        super().__init__("lock", **options)


HostActor: ActorClass[CollectionHost] = ray.remote(**_ACTOR_OPTIONS)(CollectionHost)
DictActor: ActorClass[_DictHost] = ray.remote(**_ACTOR_OPTIONS)(_DictHost)
ListActor: ActorClass[_ListHost] = ray.remote(**_ACTOR_OPTIONS)(_ListHost)
SetActor: ActorClass[_SetHost] = ray.remote(**_ACTOR_OPTIONS)(_SetHost)
CounterActor: ActorClass[_CounterHost] = ray.remote(**_ACTOR_OPTIONS)(_CounterHost)
QueueActor: ActorClass[_QueueHost] = ray.remote(**_ACTOR_OPTIONS)(_QueueHost)
BarrierActor: ActorClass[_BarrierHost] = ray.remote(**_ACTOR_OPTIONS)(_BarrierHost)
LockActor: ActorClass[_LockHost] = ray.remote(**_ACTOR_OPTIONS)(_LockHost)

__all__ = [
    "BarrierActor",
    "CounterActor",
    "DictActor",
    "HostActor",
    "ListActor",
    "LockActor",
    "QueueActor",
    "SetActor",
]
