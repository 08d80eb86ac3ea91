"""The compute pool: Ray worker processes that run ``@sky.compute`` calls.

``sky.pool(nodes=N)`` starts N worker actors (joining or starting Ray as
needed) and a registry whose collections every worker and the driver reach
by name. ``@sky.compute`` makes a function lazy: calling it returns a
``PendingCall``, which ``>> pool`` runs on one worker, ``@ pool`` runs on
every worker, and ``&`` (or ``sky.gather``) groups with other calls so that
``>> pool`` runs them at once.
"""

from __future__ import annotations

import asyncio
import builtins
import contextvars
import functools
import inspect
import itertools
import logging
import os
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, overload

import ray
from ray.exceptions import RayTaskError

from .distributed import registry as _registry_module
from .distributed.endpoint import flush_all
from .distributed.proxies import (
    BarrierProxy,
    CounterProxy,
    DictProxy,
    ListProxy,
    LockProxy,
    QueueProxy,
    SetProxy,
)
from .distributed.registry import (
    DistributedRegistry,
    _set_process_registry,
    alive_nodes,
    on_node,
)
from .distributed.types import Consistency

if TYPE_CHECKING:
    from ray.actor import ActorHandle

logger = logging.getLogger("skyward")


# What a task can learn about the worker it runs on.


@dataclass(frozen=True)
class InstanceInfo:
    """The pool worker a task runs on."""

    index: int
    """The worker's position in the pool, from 0 to ``count - 1``."""

    count: int
    """How many workers the pool has."""

    node_id: str
    """The Ray node id of the machine the worker runs on."""


_instance: InstanceInfo | None = None


def instance_info() -> InstanceInfo:
    """Return the pool worker the calling task runs on.

    Raises:
        RuntimeError: called outside a task running on a pool worker.
    """
    if _instance is None:
        raise RuntimeError(
            "sky.instance_info() works only inside a @sky.compute function "
            "running on a pool worker (f() >> pool or f() @ pool)"
        )
    return _instance


class _Worker:
    """One pool worker process, which runs one task at a time."""

    def __init__(self, index: int, count: int, registry: DistributedRegistry) -> None:
        global _instance
        node_id = ray.get_runtime_context().get_node_id()
        _instance = InstanceInfo(index=index, count=count, node_id=node_id)
        _set_process_registry(registry)

    def node_id(self) -> str:
        return instance_info().node_id

    def run(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: builtins.dict[str, Any],
    ) -> Any:
        try:
            result = fn(*args, **kwargs)
            if inspect.iscoroutine(result):
                result = asyncio.run(result)
            return result
        except (SystemExit, KeyboardInterrupt) as exc:
            # Raised in an actor method, these end the worker process or
            # cancel the task. Wrapped, they reach the caller as the task's
            # error, and the worker keeps running.
            raise _TaskExit(exc) from exc
        finally:
            # The task's unwaited writes reach their hosts before its result
            # reaches the caller, so the caller reads them afterwards.
            flush_all()


_WorkerActor = ray.remote(num_cpus=0)(_Worker)


class _TaskExit(Exception):
    """Carries a task's SystemExit or KeyboardInterrupt to the caller."""

    def __init__(self, exc: SystemExit | KeyboardInterrupt) -> None:
        super().__init__(exc)
        self.exc = exc


# Lazy calls.


class PendingCall[R]:
    """A call of a ``@sky.compute`` function that has not run yet.

    ``call >> pool`` runs it on one worker and returns its result.
    ``call @ pool`` runs it on every worker and returns the results in
    worker order. ``call & other`` groups it with other calls.
    """

    __slots__ = ("args", "fn", "kwargs")

    def __init__(
        self,
        fn: Callable[..., R],
        args: tuple[Any, ...],
        kwargs: builtins.dict[str, Any],
    ) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def __rshift__(self, pool: SyncComputePool) -> R:
        return pool.run(self)

    def __matmul__(self, pool: SyncComputePool) -> builtins.list[R]:
        return pool.broadcast(self)

    def __and__[S](self, other: PendingCall[S]) -> PendingGroup[R, S]:
        return PendingGroup(self, other)

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"<PendingCall {name}(...)>"


