"""Rows of collection creation and of large numpy arrays."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import ray

from ..distributed.registry import NAMESPACE
from .actors import PlainStore
from .context import Context, Settings, once
from .harness import Contender, Measure, Row, Sample, format_bytes, prepare
from .services import actor_pid, rss_of

if TYPE_CHECKING:
    import redis


def rows(settings: Settings) -> list[Row[Context]]:
    """Return the creation and array rows, sized by ``settings``."""
    array = format_bytes(settings.array_bytes) + " array"
    return [
        Row(
            "create collections",
            _create,
            unit="collection",
            size=f"{settings.collections:,} per sample",
        ),
        Row("array store", _array_store, unit="store", size=array, warmup=True),
        Row("array read", _array_read, unit="read", size=array, warmup=True),
    ]


def creations(
    count: int, create: Callable[[int], Any], pids: Callable[[], list[int]]
) -> Measure:
    """Return a measurement of ``count`` calls of ``create`` and the RSS they add.

    ``pids`` returns the processes that keep the collections; their resident
    memory is read before and after.
    """

    def measure() -> Sample:
        before = sum(rss_of(pid) for pid in pids())
        start = time.perf_counter()
        for i in range(count):
            create(i)
        seconds = time.perf_counter() - start
        after = sum(rss_of(pid) for pid in pids())
        return Sample(seconds, count, rss_bytes=after - before)

    return measure


@contextmanager
def _create(ctx: Context) -> Iterator[list[Contender]]:
    count = ctx.settings.collections
    # The Manager frees a dict when its last proxy is collected.
    manager_dicts: list[Any] = []

    def skyward() -> Measure:
        registry = ctx.registry
        registry.dict(ctx.name("first"))  # starts the host, if no row did
        hosts = [
            ray.get_actor(registry.host_name(i), namespace=NAMESPACE)
            for i in range(registry.host_count)
        ]
        pids = [actor_pid(host) for host in hosts]
        numbers = itertools.count()  # every sample creates new names
        return creations(
            count, lambda _: registry.dict(f"created-{next(numbers)}"), lambda: pids
        )

    def actors() -> Measure:
        return _actor_creations(ctx.settings.actors)

    def manager() -> Measure:
        # NOTE: SyncManager keeps its server process in the private _process.
        pid: int = ctx.manager._process.pid  # type: ignore[attr-defined]
        return creations(
            count, lambda _: manager_dicts.append(ctx.manager.dict()), lambda: [pid]
        )

    def redis_py(client: redis.Redis, _: int) -> Measure:
        server = ctx.redis
        assert not isinstance(server, str)
        numbers = itertools.count()
        return creations(
            count,
            lambda _: client.hset(f"created-{next(numbers)}", "k", 0),
            lambda: [server.pid],
        )

    def pottery(client: redis.Redis) -> Measure:
        from pottery import RedisDict

        server = ctx.redis
        assert not isinstance(server, str)
        numbers = itertools.count()
        initial: Any = {"k": 0}
        return creations(
            count,
            lambda _: RedisDict(initial, redis=client, key=f"pottery-{next(numbers)}"),
            lambda: [server.pid],
        )

    try:
        yield [
            prepare("skyward dict, shared host", skyward),
            prepare("Ray actor per collection", actors),
            prepare("multiprocessing.Manager dict", manager),
            ctx.redis_contender("redis-py hash (HSET one field)", redis_py),
            ctx.pottery_contender("pottery RedisDict", pottery),
        ]
    finally:
        manager_dicts.clear()


def _actor_creations(count: int) -> Measure:
    def measure() -> Sample:
        start = time.perf_counter()
        created = []
        for _ in range(count):
            # mypy ignores class decorators, so it finds no ray.remote ActorClass.
            actor = PlainStore.remote()  # type: ignore[attr-defined]
            ray.get(actor.ping.remote())
            created.append(actor)
        seconds = time.perf_counter() - start
        try:
            # Each actor is a new process, so all its memory is added.
            rss = sum(rss_of(actor_pid(actor)) for actor in created)
        finally:
            for actor in created:
                ray.kill(actor)
        return Sample(seconds, count, rss_bytes=rss)

    return measure


def _array(ctx: Context) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.random.default_rng(0).random(ctx.settings.array_bytes // 8)


def _checked(array: Any, expected: int) -> None:
    if array.nbytes != expected:
        raise RuntimeError(f"read {array.nbytes} bytes, expected {expected}")


@contextmanager
def _array_store(ctx: Context) -> Iterator[list[Contender]]:
    array = _array(ctx)
    space = ctx.name("array")
    refs: list[ray.ObjectRef[Any]] = []

    def skyward(consistency: Any) -> Measure:
        d = ctx.registry.dict(ctx.name("array"), consistency=consistency)

        def run() -> None:
            d["a"] = array
            d.flush()

        return once(run)

    def put() -> Measure:
        def run() -> None:
            refs[:] = [ray.put(array)]

        return once(run)

    def actor() -> Measure:
        return once(lambda: ray.get(ctx.store.set.remote(space, "a", array)))

    def manager() -> Measure:
        md = ctx.manager.dict()

        def run() -> None:
            md["a"] = array

        return once(run)

    def redis_py(client: redis.Redis, _: int) -> Measure:
        return once(lambda: client.set(space, array.tobytes()))

    try:
        yield [
            prepare("skyward dict, strong", lambda: skyward("strong")),
            prepare("skyward dict, eventual (with flush)", lambda: skyward("eventual")),
            prepare("ray.put", put),
            prepare("Ray actor, argument", actor),
            prepare("multiprocessing.Manager dict", manager),
            ctx.redis_contender("redis-py SET of tobytes()", redis_py),
        ]
    finally:
        refs.clear()
        ray.get(ctx.store.drop.remote(space))


@contextmanager
def _array_read(ctx: Context) -> Iterator[list[Contender]]:
    array = _array(ctx)
    size = array.nbytes
    space = ctx.name("array")
    refs: list[ray.ObjectRef[Any]] = []

    def skyward() -> Measure:
        d = ctx.registry.dict(ctx.name("array"), consistency="strong")
        d["a"] = array
        return once(lambda: _checked(d["a"], size))

    def get() -> Measure:
        refs.append(ray.put(array))
        return once(lambda: _checked(ray.get(refs[0]), size))

    def actor() -> Measure:
        ray.get(ctx.store.set.remote(space, "a", array))
        return once(lambda: _checked(ray.get(ctx.store.get.remote(space, "a")), size))

    def manager() -> Measure:
        md = ctx.manager.dict()
        md["a"] = array
        return once(lambda: _checked(md["a"], size))

    def redis_py(client: redis.Redis, _: int) -> Measure:
        client.set(space, array.tobytes())

        def run() -> None:
            data = client.get(space)
            assert isinstance(data, bytes)
            _checked(np.frombuffer(data, dtype=np.float64), size)

        return once(run)

    try:
        yield [
            prepare("skyward dict", skyward),
            prepare("ray.get of a ray.put reference", get),
            prepare("Ray actor, return value", actor),
            prepare("multiprocessing.Manager dict", manager),
            ctx.redis_contender("redis-py GET, np.frombuffer", redis_py),
        ]
    finally:
        refs.clear()
        ray.get(ctx.store.drop.remote(space))


__all__ = ["creations", "rows"]
