"""Rows of single-key and bulk operations on dicts and lists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import ray

from ..distributed.host import MAX_CONCURRENT_CALLS
from .context import Context, Settings, loop, once
from .harness import Contender, Measure, Row, prepare

if TYPE_CHECKING:
    import redis

KEY = "k"


def rows(settings: Settings) -> list[Row[Context]]:
    """Return the key-value rows, sized by ``settings``."""
    items = f"{settings.items:,} items"
    return [
        Row("actor round trip", _round_trip, unit="call"),
        Row("dict get, one key", _dict_get, unit="get"),
        Row("dict set, one key", _dict_set, unit="set"),
        Row("dict update", _dict_update, "update", items, settings.items),
        Row("dict iteration", _dict_iteration, "pass", items, settings.items),
        Row("dict len", _dict_len, unit="len", size=items),
        Row("list extend", _list_extend, "extend", items, settings.items),
    ]


def _calls(ops: int, call: Any) -> Measure:
    return loop(ops, lambda _: ray.get(call()))


def _pipelined(ops: int, call: Any) -> Measure:
    return once(lambda: ray.get([call(i) for i in range(ops)]), ops)


@contextmanager
def _round_trip(ctx: Context) -> Iterator[list[Contender]]:
    ops = ctx.settings.ops
    store, async_store = ctx.store, ctx.async_store

    def counter_read() -> Measure:
        counter = ctx.registry.counter(ctx.name("round-trip"), consistency="strong")
        return loop(ops, lambda _: counter.value)

    yield [
        Contender("Ray actor, sync call", _calls(ops, store.ping.remote)),
        Contender("Ray async actor, sync call", _calls(ops, async_store.ping.remote)),
        Contender(
            f"Ray async actor, max_concurrency={MAX_CONCURRENT_CALLS:,}",
            _calls(ops, ctx.wide_store.ping.remote),
        ),
        Contender(
            f"Ray actor, {ops:,} calls pipelined",
            _pipelined(ops, lambda _: store.ping.remote()),
        ),
        prepare("skyward counter read", counter_read),
    ]


# Single keys.


@contextmanager
def _dict_get(ctx: Context) -> Iterator[list[Contender]]:
    ops = ctx.settings.ops
    space = ctx.name("get")

    def skyward(consistency: Any) -> Measure:
        d = ctx.registry.dict(ctx.name("get"), consistency=consistency)
        d[KEY] = 1
        d.flush()
        return loop(ops, lambda _: d[KEY])

    def actor() -> Measure:
        ray.get(ctx.store.set.remote(space, KEY, 1))
        return _calls(ops, lambda: ctx.store.get.remote(space, KEY))

    def manager() -> Measure:
        md = ctx.manager.dict({KEY: 1})
        return loop(ops, lambda _: md[KEY])

    def redis_py(client: redis.Redis, _: int) -> Measure:
        client.hset(space, KEY, 1)
        return loop(ops, lambda _: client.hget(space, KEY))

    def pottery(client: redis.Redis) -> Measure:
        pd = _redis_dict(client, ctx.name("pottery-get"))
        pd[KEY] = 1
        return loop(ops, lambda _: pd[KEY])

    yield [
        prepare("skyward, strong", lambda: skyward("strong")),
        prepare("skyward, eventual", lambda: skyward("eventual")),
        prepare("Ray actor", actor),
        prepare("multiprocessing.Manager dict", manager),
        ctx.redis_contender("redis-py HGET", redis_py),
        ctx.pottery_contender("pottery RedisDict", pottery),
    ]


@contextmanager
def _dict_set(ctx: Context) -> Iterator[list[Contender]]:
    ops = ctx.settings.ops
    space = ctx.name("set")

    def skyward(consistency: Any) -> Measure:
        d = ctx.registry.dict(ctx.name("set"), consistency=consistency)

        def step(i: int) -> None:
            d[KEY] = i

        # The flush makes the eventual contender pay for applying its writes.
        return loop(ops, step, after=d.flush)

    def actor() -> Measure:
        return loop(ops, lambda i: ray.get(ctx.store.set.remote(space, KEY, i)))

    def actor_pipelined() -> Measure:
        return _pipelined(ops, lambda i: ctx.store.set.remote(space, KEY, i))

    def manager() -> Measure:
        md = ctx.manager.dict()

        def step(i: int) -> None:
            md[KEY] = i

        return loop(ops, step)

    def redis_py(client: redis.Redis, _: int) -> Measure:
        return loop(ops, lambda i: client.hset(space, KEY, i))

    def redis_pipeline(client: redis.Redis, _: int) -> Measure:
        def run() -> None:
            pipe = client.pipeline(transaction=False)
            for i in range(ops):
                pipe.hset(space, KEY, i)
            pipe.execute()

        return once(run, ops)

    def pottery(client: redis.Redis) -> Measure:
        pd = _redis_dict(client, ctx.name("pottery-set"))

        def step(i: int) -> None:
            pd[KEY] = i

        return loop(ops, step)

    yield [
        prepare("skyward, strong", lambda: skyward("strong")),
        prepare("skyward, eventual (with flush)", lambda: skyward("eventual")),
        prepare("Ray actor", actor),
        prepare(f"Ray actor, {ops:,} calls pipelined", actor_pipelined),
        prepare("multiprocessing.Manager dict", manager),
        ctx.redis_contender("redis-py HSET", redis_py),
        ctx.redis_contender(f"redis-py HSET, {ops:,} pipelined", redis_pipeline),
        ctx.pottery_contender("pottery RedisDict", pottery),
    ]


# Bulk operations.


def _items(count: int) -> dict[str, int]:
    return {f"k{i}": i for i in range(count)}


@contextmanager
def _dict_update(ctx: Context) -> Iterator[list[Contender]]:
    data = _items(ctx.settings.items)
    space = ctx.name("update")

    def skyward(consistency: Any) -> Measure:
        d = ctx.registry.dict(ctx.name("update"), consistency=consistency)

        def run() -> None:
            d.update(data)
            d.flush()

        return once(run)

    def actor() -> Measure:
        return once(lambda: ray.get(ctx.store.update.remote(space, data)))

    def manager() -> Measure:
        md = ctx.manager.dict()
        return once(lambda: md.update(data))

    def redis_py(client: redis.Redis, _: int) -> Measure:
        # redis' stubs type the mapping with their own key and value unions.
        return once(lambda: client.hset(space, mapping=data))  # type: ignore[arg-type]

    def pottery(client: redis.Redis) -> Measure:
        pd = _redis_dict(client, ctx.name("pottery-update"))
        return once(lambda: pd.update(data))

    yield [
        prepare("skyward, strong", lambda: skyward("strong")),
        prepare("skyward, eventual (with flush)", lambda: skyward("eventual")),
        prepare("Ray actor, one call", actor),
        prepare("multiprocessing.Manager dict", manager),
        ctx.redis_contender("redis-py HSET mapping", redis_py),
        ctx.pottery_contender("pottery RedisDict", pottery),
    ]


def _counted(expected: int, iterable: Any) -> None:
    count = sum(1 for _ in iterable)
    if count != expected:
        raise RuntimeError(f"iteration returned {count} items, expected {expected}")


@contextmanager
def _dict_iteration(ctx: Context) -> Iterator[list[Contender]]:
    count = ctx.settings.items
    data = _items(count)
    space = ctx.name("iteration")

    def skyward() -> Measure:
        d = ctx.registry.dict(ctx.name("iteration"), consistency="strong")
        d.update(data)
        return once(lambda: _counted(count, d.items()))

    def actor() -> Measure:
        ray.get(ctx.store.update.remote(space, data))
        return once(lambda: _counted(count, ray.get(ctx.store.items.remote(space))))

    def manager() -> Measure:
        md = ctx.manager.dict(data)
        return once(lambda: _counted(count, md.items()))

    def redis_scan(client: redis.Redis, _: int) -> Measure:
        # redis' stubs type the mapping with their own key and value unions.
        client.hset(space, mapping=data)  # type: ignore[arg-type]
        return once(lambda: _counted(count, client.hscan_iter(space, count=1_000)))

    def redis_all(client: redis.Redis, _: int) -> Measure:
        # redis' stubs type the mapping with their own key and value unions.
        client.hset(space, mapping=data)  # type: ignore[arg-type]
        return once(lambda: _counted(count, client.hgetall(space).items()))

    def pottery(client: redis.Redis) -> Measure:
        pd = _redis_dict(client, ctx.name("pottery-iteration"))
        pd.update(data)
        return once(lambda: _counted(count, pd.items()))

    yield [
        prepare("skyward, paged items()", skyward),
        prepare("Ray actor, one call", actor),
        prepare("multiprocessing.Manager dict items()", manager),
        ctx.redis_contender("redis-py HSCAN, 1,000 per page", redis_scan),
        ctx.redis_contender("redis-py HGETALL", redis_all),
        ctx.pottery_contender("pottery RedisDict items()", pottery),
    ]


@contextmanager
def _dict_len(ctx: Context) -> Iterator[list[Contender]]:
    ops = ctx.settings.ops
    data = _items(ctx.settings.items)
    space = ctx.name("len")

    def skyward() -> Measure:
        d = ctx.registry.dict(ctx.name("len"), consistency="strong")
        d.update(data)
        return loop(ops, lambda _: len(d))

    def actor() -> Measure:
        ray.get(ctx.store.update.remote(space, data))
        return _calls(ops, lambda: ctx.store.length.remote(space))

    def manager() -> Measure:
        md = ctx.manager.dict(data)
        return loop(ops, lambda _: len(md))

    def redis_py(client: redis.Redis, _: int) -> Measure:
        # redis' stubs type the mapping with their own key and value unions.
        client.hset(space, mapping=data)  # type: ignore[arg-type]
        return loop(ops, lambda _: client.hlen(space))

    def pottery(client: redis.Redis) -> Measure:
        pd = _redis_dict(client, ctx.name("pottery-len"))
        pd.update(data)
        return loop(ops, lambda _: len(pd))

    yield [
        prepare("skyward", skyward),
        prepare("Ray actor", actor),
        prepare("multiprocessing.Manager dict", manager),
        ctx.redis_contender("redis-py HLEN", redis_py),
        ctx.pottery_contender("pottery RedisDict", pottery),
    ]


@contextmanager
def _list_extend(ctx: Context) -> Iterator[list[Contender]]:
    values = list(range(ctx.settings.items))
    space = ctx.name("extend")

    def skyward(consistency: Any) -> Measure:
        lst = ctx.registry.list(ctx.name("extend"), consistency=consistency)

        def run() -> None:
            lst.extend(values)
            lst.flush()

        return once(run)

    def actor() -> Measure:
        return once(lambda: ray.get(ctx.store.extend.remote(space, values)))

    def manager() -> Measure:
        ml = ctx.manager.list()
        return once(lambda: ml.extend(values))

    def redis_py(client: redis.Redis, _: int) -> Measure:
        return once(lambda: client.rpush(space, *values))

    def pottery(client: redis.Redis) -> Measure:
        from pottery import RedisList

        pl = RedisList(redis=client, key=ctx.name("pottery-extend"))
        return once(lambda: pl.extend(values))

    yield [
        prepare("skyward, strong", lambda: skyward("strong")),
        prepare("skyward, eventual (with flush)", lambda: skyward("eventual")),
        prepare("Ray actor, one call", actor),
        prepare("multiprocessing.Manager list", manager),
        ctx.redis_contender("redis-py RPUSH", redis_py),
        ctx.pottery_contender("pottery RedisList", pottery),
    ]


def _redis_dict(client: redis.Redis, key: str) -> Any:
    from pottery import RedisDict

    return RedisDict(redis=client, key=key)


__all__ = ["rows"]
