"""What mypy infers for @sky.compute calls run on a pool.

The trailing marks are explained in tests/typing/test_typing.py.
"""

from typing import reveal_type

import skyward as sky


@sky.compute
def embed(text: str) -> list[float]:
    return [float(len(text))]


@sky.compute
def count() -> int:
    return 0


@sky.compute
async def fetch(url: str) -> bytes:
    return url.encode()


with sky.pool(nodes=2) as pool:
    reveal_type(fetch("a") >> pool)  # N: "bytes"
    reveal_type(pool)  # N: skyward.facade.SyncComputePool
    reveal_type(embed("a"))  # N: PendingCall[list[float]]
    reveal_type(embed("a") >> pool)  # N: "list[float]"
    reveal_type(embed("a") @ pool)  # N: "list[list[float]]"
    reveal_type((embed("a") & count()) >> pool)  # N: "tuple[list[float], int]"
    reveal_type(sky.gather(embed("a"), count()) >> pool)  # N: [list[float], int]
    reveal_type(sky.instance_info().index)  # N: "int"
    embed(3)  # E: incompatible type "int"; expected "str"
    embed("a", "b")  # E: Too many arguments
    total: str = count() >> pool  # E: expression has type "int"
