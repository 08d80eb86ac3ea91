"""Share the results of an expensive function between workers.

Two workers count the primes below overlapping lists of limits. A
``sky.dict`` caches each result, so a limit one worker has counted is read,
not recounted, by the other. Run it with ``uv run python
examples/shared_cache.py``.
"""

from __future__ import annotations

import math

import skyward as sky


def count_primes(limit: int) -> int:
    """Return the number of primes below ``limit`` (sieve of Eratosthenes)."""
    if limit <= 2:
        return 0
    sieve = bytearray([1]) * limit
    sieve[0] = sieve[1] = 0
    for n in range(2, math.isqrt(limit - 1) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytes(len(range(n * n, limit, n)))
    return sum(sieve)


@sky.compute
def primes_below(limits: list[int]) -> dict[int, int]:
    """Return the prime count below each limit, using the cached ones."""
    cache = sky.dict[int, int]("prime-counts")
    computed = sky.counter("computed")
    results: dict[int, int] = {}
    for limit in limits:
        count = cache.get(limit)
        if count is None:
            # Two workers may both miss and compute the same limit. The
            # setdefault call keeps the first result stored and returns it.
            count = cache.setdefault(limit, count_primes(limit))
            computed.increment()
        results[limit] = count
    computed.flush()
    return results


def run(
    pool: sky.SyncComputePool, limits: int = 40, overlap: int = 20
) -> tuple[dict[int, int], int]:
    """Run two workers over ``limits`` limits that share ``overlap`` of them.

    Returns every result and how many times a prime count was computed.
    """
    all_limits = [10_000 * (i + 1) for i in range(limits)]
    half = (limits + overlap) // 2
    first, second = all_limits[:half], all_limits[limits - half :]
    left, right = sky.gather(primes_below(first), primes_below(second)) >> pool
    return left | right, sky.counter("computed").value


def main() -> None:
    with sky.pool(nodes=2) as pool:
        results, computed = run(pool)
    print(f"{len(results)} limits, {computed} prime counts computed")
    print(f"primes below {max(results)}: {results[max(results)]}")


if __name__ == "__main__":
    main()
