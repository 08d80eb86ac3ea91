"""Tests of the benchmark harness and of a quick benchmark run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from skyward.bench import row_names
from skyward.bench.harness import (
    HEADERS,
    Contender,
    Row,
    Sample,
    format_seconds,
    render_markdown,
    run_row,
)


class FakeBench:
    """A bench whose reference call takes 1 ms and that records the order."""

    repetitions = 3
    warmup = False

    def __init__(self) -> None:
        self.order: list[str] = []

    def reference(self) -> Sample:
        self.order.append("reference")
        return Sample(0.001, 1)


def _contenders(bench: FakeBench) -> list[Contender]:
    def measure(name: str, seconds: float) -> Contender:
        def run() -> Sample:
            bench.order.append(name)
            return Sample(seconds, 2)

        return Contender(name, run)

    def broken() -> Sample:
        raise ValueError("no such operation")

    return [
        measure("a", 0.004),
        measure("b", 0.001),
        Contender("c", broken),
        Contender("d", unavailable="skipped: not installed"),
    ]


@contextmanager
def _setup(bench: FakeBench) -> Iterator[list[Contender]]:
    yield _contenders(bench)


def test_run_row_interleaves_contenders() -> None:
    bench = FakeBench()
    run_row(Row("fake", _setup), bench)
    assert bench.order == ["reference", "a", "b"] * 3


def test_run_row_ratio_to_reference() -> None:
    results = run_row(Row("fake", _setup), FakeBench())
    assert results[0].ratio == pytest.approx(2.0)
    assert results[1].ratio == pytest.approx(0.5)


def test_run_row_reports_failure() -> None:
    results = run_row(Row("fake", _setup), FakeBench())
    assert results[2].unavailable == "not available: ValueError: no such operation"
    assert results[3].unavailable == "skipped: not installed"


def test_render_markdown_columns() -> None:
    results = run_row(Row("fake", _setup, unit="get"), FakeBench())
    lines = render_markdown(results).splitlines()
    assert lines[0] == "| " + " | ".join(HEADERS) + " |"
    assert lines[2] == "| fake; actor call 1 ms | a | 2 ms/get | 500 gets/s | 2 |  |"


def test_format_seconds_units() -> None:
    assert format_seconds(2.5) == "2.5 s"
    assert format_seconds(0.0123) == "12.3 ms"
    assert format_seconds(0.000045) == "45 µs"


REDIS_INSTALLED = shutil.which("redis-server") is not None
NOT_MEASURED = ("redis-py and pottery have no barrier",)
"""Contenders that no run measures, by design."""


@pytest.mark.timeout(300)
def test_quick_run_every_row(tmp_path: Path) -> None:
    report = tmp_path / "bench.md"
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    completed = subprocess.run(
        [sys.executable, "-m", "skyward.bench", "--quick", "--markdown", str(report)],
        capture_output=True,
        text=True,
        timeout=280,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    text = report.read_text()
    assert "| " + " | ".join(HEADERS) + " |" in text
    for name in row_names():
        assert f"| {name}" in text, name
    lines = [line for line in text.splitlines() if line.startswith("| ")][1:]
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        ratio, note = cells[4], cells[5]
        if any(reason in note for reason in NOT_MEASURED):
            continue
        if not REDIS_INSTALLED and "skipped: redis-server" in note:
            continue
        assert ratio, line
        assert float(ratio) > 0, line
