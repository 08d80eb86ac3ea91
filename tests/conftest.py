"""Shared fixtures: one local Ray instance for the whole session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")

import pytest  # noqa: E402
import ray  # noqa: E402
from ray.actor import ActorHandle  # noqa: E402

from skyward.distributed.actors import HostActor  # noqa: E402
from skyward.distributed.endpoint import Endpoint  # noqa: E402
from skyward.distributed.proxies.base import CollectionProxy  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def ray_session() -> Iterator[None]:
    """Start one local Ray instance on the loopback address for all tests."""
    if not ray.is_initialized():
        # "local" always starts a new instance. Without it, ray.init joins
        # the instance named in /tmp/ray/ray_current_cluster, which another
        # test session on this machine may have started.
        ray.init(
            address="local",
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            _node_ip_address="127.0.0.1",
        )
    yield
    ray.shutdown()


@pytest.fixture(scope="session")
def host(ray_session: None) -> ActorHandle:
    """A host actor shared by the tests; each test opens its own collections."""
    return HostActor.remote()


def open_collection[P: CollectionProxy](
    host: ActorHandle,
    proxy_cls: type[P],
    *,
    consistency: Any = "strong",
    types: tuple[Any, ...] | None = None,
    name: str | None = None,
    **options: Any,
) -> P:
    """Open a new collection of ``proxy_cls``'s kind on ``host``.

    The name is random unless given, so tests never share state.
    """
    name = name or f"{proxy_cls.KIND}-{uuid.uuid4().hex[:8]}"
    endpoint = Endpoint(host, name)
    type_key = None if types is None else repr(types)
    endpoint.call("__open__", proxy_cls.KIND, type_key, options)
    return proxy_cls(endpoint, consistency, name=name, types=types)
