"""Rows of throughput with several workers writing to one collection.

Workers are Ray tasks started together: each builds its input, sleeps until
a start time shared by all, runs, and returns when it began and ended. A
sample lasts from the first start to the last end. After each sample the
benchmark reads the total back and reports a contender whose total is wrong
as failed.
"""

from __future__ import annotations

import functools
import operator
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ray

from .context import Context, Settings
from .harness import Contender, Measure, Row, Sample, prepare
from .services import RESULT_TIMEOUT, redis_client

type Work = Callable[[], Any]


@ray.remote(num_cpus=0)
def _worker(build: Callable[[], Work], start_at: float) -> tuple[float, float]:
    work = build()
    delay = start_at - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    begin = time.perf_counter()
    work()
    return begin, time.perf_counter()


def rows(settings: Settings) -> list[Row[Context]]:
    """Return one counter row and one word-count row per worker count."""
    result: list[Row[Context]] = []
    for workers in settings.worker_counts:
        label = f"{workers} worker" + ("s" if workers > 1 else "")
        counter = functools.partial(_counter, workers)
        words = functools.partial(_words, workers)
        result.append(
            Row(f"counter increment, {label}", counter, "increment", warmup=True)
        )
        result.append(Row(f"word-count merge, {label}", words, "word", warmup=True))
    return result


def parallel(
    ctx: Context,
    workers: int,
    build: Callable[[int], Callable[[], Work]],
    ops_per_worker: int,
    total: Callable[[], int],
) -> Measure:
    """Return a measurement of ``workers`` tasks running ``build(i)()``'s work.

    ``total`` reads the collection's total, which must grow by the ops of
    every worker in each sample.
    """
    expected = [total()]

    def measure() -> Sample:
        start_at = time.perf_counter() + ctx.settings.start_delay
        refs = [_worker.remote(build(i), start_at) for i in range(workers)]
        spans = ray.get(refs, timeout=RESULT_TIMEOUT)
        begin = min(span[0] for span in spans)
        end = max(span[1] for span in spans)
        expected[0] += workers * ops_per_worker
        found = total()
        if found != expected[0]:
            raise RuntimeError(
                f"total is {found} after the run, expected {expected[0]}"
            )
        return Sample(end - begin, workers * ops_per_worker)

    return measure


def _ready(work: Work) -> Work:
    return work


# One counter.


def _increment_proxy(counter: Any, n: int) -> None:
    for _ in range(n):
        counter.increment()
    counter.flush()


def _increment_actor(store: Any, space: str, n: int) -> None:
    for _ in range(n):
        ray.get(store.increment.remote(space, 1))


def _increment_redis(port: int, key: str, n: int) -> None:
    client = redis_client(port)
    for _ in range(n):
        client.incr(key)


@contextmanager
def _counter(workers: int, ctx: Context) -> Iterator[list[Contender]]:
    n = ctx.settings.worker_ops

    def skyward(consistency: Any) -> Measure:
        counter = ctx.registry.counter(ctx.name("counter"), consistency=consistency)
        work = functools.partial(_increment_proxy, counter, n)
        build = functools.partial(_ready, work)
        return parallel(ctx, workers, lambda _: build, n, lambda: counter.value)

    def actor() -> Measure:
        store, space = ctx.store, ctx.name("counter")
        work = functools.partial(_increment_actor, store, space, n)
        build = functools.partial(_ready, work)
        return parallel(
            ctx, workers, lambda _: build, n, lambda: ray.get(store.value.remote(space))
        )

    def redis_py(client: Any, port: int) -> Measure:
        key = ctx.name("counter")
        build = functools.partial(
            _ready, functools.partial(_increment_redis, port, key, n)
        )
        return parallel(
            ctx, workers, lambda _: build, n, lambda: int(client.get(key) or 0)
        )

    yield [
        prepare("skyward counter, strong", lambda: skyward("strong")),
        prepare("skyward counter, eventual (with flush)", lambda: skyward("eventual")),
        prepare("Ray actor, sync call each", actor),
        ctx.redis_contender("redis-py INCR", redis_py),
    ]


# Word counts merged into one dict.


def word_batches(settings: Settings, seed: int) -> list[dict[str, int]]:
    """Return a worker's batches: counts of words drawn from the vocabulary."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(settings.vocabulary)]
    return [
        dict(Counter(rng.choices(vocabulary, k=settings.batch_words)))
        for _ in range(settings.word_batches)
    ]


def _merge_proxy(d: Any, batches: list[dict[str, int]]) -> None:
    for batch in batches:
        d.merge_many(batch, operator.add)
    d.flush()


def _merge_actor(store: Any, space: str, batches: list[dict[str, int]]) -> None:
    for batch in batches:
        ray.get(store.merge.remote(space, batch))


def _merge_redis(port: int, key: str, batches: list[dict[str, int]]) -> None:
    client = redis_client(port)
    for batch in batches:
        pipe = client.pipeline(transaction=False)
        for word, count in batch.items():
            pipe.hincrby(key, word, count)
        pipe.execute()


def _build_merge(
    merge: Callable[[list[dict[str, int]]], None], settings: Settings, seed: int
) -> Work:
    return functools.partial(merge, word_batches(settings, seed))


@contextmanager
def _words(workers: int, ctx: Context) -> Iterator[list[Contender]]:
    settings = ctx.settings
    n = settings.word_batches * settings.batch_words
    seeds = iter(range(1 << 62))

    def builder(merge: Callable[[list[dict[str, int]]], None]) -> Any:
        return lambda _: functools.partial(_build_merge, merge, settings, next(seeds))

    def skyward(consistency: Any) -> Measure:
        d = ctx.registry.dict(ctx.name("words"), consistency=consistency)
        merge = functools.partial(_merge_proxy, d)
        return parallel(ctx, workers, builder(merge), n, lambda: sum(d.values()))

    def actor() -> Measure:
        store, space = ctx.store, ctx.name("words")
        merge = functools.partial(_merge_actor, store, space)

        def total() -> int:
            return sum(count for _, count in ray.get(store.items.remote(space)))

        return parallel(ctx, workers, builder(merge), n, total)

    def redis_py(client: Any, port: int) -> Measure:
        key = ctx.name("words")
        merge = functools.partial(_merge_redis, port, key)

        def total() -> int:
            return sum(int(count) for count in client.hvals(key))

        return parallel(ctx, workers, builder(merge), n, total)

    yield [
        prepare("skyward dict merge_many, strong", lambda: skyward("strong")),
        prepare(
            "skyward dict merge_many, eventual (with flush)",
            lambda: skyward("eventual"),
        ),
        prepare("Ray actor, one call per batch", actor),
        ctx.redis_contender("redis-py HINCRBY, pipeline per batch", redis_py),
    ]


__all__ = ["parallel", "rows", "word_batches"]