class PendingGroup[*Ts]:
    """Calls that ``group >> pool`` runs at once, each on the next worker.

    The result is a tuple in the order the calls were grouped.
    """

    __slots__ = ("calls",)

    def __init__(self, *calls: PendingCall[Any]) -> None:
        self.calls = calls

    def __and__[S](self, other: PendingCall[S]) -> PendingGroup[*Ts, S]:
        return PendingGroup(*self.calls, other)

    def __rshift__(self, pool: SyncComputePool) -> tuple[*Ts]:
        return pool.run_all(self)

    def __len__(self) -> int:
        return len(self.calls)

    def __repr__(self) -> str:
        return f"<PendingGroup of {len(self.calls)} calls>"


@overload
def gather[A](a: PendingCall[A], /) -> PendingGroup[A]: ...
@overload
def gather[A, B](a: PendingCall[A], b: PendingCall[B], /) -> PendingGroup[A, B]: ...
@overload
def gather[A, B, C](
    a: PendingCall[A], b: PendingCall[B], c: PendingCall[C], /
) -> PendingGroup[A, B, C]: ...
@overload
def gather[A, B, C, D](
    a: PendingCall[A], b: PendingCall[B], c: PendingCall[C], d: PendingCall[D], /
) -> PendingGroup[A, B, C, D]: ...
@overload
def gather(*calls: PendingCall[Any]) -> PendingGroup[*tuple[Any, ...]]: ...
def gather(*calls: PendingCall[Any]) -> PendingGroup[*tuple[Any, ...]]:
    """Group calls so that ``group >> pool`` runs them at once.

    ``sky.gather(a, b) >> pool`` is ``(a & b) >> pool``: a tuple of the
    results in argument order.
    """
    for call in calls:
        if not isinstance(call, PendingCall):
            raise TypeError(
                f"sky.gather takes calls of @sky.compute functions, not {call!r}"
            )
    return PendingGroup(*calls)


class Compute[**P, R]:
    """A function marked with ``@sky.compute``, whose calls run nothing yet."""

    __name__: str
    __qualname__: str

    def __init__(self, fn: Callable[P, R]) -> None:
        self.fn = fn
        functools.update_wrapper(self, fn)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> PendingCall[R]:
        return PendingCall(self.fn, args, kwargs)

    def __repr__(self) -> str:
        return f"<sky.compute {getattr(self.fn, '__qualname__', self.fn)!r}>"


@overload
def compute[**P, R](fn: Callable[P, Coroutine[Any, Any, R]]) -> Compute[P, R]: ...
@overload
def compute[**P, R](fn: Callable[P, R]) -> Compute[P, R]: ...
def compute(fn: Callable[..., Any]) -> Compute[..., Any]:
    """Mark ``fn`` to run on a pool: ``fn(x) >> pool`` or ``fn(x) @ pool``.

    Calling the marked function returns a ``PendingCall`` and runs nothing.
    The function and its arguments travel to the worker pickled with
    cloudpickle, so lambdas and closures work. An ``async def`` function
    runs to completion in an event loop of its own on the worker, and the
    caller receives its result.
    """
    return Compute(fn)


# The pool.


