"""skyward: typed, named, distributed collections and a compute pool on Ray."""

import os as _os

# Set before Ray is imported: no usage report leaves the machine, and Ray's
# workers run in this interpreter's environment instead of one built by uv.
_os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
_os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")

from .distributed import (  # noqa: E402  # after the environment is set
    barrier,
    counter,
    dict,
    list,
    lock,
    queue,
    set,
)
from .facade import (  # noqa: E402
    InstanceInfo,
    PendingCall,
    PendingGroup,
    SyncComputePool,
    compute,
    gather,
    instance_info,
    pool,
)

__all__ = [
    "InstanceInfo",
    "PendingCall",
    "PendingGroup",
    "SyncComputePool",
    "barrier",
    "compute",
    "counter",
    "dict",
    "gather",
    "instance_info",
    "list",
    "lock",
    "pool",
    "queue",
    "set",
]
