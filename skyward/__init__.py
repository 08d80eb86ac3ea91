"""skyward: typed, named, distributed collections and a compute pool on Ray."""

import os as _os
import sys as _sys

# Set before Ray is imported: no usage report leaves the machine, and Ray's
# workers run in this interpreter's environment instead of one built by uv.
_uv_hook_chosen = "RAY_ENABLE_UV_RUN_RUNTIME_ENV" in _os.environ
_os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
_os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
if not _uv_hook_chosen and "ray._private.ray_constants" in _sys.modules:
    # Ray was imported first and read the variable already. Under `uv run`
    # its hook makes every worker process build a uv environment, which
    # took 5 to 10 s per actor start instead of 0.3 s (Ray 2.60, measured
    # on a 2-core development machine).
    setattr(  # noqa: B010  # a module attribute, not in Ray's stubs
        _sys.modules["ray._private.ray_constants"],
        "RAY_ENABLE_UV_RUN_RUNTIME_ENV",
        False,
    )

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
