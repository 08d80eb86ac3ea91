"""What mypy infers for the sky.* factories, and what it rejects.

The trailing marks are explained in tests/typing/test_typing.py.
"""

from typing import reveal_type

import skyward as sky
from skyward.distributed import DictProxy, ListProxy

# Subscripted factories carry their type arguments.
reveal_type(sky.dict[str, int]("x"))  # N: factories.dict[str, int]
reveal_type(sky.list[float]("x"))  # N: factories.list[float]
reveal_type(sky.queue[bytes]("x", maxsize=3))  # N: factories.queue[bytes]

# Without type arguments a collection is Any-typed, with no annotation
# needed under --strict.
reveal_type(sky.dict("x"))  # N: factories.dict[Any, Any]
reveal_type(sky.set("x"))  # N: factories.set[Any]
untyped = sky.dict("x")
untyped["k"] = ["anything"]
reveal_type(untyped["k"])  # N: "Any"

# The other factories are plain proxy types.
reveal_type(sky.counter("x").value)  # N: "int"
reveal_type(sky.barrier("x", 2))  # N: factories.barrier
reveal_type(sky.lock("x", lease=5.0))  # N: factories.lock

# A factory instance is its proxy type.
typed: DictProxy[str, int] = sky.dict[str, int]("x")
reveal_type(typed["k"])  # N: "int"
reveal_type(typed.get("k"))  # N: "int | None"
typed["k"] = "v"  # E: expression has type "str", target has type "int"
numbers: ListProxy[float] = sky.list[float]("x")
numbers.append("one")  # E: incompatible type "str"; expected "float"
wrong: DictProxy[str, str] = sky.dict[str, int]("x")  # E: [assignment]

# Misused arguments.
sky.dict("x", consistency="weak")  # E: Argument "consistency" to "dict"
sky.counter("x", types=(int,))  # E: Unexpected keyword argument "types"
sky.barrier("x")  # E: Missing positional argument "n"
