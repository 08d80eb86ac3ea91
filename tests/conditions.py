"""Waiting for host-side states that send no event, such as a blocked caller."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Return once ``condition()`` holds; raise TimeoutError after ``timeout`` s.

    Tests use it to learn that another thread or process is blocked in a
    call (a count such as ``n_waiting``); no event reports that.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        time.sleep(0.01)
