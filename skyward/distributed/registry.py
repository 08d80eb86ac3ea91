"""Get-or-create of named collections, and which host actor keeps each one.

A registry belongs to a *scope* (one per pool). Its collections live in host
actors named ``skyward:{scope}:host:{i}``. The host of a collection is a
stable hash of ``"{kind}:{name}"`` modulo the scope's host count, so every
process finds it without a lookup. A collection opened with ``isolated=True``
gets an actor of its own, ``skyward:{scope}:own:{key}``, and its hashed host
records that actor's name.
"""

from __future__ import annotations

import builtins
import logging
import threading
import uuid
import zlib
from collections.abc import Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

import ray
from ray.exceptions import RayActorError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from .actors import HostActor
from .endpoint import Endpoint
from .proxies import (
    BarrierProxy,
    CounterProxy,
    DictProxy,
    ListProxy,
    LockProxy,
    QueueProxy,
    SetProxy,
)
from .proxies.base import CollectionProxy, type_name
from .types import Consistency

if TYPE_CHECKING:
    from ray.actor import ActorHandle

logger = logging.getLogger("skyward")

NAMESPACE = "skyward"
"""Ray namespace of every host actor, so separate Ray jobs can share a scope."""


def type_key(types: tuple[Any, ...] | None) -> str | None:
    """Return the text a host records for a collection's type arguments."""
    if types is None:
        return None
    return "[" + ", ".join(type_name(t) for t in types) + "]"


def alive_nodes() -> builtins.list[str]:
    """Return the ids of the Ray cluster's alive nodes, sorted."""
    return sorted(node["NodeID"] for node in ray.nodes() if node["Alive"])


def on_node(
    nodes: builtins.list[str], index: int, *, soft: bool = True
) -> NodeAffinitySchedulingStrategy | str:
    """Return a scheduling strategy for node ``index`` (round robin).

    With ``soft`` Ray may place the actor elsewhere when that node cannot
    take it at once; without it the actor waits for that node. Without known
    nodes Ray's SPREAD strategy is used instead.
    """
    if not nodes:
        return "SPREAD"
    return NodeAffinitySchedulingStrategy(nodes[index % len(nodes)], soft=soft)


