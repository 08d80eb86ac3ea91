"""``sky.dict``, ``sky.list`` and the other collection factories.

Each factory is a subclass of its proxy type whose constructor opens the
named collection through the active registry, so ``sky.dict("x")`` is a
``DictProxy`` and mypy reads ``sky.dict[str, int]("x")`` as a
``DictProxy[str, int]``. Subscripting a factory returns an alias whose call
passes the type arguments to the constructor: the host records them when it
creates the collection and rejects an opening with different ones.

The classes are named after the builtins they mirror, so this module refers
to the builtins through ``builtins``.
"""

from __future__ import annotations

import builtins
import typing
from contextvars import ContextVar
from typing import Any

from .proxies import (
    BarrierProxy,
    CounterProxy,
    DictProxy,
    ListProxy,
    LockProxy,
    QueueProxy,
    SetProxy,
)
from .registry import _get_active_registry
from .types import Consistency, K, T, V

_pending_types: ContextVar[tuple[Any, ...] | None] = ContextVar(
    "skyward_pending_types", default=None
)


# typing._GenericAlias is private and missing from typeshed, and its _root
# keyword is unknown to mypy; the class only overrides __call__.
class _TypedFactory(typing._GenericAlias, _root=True):  # type: ignore[call-arg,misc,name-defined]
    """``sky.dict[str, int]``: calling it opens a collection with those types."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        token = _pending_types.set(tuple(self.__args__))
        try:
            return self.__origin__(*args, **kwargs)
        finally:
            _pending_types.reset(token)


def _typed(alias: Any) -> Any:
    return _TypedFactory(alias.__origin__, alias.__args__)


class _Subscriptable:
    """Base that makes ``factory[...]`` a ``_TypedFactory``.

    It comes before the generic proxy class in a factory's bases, so
    Generic's own ``__class_getitem__`` still checks the type arguments.
    """

    def __class_getitem__(cls, params: Any) -> Any:
        # mypy does not see Generic.__class_getitem__ on the base classes.
        return _typed(super().__class_getitem__(params))  # type: ignore[misc]


def _take_types() -> tuple[Any, ...] | None:
    types = _pending_types.get()
    _pending_types.set(None)
    return types


class dict(_Subscriptable, DictProxy[K, V]):
    """A dict shared by the driver and every worker of the active pool.

    ``sky.dict("name")`` gets or creates the dict ``name``.
    ``sky.dict[str, int]("name")`` also checks every key and value against
    the type arguments, which the pool records with the dict.

    Args:
        name: The dict's name, unique among the pool's dicts.
        consistency: ``"eventual"`` (the default) sends writes without
            waiting for them, and ``"strong"`` waits for every write.
        isolated: Keep the dict in a Ray actor of its own instead of a
            shared host, for a dict busy enough to need its own process.

    Raises:
        RuntimeError: no pool is active in this process.
        TypeError: ``name`` exists with other type arguments. Names are
            per kind, so another kind's collection of that name is not it.

    Cost: one call.
    """

    def __init__(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        isolated: bool = False,
    ) -> None:
        types = _take_types()
        endpoint = _get_active_registry().open("dict", name, types, isolated=isolated)
        super().__init__(endpoint, consistency or "eventual", name=name, types=types)


class list(_Subscriptable, ListProxy[T]):
    """A list shared by the driver and every worker of the active pool.

    ``sky.list("name")`` gets or creates the list ``name``, and
    ``sky.list[int]("name")`` also checks every item against ``int``.
    ``consistency`` and ``isolated`` are as for ``sky.dict``.

    Raises:
        RuntimeError: no pool is active in this process.
        TypeError: ``name`` exists with another type argument. Names are
            per kind, so another kind's collection of that name is not it.

    Cost: one call.
    """

    def __init__(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        isolated: bool = False,
    ) -> None:
        types = _take_types()
        endpoint = _get_active_registry().open("list", name, types, isolated=isolated)
        super().__init__(endpoint, consistency or "eventual", name=name, types=types)


class set(_Subscriptable, SetProxy[T]):
    """A set shared by the driver and every worker of the active pool.

    ``sky.set("name")`` gets or creates the set ``name``, and
    ``sky.set[str]("name")`` also checks every element against ``str``.
    ``consistency`` and ``isolated`` are as for ``sky.dict``.

    Raises:
        RuntimeError: no pool is active in this process.
        TypeError: ``name`` exists with another type argument. Names are
            per kind, so another kind's collection of that name is not it.

    Cost: one call.
    """

    def __init__(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        isolated: bool = False,
    ) -> None:
        types = _take_types()
        endpoint = _get_active_registry().open("set", name, types, isolated=isolated)
        super().__init__(endpoint, consistency or "eventual", name=name, types=types)


class counter(CounterProxy):
    """An integer counter shared by the driver and every worker of the pool.

    ``sky.counter("name")`` gets or creates the counter ``name``, starting
    at 0. ``consistency`` and ``isolated`` are as for ``sky.dict``.

    Raises:
        RuntimeError: no pool is active in this process.

    Cost: one call.
    """

    def __init__(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        isolated: bool = False,
    ) -> None:
        endpoint = _get_active_registry().open("counter", name, isolated=isolated)
        super().__init__(endpoint, consistency or "eventual", name=name)


class queue(_Subscriptable, QueueProxy[T]):
    """A FIFO queue shared by the driver and every worker of the pool.

    ``sky.queue("name")`` gets or creates the queue ``name``, and
    ``sky.queue[str]("name")`` also checks every item against ``str``.
    Every call waits for the host (strong consistency), so items leave in
    the order they were put.

    Args:
        name: The queue's name, unique among the pool's queues.
        maxsize: How many items the queue holds before ``put`` blocks,
            or 0 for no limit. With None (the default) a new queue has no
            limit and an existing one keeps its own; any other value must
            match the existing queue's.
        isolated: Keep the queue in a Ray actor of its own.

    Raises:
        RuntimeError: no pool is active in this process.
        TypeError: ``name`` exists with another type argument. Names are
            per kind, so another kind's collection of that name is not it.
        ValueError: the queue exists with another ``maxsize``.

    Cost: one call.
    """

    def __init__(
        self, name: str, *, maxsize: int | None = None, isolated: bool = False
    ) -> None:
        types = _take_types()
        options: builtins.dict[str, Any] = (
            {} if maxsize is None else {"maxsize": maxsize}
        )
        endpoint = _get_active_registry().open(
            "queue", name, types, options, isolated=isolated
        )
        super().__init__(endpoint, "strong", name=name, types=types)


class barrier(BarrierProxy):
    """A barrier that releases ``n`` parties at once, shared by the pool.

    Args:
        name: The barrier's name, unique among the pool's barriers.
        n: How many parties ``wait`` before all of them are released. It
            must match when the barrier already exists.
        isolated: Keep the barrier in a Ray actor of its own.

    Raises:
        RuntimeError: no pool is active in this process.
        ValueError: the barrier exists with another ``n``.

    Cost: one call.
    """

    def __init__(self, name: str, n: int, *, isolated: bool = False) -> None:
        endpoint = _get_active_registry().open(
            "barrier", name, None, {"parties": n}, isolated=isolated
        )
        super().__init__(endpoint, "strong", name=name)


class lock(LockProxy):
    """A mutual-exclusion lock shared by the driver and every worker.

    Args:
        name: The lock's name, unique among the pool's locks.
        lease: Seconds after which the host takes the lock back from a
            holder that stopped renewing it (a crashed or frozen worker).
            A live holder renews it in the background. With None the
            default of 10 seconds applies. It must match when the lock
            already exists.
        isolated: Keep the lock in a Ray actor of its own.

    Raises:
        RuntimeError: no pool is active in this process.
        ValueError: the lock exists with another ``lease``.

    Cost: one call.
    """

    def __init__(
        self, name: str, *, lease: float | None = None, isolated: bool = False
    ) -> None:
        options: builtins.dict[str, Any] = {} if lease is None else {"lease": lease}
        endpoint = _get_active_registry().open(
            "lock", name, None, options, isolated=isolated
        )
        super().__init__(endpoint, "strong", name=name)


__all__ = ["barrier", "counter", "dict", "list", "lock", "queue", "set"]
