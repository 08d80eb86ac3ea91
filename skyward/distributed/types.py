"""Type definitions shared by the distributed collections."""

from __future__ import annotations

from typing import Literal

type Consistency = Literal["strong", "eventual"]
"""How a proxy treats blind writes.

``"strong"`` waits for every call. ``"eventual"`` sends blind writes (set,
append, add, increment, ...) without waiting for them; a write that fails
raises on the proxy's next waiting call or on ``flush()``.
"""

__all__ = ["Consistency"]
