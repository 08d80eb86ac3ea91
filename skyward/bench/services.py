"""The services the benchmarks run against: Ray, a local redis-server, peers.

Everything here binds or connects to 127.0.0.1 only, and every process it
starts is stopped when its context manager exits.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import ray
from ray import cloudpickle

if TYPE_CHECKING:
    import redis
    from ray.actor import ActorHandle

logger = logging.getLogger("skyward.bench")

RESULT_TIMEOUT = 60.0
"""Seconds a benchmark waits for a peer before it reports the contender failed."""


@contextmanager
def local_ray() -> Iterator[bool]:
    """Start a local Ray instance unless one is initialized; yield whether it did.

    A Ray instance started here is shut down on exit; it never joins a
    running cluster. ``skyward/__init__.py`` has set RAY_USAGE_STATS_ENABLED=0
    and RAY_ENABLE_UV_RUN_RUNTIME_ENV=0 by the time Ray is imported.
    """
    if ray.is_initialized():
        yield False
        return
    # Without an address, ray.init() joins the cluster that the latest
    # `ray start` on this machine recorded, and waits for it if it is gone.
    ray.init(
        address="local",
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
    )
    try:
        yield True
    finally:
        ray.shutdown()


def rss_of(pid: int) -> int:
    """Return the resident memory of process ``pid`` in bytes (Linux only)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise LookupError(f"no VmRSS line in /proc/{pid}/status")


def actor_pid(actor: ActorHandle) -> int:
    """Return the process id of ``actor``, as Ray's control store records it."""
    from ray._private.state import state  # NOTE: private API of Ray 2.60

    info = state.actor_table(actor._actor_id.hex())
    pid = info.get("Pid") if info else None
    if not isinstance(pid, int) or pid <= 0:
        raise LookupError(f"Ray has no process id for actor {actor}")
    return pid


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# Redis.

REDIS_SKIP = "skipped: redis-server not installed"


class RedisServer:
    """A ``redis-server`` child process on 127.0.0.1 without persistence."""

    def __init__(self, binary: str) -> None:
        self.port = free_port()
        self._process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        self.pid = self._process.pid

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until the server replies to PING.

        Raises:
            RuntimeError: the server exited or did not reply in ``timeout``.
        """
        import redis

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with status {self._process.returncode}"
                )
            try:
                redis_client(self.port).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Terminate the server, and kill it if it has not exited in 10 s."""
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)


@contextmanager
def redis_server() -> Iterator[RedisServer | str]:
    """Yield a running local redis-server, or the reason there is none."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield REDIS_SKIP
        return
    try:
        import redis  # noqa: F401
    except ImportError:
        yield "skipped: redis-py not installed (uv sync installs the dev group)"
        return
    server = RedisServer(binary)
    try:
        server.wait_ready()
        logger.info("started redis-server on 127.0.0.1:%d", server.port)
        yield server
    finally:
        server.stop()


@functools.cache
def redis_client(port: int) -> redis.Redis:
    """Return this process's client of the local redis-server on ``port``."""
    import redis

    return redis.Redis(host="127.0.0.1", port=port)


# Peers: a second process that blocks on a primitive while the driver
# releases it, so the benchmark can time the wake-up.


class Peer:
    """A process that runs one function at a time and returns its result."""

    def start(self, fn: Callable[[], float]) -> None:
        """Start ``fn`` in the peer without waiting for it."""
        raise NotImplementedError

    def result(self) -> float:
        """Wait for the function started last and return what it returned.

        Raises:
            TimeoutError: it did not return in ``RESULT_TIMEOUT`` seconds.
        """
        raise NotImplementedError


@ray.remote(num_cpus=0)
class _PeerActor:
    def run(self, fn: Callable[[], float]) -> float:
        return fn()


class RayPeer(Peer):
    """A Ray actor peer, for contenders whose handles travel through Ray."""

    def __init__(self) -> None:
        # mypy ignores class decorators, so it finds no ray.remote ActorClass.
        self._actor = _PeerActor.remote()  # type: ignore[attr-defined]
        self._pending: ray.ObjectRef[Any] | None = None

    def ready(self) -> None:
        """Wait until the actor process runs."""
        ray.get(self._actor.run.remote(time.perf_counter))

    def start(self, fn: Callable[[], float]) -> None:
        self._pending = self._actor.run.remote(fn)

    def result(self) -> float:
        assert self._pending is not None
        ref, self._pending = self._pending, None
        try:
            value: float = ray.get(ref, timeout=RESULT_TIMEOUT)
        except ray.exceptions.GetTimeoutError as exc:
            raise TimeoutError(f"peer did not return in {RESULT_TIMEOUT} s") from exc
        return value

    def close(self) -> None:
        """Kill the actor, ending a call that still blocks."""
        ray.kill(self._actor)


def _serve(connection: Connection) -> None:
    while True:
        data = connection.recv()
        if data is None:
            return
        try:
            connection.send((True, cloudpickle.loads(data)()))
        except Exception as exc:  # noqa: BLE001  # sent back to the driver
            connection.send((False, f"{type(exc).__name__}: {exc}"))


class ProcessPeer(Peer):
    """A spawned child process, for Manager proxies and Redis clients.

    Manager proxies reach the child pickled: a process started by this
    process's ``multiprocessing`` shares its authentication key.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()

    def ready(self) -> None:
        """Wait until the child runs functions."""
        self.start(time.perf_counter)
        self.result()

    def start(self, fn: Callable[[], float]) -> None:
        self._connection.send(cloudpickle.dumps(fn))

    def result(self) -> float:
        if not self._connection.poll(RESULT_TIMEOUT):
            raise TimeoutError(f"peer did not return in {RESULT_TIMEOUT} s")
        ok, value = self._connection.recv()
        if not ok:
            raise RuntimeError(f"peer failed: {value}")
        return float(value)

    def close(self) -> None:
        """Stop the child; terminate it if it does not exit in 5 s."""
        try:
            self._connection.send(None)
        except OSError:
            pass
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)


__all__ = [
    "REDIS_SKIP",
    "RESULT_TIMEOUT",
    "Peer",
    "ProcessPeer",
    "RayPeer",
    "RedisServer",
    "actor_pid",
    "free_port",
    "local_ray",
    "redis_client",
    "redis_server",
    "rss_of",
]
