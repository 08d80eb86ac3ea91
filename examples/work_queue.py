"""Hand jobs from a producer to consumers through a bounded ``sky.queue``.

The producer blocks while the queue is full, so it never runs far ahead of
the consumers. It ends the stream with one ``STOP`` sentinel per consumer.
A consumer that waits longer than ``timeout`` seconds for a job, because
the producer failed, gets None from ``get`` and stops as well. Run it with
``uv run python examples/work_queue.py``.
"""

from __future__ import annotations

import skyward as sky

STOP = -1
"""The job number that makes a consumer stop."""


@sky.compute
def produce(jobs: int, consumers: int) -> int:
    """Put job numbers ``0..jobs-1``, then a STOP per consumer."""
    queue = sky.queue[int]("jobs", maxsize=8)
    for job in range(jobs):
        queue.put(job)
    queue.put_many([STOP] * consumers)
    return jobs


@sky.compute
def consume(timeout: float = 30.0) -> list[int]:
    """Square jobs until a STOP arrives or no job comes within ``timeout`` s."""
    queue = sky.queue[int]("jobs", maxsize=8)
    results: list[int] = []
    while True:
        job = queue.get(timeout=timeout)
        if job is None or job == STOP:
            return results
        results.append(job * job)


def run(pool: sky.SyncComputePool, jobs: int = 100) -> list[int]:
    """Produce ``jobs`` jobs on one worker and consume them on another."""
    _, squares = (produce(jobs, consumers=1) & consume()) >> pool
    return squares


def main() -> None:
    with sky.pool(nodes=2) as pool:
        squares = run(pool)
    print(f"{len(squares)} jobs done, sum of squares {sum(squares)}")


if __name__ == "__main__":
    main()