class DistributedRegistry:
    """Opens named collections of one scope, creating them on first use.

    Args:
        scope: The namespace of the collection names. Two registries with
            the same scope reach the same collections. The default is a new
            random scope.
        hosts: How many host actors share the scope's collections. The
            default is the number of alive Ray nodes when the first
            collection opens. Every process of a scope must use the same
            count, which pickling the registry preserves.

    Raises:
        TypeError: ``hosts`` is not an int or None.
        ValueError: ``hosts`` is less than 1.

    Opening a collection costs one call to its host, or two for a
    collection in its own actor. The first collection on each host also
    looks up or creates the host actor. Registries pickle by scope and host
    count.
    """

    def __init__(self, scope: str | None = None, *, hosts: int | None = None) -> None:
        if hosts is not None:
            if isinstance(hosts, bool) or not isinstance(hosts, int):
                raise TypeError(
                    f"hosts must be an int or None, not {type(hosts).__name__} "
                    f"{hosts!r}"
                )
            if hosts < 1:
                raise ValueError(
                    f"hosts must be at least 1, not {hosts!r}; pass None to use "
                    "one host per alive Ray node"
                )
        self._scope = uuid.uuid4().hex[:12] if scope is None else scope
        self._host_count = hosts
        self._hosts: builtins.dict[int, ActorHandle] = {}
        self._lock = threading.Lock()

    @property
    def scope(self) -> str:
        """The scope id, the prefix of every actor name of this registry."""
        return self._scope

    @property
    def host_count(self) -> int:
        """How many host actors the scope's collections are spread over."""
        with self._lock:
            return self._resolve_host_count()

    # Opening collections.

    def dict(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        types: tuple[Any, Any] | None = None,
        isolated: bool = False,
    ) -> DictProxy[Any, Any]:
        """Get or create the dict ``name``.

        Cost: one call.
        """
        return self._proxy(DictProxy, name, consistency, types, {}, isolated)

    def list(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        types: tuple[Any] | None = None,
        isolated: bool = False,
    ) -> ListProxy[Any]:
        """Get or create the list ``name``.

        Cost: one call.
        """
        return self._proxy(ListProxy, name, consistency, types, {}, isolated)

    def set(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        types: tuple[Any] | None = None,
        isolated: bool = False,
    ) -> SetProxy[Any]:
        """Get or create the set ``name``.

        Cost: one call.
        """
        return self._proxy(SetProxy, name, consistency, types, {}, isolated)

    def counter(
        self,
        name: str,
        *,
        consistency: Consistency | None = None,
        isolated: bool = False,
    ) -> CounterProxy:
        """Get or create the counter ``name``, starting at 0.

        Cost: one call.
        """
        return self._proxy(CounterProxy, name, consistency, None, {}, isolated)

    def queue(
        self,
        name: str,
        *,
        maxsize: int | None = None,
        types: tuple[Any] | None = None,
        isolated: bool = False,
    ) -> QueueProxy[Any]:
        """Get or create the FIFO queue ``name`` (``maxsize`` 0: unbounded).

        With ``maxsize`` None a new queue is unbounded and an existing one
        keeps its bound. Cost: one call.
        """
        options = {} if maxsize is None else {"maxsize": maxsize}
        return self._proxy(QueueProxy, name, "strong", types, options, isolated)

    def barrier(self, name: str, n: int, *, isolated: bool = False) -> BarrierProxy:
        """Get or create the barrier ``name`` that releases ``n`` parties at once.

        Cost: one call.
        """
        options = {"parties": n}
        return self._proxy(BarrierProxy, name, "strong", None, options, isolated)

    def lock(
        self, name: str, *, lease: float | None = None, isolated: bool = False
    ) -> LockProxy:
        """Get or create the lock ``name``.

        ``lease`` is how many seconds the host lets a holder keep the lock
        without a renewal, and the holder's process renews it in the
        background. With None the default lease of 10 seconds applies.

        Cost: one call.
        """
        options = {} if lease is None else {"lease": lease}
        return self._proxy(LockProxy, name, "strong", None, options, isolated)

    def _proxy[P: CollectionProxy](
        self,
        proxy_cls: type[P],
        name: str,
        consistency: Consistency | None,
        types: tuple[Any, ...] | None,
        options: Mapping[str, Any],
        isolated: bool,
    ) -> P:
        endpoint = self.open(proxy_cls.KIND, name, types, options, isolated=isolated)
        return proxy_cls(endpoint, consistency or "eventual", name=name, types=types)

    def open(
        self,
        kind: str,
        name: str,
        types: tuple[Any, ...] | None = None,
        options: Mapping[str, Any] | None = None,
        *,
        isolated: bool = False,
    ) -> Endpoint:
        """Get or create collection ``name`` of ``kind`` and return its endpoint.

        Raises:
            TypeError: ``name`` exists with other types. Names are per kind:
                each kind keys its collections by ``kind:name`` on the host.
            ValueError: ``options`` conflict with the existing collection's.
            RuntimeError: ``isolated`` is requested for a collection that
                already lives in a shared host.

        Cost: one call; two, plus creating an actor, for a collection that
        lives in an actor of its own.
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"a collection name must be a non-empty str, not {name!r}")
        key = f"{kind}:{name}"
        types_text = type_key(types)
        options = dict(options or {})
        own_name = self._own_actor_name(key) if isolated else None
        index = self.host_index(key)
        endpoint, reply = self._call_host(
            index, key, "__open__", kind, types_text, options, own_name
        )
        redirect = cast(str | None, reply)
        if redirect is None:
            if isolated:
                raise RuntimeError(
                    f"sky.{kind} {name!r} already lives in a shared host, so it "
                    "cannot move to an actor of its own; pass isolated=True "
                    "everywhere it is opened, or use another name"
                )
            return endpoint
        own = self._own_actor(redirect)
        endpoint = Endpoint(own, key)
        endpoint.call("__open__", kind, types_text, options)
        return endpoint

    # Host actors.

    def host_index(self, key: str) -> int:
        """Return the index of the host that keeps the collection ``key``.

        ``key`` is ``"{kind}:{name}"``. The index depends only on the key and
        the host count, so every process computes the same one.
        """
        with self._lock:
            count = self._resolve_host_count()
        return zlib.crc32(key.encode()) % count

    def host_name(self, index: int) -> str:
        """Return the Ray actor name of host ``index``."""
        return f"skyward:{self._scope}:host:{index}"

    def _own_actor_name(self, key: str) -> str:
        return f"skyward:{self._scope}:own:{key}"

    def _resolve_host_count(self) -> int:
        if self._host_count is None:
            self._host_count = max(len(alive_nodes()), 1)
        return self._host_count

    def _host(self, index: int) -> ActorHandle:
        with self._lock:
            handle = self._hosts.get(index)
            if handle is None:
                handle = self._hosts[index] = self._start_host(index)
            return handle

    def _start_host(self, index: int) -> ActorHandle:
        name = self.host_name(index)
        nodes = alive_nodes()
        node = nodes[index % len(nodes)] if nodes else None
        options: builtins.dict[str, Any] = {
            "name": name,
            "namespace": NAMESPACE,
            "get_if_exists": True,
            "lifetime": "detached",
            "scheduling_strategy": on_node(nodes, index),
        }
        # get_if_exists makes creation atomic: processes racing on one name
        # all receive the single actor that GCS registered under it.
        handle = HostActor.options(**options).remote()
        logger.info(
            "using host %s (created if missing, on node %s if it has room)", name, node
        )
        return handle

    def _own_actor(self, actor_name: str) -> ActorHandle:
        handle = HostActor.options(
            name=actor_name,
            namespace=NAMESPACE,
            get_if_exists=True,
            lifetime="detached",
        ).remote()
        logger.info(
            "using actor %s (created if missing) for one collection", actor_name
        )
        return handle

    def _call_host(
        self, index: int, key: str, op: str, *args: Any
    ) -> tuple[Endpoint, Any]:
        """Run a host operation on host ``index``, again once if the host died."""
        endpoint = Endpoint(self._host(index), key)
        try:
            return endpoint, endpoint.call(op, *args)
        except RayActorError as exc:
            # NOTE: Ray does not restart a host, so the host under this name
            # is a new one, and the collections of the dead host are lost.
            logger.warning(
                "host %s died (%s) and its collections are lost; opening a "
                "new host under its name",
                self.host_name(index),
                exc,
            )
            with self._lock:
                self._hosts.pop(index, None)
            endpoint = Endpoint(self._host(index), key)
            return endpoint, endpoint.call(op, *args)

    # Lifetime.

    def actor_names(self) -> builtins.list[str]:
        """Return the names of the scope's live actors, hosts and own actors.

        Cost: one query to Ray's control store.
        """
        prefix = f"skyward:{self._scope}:"
        return sorted(
            entry["name"]
            for entry in ray.util.list_named_actors(all_namespaces=True)
            if entry["namespace"] == NAMESPACE and entry["name"].startswith(prefix)
        )

    def cleanup(self) -> None:
        """Kill the scope's actors, dropping every collection in them.

        Opening a collection afterwards creates it again, empty. Proxies
        opened before no longer work.

        NOTE: host actors are detached, so they outlive a driver that exits
        without closing its pool. ``DistributedRegistry(scope).cleanup()``
        removes them later.

        Cost: one query to Ray's control store and one kill per actor.
        """
        names = self.actor_names()
        for actor_name in names:
            try:
                ray.kill(ray.get_actor(actor_name, namespace=NAMESPACE))
            except ValueError:
                continue  # already gone
        with self._lock:
            self._hosts.clear()
        logger.info("cleaned up scope %s: killed %d actors", self._scope, len(names))

    # Pickling and introspection.

    def __reduce__(self) -> tuple[Any, ...]:
        # Fix the host count before the copy leaves: a process that counted
        # the nodes later could count differently and look on the wrong host.
        hosts = self.host_count if ray.is_initialized() else self._host_count
        return (_restore, (self._scope, hosts))

    def __repr__(self) -> str:
        return f"DistributedRegistry(scope={self._scope!r}, hosts={self._host_count})"


_restored: builtins.dict[tuple[str, int | None], DistributedRegistry] = {}
_restored_lock = threading.Lock()


def _restore(scope: str, hosts: int | None) -> DistributedRegistry:
    # One registry per scope and process, so unpickled copies share handles.
    with _restored_lock:
        registry = _restored.get((scope, hosts))
        if registry is None:
            registry = _restored[(scope, hosts)] = DistributedRegistry(
                scope, hosts=hosts
            )
        return registry


# The registry that sky.dict(...) and the other factories open through.

_active: ContextVar[DistributedRegistry | None] = ContextVar(
    "skyward_active_registry", default=None
)
_process_registry: DistributedRegistry | None = None


def _get_active_registry() -> DistributedRegistry:
    """Return the registry of the current context, else the process's one.

    Raises:
        RuntimeError: no pool is open here and none was set.
    """
    registry = _active.get()
    if registry is None:
        registry = _process_registry
    if registry is None:
        raise RuntimeError(
            "no active skyward pool: open one with `with sky.pool(): ...` (or "
            "decorate a function with @sky.pool()) before using sky.dict, "
            "sky.counter and the other collections"
        )
    return registry


def _set_active_registry(registry: DistributedRegistry | None) -> None:
    """Make ``registry`` the current context's registry (None clears it)."""
    _active.set(registry)


def _set_process_registry(registry: DistributedRegistry | None) -> None:
    """Make ``registry`` the fallback of every thread of this process."""
    global _process_registry
    _process_registry = registry


__all__ = [
    "NAMESPACE",
    "DistributedRegistry",
    "alive_nodes",
    "on_node",
    "type_key",
]
