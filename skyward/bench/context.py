"""Settings of a run and the services every row shares."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.managers import SyncManager
from typing import TYPE_CHECKING, Any

import ray

from ..distributed.host import MAX_CONCURRENT_CALLS
from ..distributed.registry import DistributedRegistry
from .actors import AsyncStore, PlainStore
from .harness import Contender, Measure, Sample, prepare
from .services import ProcessPeer, RayPeer, RedisServer, redis_server

if TYPE_CHECKING:
    import redis

logger = logging.getLogger("skyward.bench")

MB = 1 << 20


@dataclass(frozen=True, slots=True)
class Settings:
    """Sizes and repetition counts of one run."""

    repetitions: int
    warmup: bool
    """Run each contender of the rows that ask for it once before measuring."""
    reference_calls: int
    """Plain actor calls timed per repetition as each row's reference."""
    ops: int
    """Operations per sample in the single-key rows."""
    items: int
    """Items of the bulk rows: update, iteration, len, extend."""
    collections: int
    """Collections created per sample in the creation row."""
    actors: int
    """Actors created per sample, one per collection, in the creation row."""
    array_bytes: int
    wakeups: int
    """Wake-ups timed per sample in the lock, queue and barrier rows."""
    settle: float
    """Seconds the driver waits for the peer to block before it releases it."""
    worker_counts: tuple[int, ...]
    start_delay: float
    """Seconds from submitting the workers of a sample to their common start."""
    worker_ops: int
    """Counter increments per worker per sample."""
    word_batches: int
    """Word-count batches each worker merges per sample."""
    batch_words: int
    vocabulary: int
    """Distinct words the batches draw from."""


FULL = Settings(
    repetitions=5,
    warmup=True,
    reference_calls=300,
    ops=1_000,
    items=100_000,
    collections=1_000,
    actors=4,
    array_bytes=100 * MB,
    wakeups=20,
    settle=0.05,
    worker_counts=(1, 2, 4),
    start_delay=0.5,
    worker_ops=1_000,
    word_batches=50,
    batch_words=1_000,
    vocabulary=2_000,
)

QUICK = Settings(
    repetitions=1,
    warmup=False,
    reference_calls=20,
    ops=30,
    items=2_000,
    collections=20,
    actors=1,
    # Above the 1 MB from which skyward sends a value through the object store.
    array_bytes=2 * MB,
    wakeups=1,
    settle=0.02,
    worker_counts=(1, 2, 4),
    start_delay=0.2,
    worker_ops=30,
    word_batches=2,
    batch_words=200,
    vocabulary=500,
)


class Context:
    """The state rows share: settings, a registry, actors, Redis, a Manager, peers.

    Build it with ``Context.open(settings)``, which closes everything it
    started on exit.
    """

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        """Start every service, closing each on ``stack``; wait until all run.

        The services start in parallel: the spawned processes and the Ray
        actors first, and only then does anything wait for one of them.
        """
        self.settings = settings
        self._names = itertools.count()
        self.registry = DistributedRegistry()
        stack.callback(self.registry.cleanup)
        self.process_peer = ProcessPeer()
        stack.callback(self.process_peer.close)
        handles = [
            # The ignores: mypy ignores class decorators, so it finds no
            # ray.remote ActorClass on these classes.
            PlainStore.remote(),  # type: ignore[attr-defined]
            PlainStore.remote(),  # type: ignore[attr-defined]
            AsyncStore.remote(),  # type: ignore[attr-defined]
            # The concurrency limit of skyward's host actors.
            AsyncStore.options(max_concurrency=MAX_CONCURRENT_CALLS).remote(),  # type: ignore[attr-defined]
        ]
        self.reference_actor, self.store, self.async_store, self.wide_store = handles
        self.ray_peer = RayPeer()
        stack.callback(self.ray_peer.close)
        self.redis: RedisServer | str = stack.enter_context(redis_server())
        self.manager: SyncManager = multiprocessing.get_context("spawn").Manager()
        stack.callback(self.manager.shutdown)
        ray.get([handle.ping.remote() for handle in handles])
        self.ray_peer.ready()
        self.process_peer.ready()

    @classmethod
    @contextmanager
    def open(cls, settings: Settings) -> Iterator[Context]:
        """Start the shared services; stop them and drop the collections on exit."""
        with ExitStack() as stack:
            yield cls(settings, stack)

    @property
    def repetitions(self) -> int:
        """Interleaved repetitions of each row."""
        return self.settings.repetitions

    @property
    def warmup(self) -> bool:
        """Whether rows that ask for a warm-up run get one."""
        return self.settings.warmup

    def reference(self) -> Sample:
        """Time synchronous calls of an idle plain Ray actor."""
        actor = self.reference_actor
        calls = self.settings.reference_calls
        start = time.perf_counter()
        for _ in range(calls):
            ray.get(actor.ping.remote())
        return Sample(time.perf_counter() - start, calls)

    def name(self, prefix: str) -> str:
        """Return a name not used before in this run."""
        return f"{prefix}-{next(self._names)}"

    def redis_contender(
        self, name: str, build: Callable[[redis.Redis, int], Measure]
    ) -> Contender:
        """Return a contender on the local Redis, or why there is none.

        ``build`` receives a client and the server's port.
        """
        server = self.redis
        if isinstance(server, str):
            return Contender(name, unavailable=server)
        from .services import redis_client

        return prepare(name, lambda: build(redis_client(server.port), server.port))

    def pottery_contender(
        self, name: str, build: Callable[[redis.Redis], Measure]
    ) -> Contender:
        """Return a contender using pottery on the local Redis, or why not."""
        try:
            import pottery  # noqa: F401
        except ImportError:
            return Contender(name, unavailable="skipped: pottery not installed")
        return self.redis_contender(name, lambda client, _: build(client))


def loop(
    ops: int,
    step: Callable[[int], Any],
    after: Callable[[], Any] | None = None,
) -> Measure:
    """Return a measurement calling ``step(i)`` for i < ops, then ``after()``."""

    def measure() -> Sample:
        start = time.perf_counter()
        for i in range(ops):
            step(i)
        if after is not None:
            after()
        return Sample(time.perf_counter() - start, ops)

    return measure


def once(run: Callable[[], Any], ops: int = 1) -> Measure:
    """Return a measurement timing one call of ``run`` as ``ops`` operations."""

    def measure() -> Sample:
        start = time.perf_counter()
        run()
        return Sample(time.perf_counter() - start, ops)

    return measure


__all__ = ["FULL", "MB", "QUICK", "Context", "Settings", "loop", "once"]
