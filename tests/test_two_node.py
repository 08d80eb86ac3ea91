"""A pool on a real two-node Ray cluster started on this machine.

The cluster runs two ``ray start --block`` processes, each in its own
process group, so the test stops exactly the processes it started. The nodes
use the loopback addresses 127.0.0.2 and 127.0.0.3: ``ray start`` replaces
127.0.0.1 with the machine's network address, and any other 127.x address
stays on the loopback interface. The driver runs in a subprocess because
this pytest process is already connected to the session's Ray.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

ROOT = Path(__file__).parents[1]
RAY = Path(sys.executable).parent / "ray"
HEAD_IP = "127.0.0.2"
NODE_IP = "127.0.0.3"
START_TIMEOUT = 180.0
"""Seconds a node may take to start: on a busy 2-core machine it took over 60."""

DRIVER = """
import json
import sys
import time

import ray

import skyward as sky

# "Ray runtime started" on the second node can come before the head lists
# the node as alive; the pool places workers on the nodes alive at start.
ray.init(address=sys.argv[1])
deadline = time.monotonic() + 120
while sum(node["Alive"] for node in ray.nodes()) < 2:
    if time.monotonic() > deadline:
        sys.exit("the second node never joined the cluster")
    time.sleep(0.2)


@sky.compute
def join(name: str) -> str:
    info = sky.instance_info()
    sky.set(name).add(info.node_id)
    sky.counter(name).increment()
    return info.node_id


with sky.pool(nodes=2, address=sys.argv[1]) as pool:
    workers = join("nodes") @ pool
    report = {
        "workers": workers,
        "shared": sorted(sky.set("nodes")),
        "count": sky.counter("nodes").value,
        "hosts": pool.registry.host_count,
    }
print(json.dumps(report))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _node_ports() -> list[str]:
    # Every node on one machine needs its own ports, or Ray's defaults collide.
    return [
        f"--node-manager-port={_free_port()}",
        f"--object-manager-port={_free_port()}",
        f"--dashboard-agent-listen-port={_free_port()}",
        f"--dashboard-agent-grpc-port={_free_port()}",
        f"--runtime-env-agent-port={_free_port()}",
        f"--metrics-export-port={_free_port()}",
    ]


def _wait_for_line(process: subprocess.Popen[bytes], log: Path, text: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while text not in (output := log.read_text(errors="replace")):
        if process.poll() is not None:
            raise RuntimeError(f"ray start exited early:\n{output[-3000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"ray start did not print {text!r}:\n{output[-3000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        # On SIGTERM a node drains for up to 30 s; the test needs no drain.
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def cluster() -> Iterator[tuple[str, dict[str, str]]]:
    """Start a head and a second node, and return the address and client env."""
    # A short path: Ray's Unix socket paths must fit in 107 characters.
    temp_dir = Path(os.path.realpath("/tmp")) / f"skyray-{secrets.token_hex(4)}"
    temp_dir.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    env |= {
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_TMPDIR": str(temp_dir),
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(16),
        # Slow starts on a busy machine must not abort the node.
        "RAY_raylet_start_wait_time_s": "120",
        "RAY_agent_register_timeout_ms": "120000",
    }
    port = _free_port()
    address = f"{HEAD_IP}:{port}"
    common = [
        "--num-cpus=1",
        "--disable-usage-stats",
        "--block",
        f"--object-store-memory={100 * 2**20}",
        f"--temp-dir={temp_dir}",
    ]
    started: list[subprocess.Popen[bytes]] = []
    try:
        for ip, role in ((HEAD_IP, ["--head", f"--port={port}"]), (NODE_IP, [])):
            log = temp_dir / f"{ip}.log"
            extra = ["--include-dashboard=false"] if role else [f"--address={address}"]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(RAY), "start", *role, *extra, f"--node-ip-address={ip}"]
                    + common
                    + _node_ports(),
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started.append(process)
            _wait_for_line(process, log, "Ray runtime started")
        yield address, env
    finally:
        for process in reversed(started):
            _stop(process)
        shutil.rmtree(temp_dir, ignore_errors=True)


def test_pool_spans_two_nodes(
    cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = cluster
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    result = subprocess.run(
        [sys.executable, str(script), address],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(set(report["workers"])) == 2
    assert report["shared"] == sorted(set(report["workers"]))
    assert report["count"] == 2
    assert report["hosts"] == 2