class SyncComputePool:
    """Worker processes on Ray plus the named collections they share.

    Use it as a context manager (``with sky.pool(nodes=2) as pool:``) or a
    decorator (``@sky.pool(nodes=2)``). Inside it, ``sky.dict("x")`` and the
    other factories open the pool's collections, in the driver and in every
    task. Closing the pool kills its workers and drops its collections. It
    shuts Ray down only if the pool started it.
    """

    _registry: DistributedRegistry | None = None

    def __init__(
        self,
        nodes: int = 2,
        *,
        address: str | None = None,
        namespace: str | None = None,
        scope: str | None = None,
    ) -> None:
        if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
            raise ValueError(
                f"nodes must be a positive int (the number of workers), not {nodes!r}"
            )
        self.nodes = nodes
        self.address = address
        self.namespace = namespace
        self.scope = scope
        self._registry = None
        self._workers: builtins.list[ActorHandle] = []
        self._next_worker = itertools.count()
        self._lock = threading.Lock()
        self._started_ray = False
        self._token: contextvars.Token[DistributedRegistry | None] | None = None
        self._previous_process_registry: DistributedRegistry | None = None

    @property
    def registry(self) -> DistributedRegistry:
        """The registry of the pool's collections.

        Raises:
            RuntimeError: the pool is not open.
        """
        if self._registry is None:
            raise RuntimeError(
                "the pool is not open: use `with sky.pool() as pool:` first"
            )
        return self._registry

    # Opening and closing.

    def __enter__(self) -> Self:
        if self._registry is not None:
            raise RuntimeError(
                "the pool is already open, so it cannot be entered again; "
                "close it first or create another with sky.pool()"
            )
        self._start_ray()
        try:
            # Worker i runs on alive node i modulo the node count. Ray's SPREAD
            # strategy, and a soft node affinity on a busy machine, left both
            # workers of a new two-node cluster on one node.
            nodes = alive_nodes()
            registry = DistributedRegistry(self.scope, hosts=max(len(nodes), 1))
            self._workers = [
                _WorkerActor.options(
                    scheduling_strategy=on_node(nodes, index, soft=False)
                ).remote(index, self.nodes, registry)
                for index in range(self.nodes)
            ]
            node_ids = ray.get([worker.node_id.remote() for worker in self._workers])
        except BaseException:
            self._kill_workers()
            self._stop_ray()
            raise
        self._registry = registry
        self._next_worker = itertools.count()
        self._token = _registry_module._active.set(registry)
        self._previous_process_registry = _registry_module._process_registry
        _set_process_registry(registry)
        logger.info(
            "pool started: %d workers on %d nodes, scope %s",
            self.nodes,
            len(builtins.set(node_ids)),
            registry.scope,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Kill the workers, drop the collections, and stop Ray if it started it.

        Closing a pool that is not open does nothing.
        """
        registry = self._registry
        if registry is None:
            return
        self._registry = None
        if self._token is not None:
            try:
                _registry_module._active.reset(self._token)
            except ValueError:
                # Closed from another context than the one that opened it.
                _registry_module._active.set(None)
            self._token = None
        _set_process_registry(self._previous_process_registry)
        self._previous_process_registry = None
        self._kill_workers()
        registry.cleanup()
        logger.info("pool stopped: scope %s", registry.scope)
        self._stop_ray()

    def __call__[**P, R](self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate ``fn`` to run with this pool open around each call."""

        @functools.wraps(fn)
        def run_in_pool(*args: P.args, **kwargs: P.kwargs) -> R:
            with self:
                return fn(*args, **kwargs)

        return run_in_pool

    def _start_ray(self) -> None:
        if ray.is_initialized():
            return
        address = self.address or os.environ.get("RAY_ADDRESS")
        if address:
            ray.init(address=address, namespace=self.namespace)
            logger.info("joined the Ray cluster at %s", address)
        else:
            # "local" starts a new instance; without it ray.init would join
            # whatever cluster a `ray start` on this machine left running.
            ray.init(
                address="local",
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                namespace=self.namespace,
            )
            logger.info("started a local Ray instance")
        self._started_ray = True

    def _stop_ray(self) -> None:
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False
            logger.info("shut down the Ray instance the pool started")

    def _kill_workers(self) -> None:
        for worker in self._workers:
            ray.kill(worker)
        self._workers = []

    # Running calls.

    def run[R](self, call: PendingCall[R]) -> R:
        """Run ``call`` on the next worker (round robin) and return its result.

        Raises:
            Exception: what the function raised, with its original type. The
                remote traceback is chained as its cause.
            RuntimeError: the pool is not open.
            TypeError: ``call`` is not a ``PendingCall``.
        """
        ref = self._submit(self._take_worker(), call)
        # ray.get is typed Any here; the PendingCall fixes the result type.
        return _get(ref)  # type: ignore[no-any-return]

    def broadcast[R](self, call: PendingCall[R]) -> builtins.list[R]:
        """Run ``call`` once on every worker and return the results in order.

        Raises:
            Exception: a task's error, as for ``run``.
            RuntimeError: the pool is not open.
        """
        workers = self._open_workers()
        refs = [self._submit(worker, call) for worker in workers]
        # ray.get is typed Any here; the PendingCall fixes the result type.
        return _get(refs)  # type: ignore[no-any-return]

    def run_all(self, group: PendingGroup[*tuple[Any, ...]]) -> tuple[Any, ...]:
        """Run every call of ``group`` at once, each on the next worker.

        Raises:
            Exception: a task's error, as for ``run``.
            RuntimeError: the pool is not open.
            TypeError: an item of ``group`` is not a ``PendingCall``.
        """
        refs = [self._submit(self._take_worker(), call) for call in group.calls]
        return tuple(_get(refs))

    def _open_workers(self) -> builtins.list[ActorHandle]:
        if self._registry is None:
            raise RuntimeError(
                "the pool is not open: run calls inside `with sky.pool() as pool:`"
            )
        return self._workers

    def _take_worker(self) -> ActorHandle:
        workers = self._open_workers()
        with self._lock:
            return workers[next(self._next_worker) % len(workers)]

    @staticmethod
    def _submit(worker: ActorHandle, call: PendingCall[Any]) -> ray.ObjectRef[Any]:
        if not isinstance(call, PendingCall):
            raise TypeError(
                f"a pool runs calls of @sky.compute functions, not {call!r}"
            )
        ref: ray.ObjectRef[Any] = worker.run.remote(call.fn, call.args, call.kwargs)
        return ref

    # The pool's collections.

    def dict(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        types: tuple[Any, Any] | None = None,
        isolated: bool = False,
    ) -> DictProxy[Any, Any]:
        """Get or create the pool's dict ``name``.

        Cost: one call.
        """
        return self.registry.dict(
            name, consistency=consistency, types=types, isolated=isolated
        )

    def list(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        types: tuple[Any] | None = None,
        isolated: bool = False,
    ) -> ListProxy[Any]:
        """Get or create the pool's list ``name``.

        Cost: one call.
        """
        return self.registry.list(
            name, consistency=consistency, types=types, isolated=isolated
        )

    def set(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        types: tuple[Any] | None = None,
        isolated: bool = False,
    ) -> SetProxy[Any]:
        """Get or create the pool's set ``name``.

        Cost: one call.
        """
        return self.registry.set(
            name, consistency=consistency, types=types, isolated=isolated
        )

    def counter(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        isolated: bool = False,
    ) -> CounterProxy:
        """Get or create the pool's counter ``name``.

        Cost: one call.
        """
        return self.registry.counter(name, consistency=consistency, isolated=isolated)

    def queue(
        self,
        name: str,
        *,
        maxsize: int | None = None,
        types: tuple[Any] | None = None,
        isolated: bool = False,
    ) -> QueueProxy[Any]:
        """Get or create the pool's queue ``name``.

        With ``maxsize`` None a new queue is unbounded and an existing one
        keeps its bound.

        Cost: one call.
        """
        return self.registry.queue(
            name, maxsize=maxsize, types=types, isolated=isolated
        )

    def barrier(self, name: str, n: int, *, isolated: bool = False) -> BarrierProxy:
        """Get or create the pool's barrier ``name`` for ``n`` parties.

        Cost: one call.
        """
        return self.registry.barrier(name, n, isolated=isolated)

    def lock(
        self, name: str, *, lease: float | None = None, isolated: bool = False
    ) -> LockProxy:
        """Get or create the pool's lock ``name``.

        Cost: one call.
        """
        return self.registry.lock(name, lease=lease, isolated=isolated)

    def __repr__(self) -> str:
        state = "open" if self._registry is not None else "closed"
        return f"<SyncComputePool nodes={self.nodes} {state}>"


def pool(
    nodes: int = 2,
    *,
    address: str | None = None,
    namespace: str | None = None,
    scope: str | None = None,
) -> SyncComputePool:
    """Return a pool of ``nodes`` worker processes on Ray.

    Args:
        nodes: How many worker processes to start. Worker i runs on the
            cluster's alive node i modulo the node count. Workers reserve
            no CPU, so a small machine can run more workers than it has
            cores.
        address: The Ray cluster to join (``"host:port"``). Without it the
            ``RAY_ADDRESS`` environment variable is used, and without that
            the pool starts a local Ray instance. A Ray instance that is
            already initialized in this process is used as it is.
        namespace: The Ray namespace of the driver, when the pool starts or
            joins Ray.
        scope: The prefix of the pool's collection names in Ray. Two pools
            with the same scope share collections. The default is new and
            random, so pools never share by accident.

    Use the result as a context manager or as a decorator. It opens when
    entered and closes (dropping its collections) on exit.
    """
    if callable(nodes):
        raise TypeError("use @sky.pool() with parentheses as a decorator")
    return SyncComputePool(nodes, address=address, namespace=namespace, scope=scope)


def _get(refs: Any) -> Any:
    """``ray.get`` that raises a task's error with its original type."""
    try:
        return ray.get(refs)
    except RayTaskError as exc:
        cause = getattr(exc, "cause", None)
        if isinstance(cause, _TaskExit):
            raise cause.exc from exc
        if isinstance(cause, BaseException) and not isinstance(cause, RayTaskError):
            raise cause from exc
        raise


__all__ = [
    "Compute",
    "InstanceInfo",
    "PendingCall",
    "PendingGroup",
    "SyncComputePool",
    "compute",
    "gather",
    "instance_info",
    "pool",
]
