"""Measure how fast the lock, queue and barrier wake a waiting process.

Run from the project root:

    uv run python benchmarks/coordination.py [--repeat N]

It starts its own local Ray on 127.0.0.1 and prints one table. Each
wake-up is timed from the moment the waking call starts in this process
to the moment the waiting process (a Ray actor) returns from its blocked
call, with ``time.monotonic`` (one clock for every process on Linux).
The ratio column compares each median with a plain actor round trip.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

# Ray reads these when it is imported: no usage report, and workers run in
# this interpreter's environment.
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")

import ray  # noqa: E402

from skyward.distributed.actors import HostActor  # noqa: E402
from skyward.distributed.endpoint import Endpoint  # noqa: E402
from skyward.distributed.proxies import (  # noqa: E402
    BarrierProxy,
    CollectionProxy,
    LockProxy,
    QueueProxy,
)


@ray.remote(num_cpus=0)
class _Plain:
    def ping(self) -> None:
        return None


@ray.remote(num_cpus=0)
class _Peer:
    """The waiting side: blocks in one call and reports when it returned."""

    def acquire(self, lock: LockProxy) -> float:
        lock.acquire()
        woken = time.monotonic()
        lock.release()
        return woken

    def get(self, q: QueueProxy[int]) -> float:
        q.get()
        return time.monotonic()

    def wait(self, barrier: BarrierProxy) -> float:
        barrier.wait()
        return time.monotonic()


def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        time.sleep(0.001)


def _open[P: CollectionProxy](
    host: Any, proxy_cls: type[P], name: str, **options: Any
) -> P:
    endpoint = Endpoint(host, name)
    endpoint.call("__open__", proxy_cls.KIND, None, options)
    return proxy_cls(endpoint, name=name)


def _round_trips(actor: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.monotonic()
        ray.get(actor.ping.remote())
        times.append(time.monotonic() - start)
    return times


def _host_round_trips(q: QueueProxy[int], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.monotonic()
        q.qsize()
        times.append(time.monotonic() - start)
    return times


def _lock_handoffs(lock: LockProxy, peer: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        lock.acquire()
        woken = peer.acquire.remote(lock)
        _until(lambda: lock.stats()["waiters"] == 1)
        start = time.monotonic()
        lock.release()
        times.append(ray.get(woken) - start)
        _until(lambda: not lock.locked())
    return times


def _queue_wakeups(q: QueueProxy[int], peer: Any, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        woken = peer.get.remote(q)
        _until(lambda: q.stats()["getters"] == 1)
        start = time.monotonic()
        q.put(i)
        times.append(ray.get(woken) - start)
    return times


def _barrier_releases(barrier: BarrierProxy, peer: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        woken = peer.wait.remote(barrier)
        _until(lambda: barrier.n_waiting == 1)
        start = time.monotonic()
        barrier.wait()
        times.append(ray.get(woken) - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=30, help="wake-ups per row (default 30)"
    )
    args = parser.parse_args()

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
    )
    try:
        host = HostActor.remote()
        plain = _Plain.remote()  # type: ignore[attr-defined]
        peer = _Peer.remote()  # type: ignore[attr-defined]
        lock = _open(host, LockProxy, "bench-lock")
        q = _open(host, QueueProxy[int], "bench-queue")
        barrier = _open(host, BarrierProxy, "bench-barrier", parties=2)
        # Warm up: actor processes started, code paths imported on both sides.
        q.put(0)
        ray.get([plain.ping.remote(), peer.get.remote(q)])
        _round_trips(plain, 20)
        _lock_handoffs(lock, peer, 2)

        repeat = args.repeat
        rows = [
            ("plain actor round trip", _round_trips(plain, repeat * 5)),
            ("host call round trip (qsize)", _host_round_trips(q, repeat * 5)),
            ("lock handoff, release to acquire", _lock_handoffs(lock, peer, repeat)),
            ("queue wake-up, put to get", _queue_wakeups(q, peer, repeat)),
            ("barrier release, last arrival", _barrier_releases(barrier, peer, repeat)),
        ]
    finally:
        ray.shutdown()

    base = statistics.median(rows[0][1])
    print(f"{'operation':<36} {'median ms':>10} {'p90 ms':>8} {'x round trip':>13}")
    for label, times in rows:
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        print(
            f"{label:<36} {median * 1e3:>10.2f} {p90 * 1e3:>8.2f} "
            f"{median / base:>13.1f}"
        )
    print(f"({repeat} wake-ups per row, {repeat * 5} round trips)")


if __name__ == "__main__":
    main()
