"""skyward: typed, named, distributed collections and a compute pool on Ray."""

import os as _os

# Set before Ray is imported: no usage report leaves the machine, and Ray's
# workers run in this interpreter's environment instead of one built by uv.
_os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
_os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
