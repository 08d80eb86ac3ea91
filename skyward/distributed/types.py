"""Type definitions shared by the distributed collections."""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import TypeVar

K = TypeVar("K", default=Any)
"""Key type of a ``DictProxy``."""

V = TypeVar("V", default=Any)
"""Value type of a ``DictProxy``."""

T = TypeVar("T", default=Any)
"""Item type of a ``ListProxy``, ``SetProxy`` or ``QueueProxy``."""

type Consistency = Literal["strong", "eventual"]
"""How a proxy treats blind writes.

``"strong"`` waits for every call. ``"eventual"`` sends blind writes (set,
append, add, increment, ...) without waiting for them, batched with the
process's other unwaited writes to the same host. A write that fails raises
on the proxy's next waiting call or on ``flush()``. Either way, one process's
writes apply in the order it issued them.
"""

__all__ = ["Consistency", "K", "T", "V"]
