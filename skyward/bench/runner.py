"""The ``skyward bench`` command line."""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import logging
import os
import platform
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from . import coordination, keyvalue, storage, workers
from .context import FULL, QUICK, Context, Settings
from .harness import Result, Row, render_markdown, render_text, run_row
from .services import local_ray

logger = logging.getLogger("skyward.bench")


def all_rows(settings: Settings) -> list[Row[Context]]:
    """Return every row of a run, in the order the table lists them."""
    return [
        *keyvalue.rows(settings),
        *coordination.rows(),
        *storage.rows(settings),
        *workers.rows(settings),
    ]


def row_names() -> list[str]:
    """Return the name of every row, without sizes."""
    return [row.name for row in all_rows(FULL)]


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``python -m skyward.bench``."""
    parser = argparse.ArgumentParser(
        prog="skyward bench",
        description=(
            "Time skyward's collections against a hand-written Ray actor, a "
            "multiprocessing.Manager and Redis (redis-py, pottery), "
            "interleaved in one run, and print one table."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and one repetition (30 to 90 s on 2 cores)",
    )
    parser.add_argument(
        "--markdown",
        metavar="FILE",
        type=Path,
        help="also write the table and the run's details as Markdown to FILE",
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        action="append",
        default=[],
        help="run only rows whose name contains TEXT (repeatable)",
    )
    parser.add_argument(
        "--repetitions",
        metavar="N",
        type=int,
        help="interleaved repetitions per row (default: 5, or 1 with --quick)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; return the process exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    # pottery warns on every O(n) operation, which is what the bulk rows time.
    warnings.filterwarnings("ignore", module="pottery")
    settings = QUICK if args.quick else FULL
    if args.repetitions is not None:
        if args.repetitions < 1:
            print("--repetitions must be at least 1", file=sys.stderr)
            return 2
        settings = _with_repetitions(settings, args.repetitions)
    rows = [
        row
        for row in all_rows(settings)
        if not args.only or any(text in row.name for text in args.only)
    ]
    started = time.monotonic()
    load_before = _load_average()
    with local_ray():
        ray_seconds = time.monotonic() - started
        print(f"starting Ray: {ray_seconds:.1f} s", file=sys.stderr, flush=True)
        results = _run_rows(rows, settings)
        versions = _versions()
    elapsed = time.monotonic() - started
    load = f"load average {load_before} at the start, {_load_average()} at the end"
    print(render_text(results))
    print(f"\n{versions}; {elapsed:.0f} s; {load}", file=sys.stderr)
    if args.markdown is not None:
        command = "python -m skyward.bench " + " ".join(
            argv if argv is not None else sys.argv[1:]
        )
        args.markdown.write_text(
            _markdown_report(results, command.strip(), versions, load, elapsed)
        )
    return 0


def _run_rows(rows: Sequence[Row[Context]], settings: Settings) -> list[Result]:
    results: list[Result] = []
    started = time.monotonic()
    with Context.open(settings) as ctx:
        seconds = time.monotonic() - started
        print(f"starting the services: {seconds:.1f} s", file=sys.stderr, flush=True)
        for row in rows:
            row_started = time.monotonic()
            results.extend(run_row(row, ctx))
            seconds = time.monotonic() - row_started
            print(f"{row.title}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return results


def _with_repetitions(settings: Settings, repetitions: int) -> Settings:
    from dataclasses import replace

    return replace(settings, repetitions=repetitions)


def _versions() -> str:
    return (
        f"{len(os.sched_getaffinity(0))} cores ({platform.machine()}), "
        f"Python {platform.python_version()}, Ray {importlib.metadata.version('ray')}"
    )


def _load_average() -> str:
    """Return the 1-minute load average from /proc/loadavg, or "unknown"."""
    try:
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            return loadavg.read().split()[0]
    except OSError:
        return "unknown"


def _markdown_report(
    results: Sequence[Result],
    command: str,
    versions: str,
    load: str,
    elapsed: float,
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Command: `{command}`  \n"
        f"Date: {now}  \n"
        f"Machine: {versions}; {load}; the run took {elapsed:.0f} s.\n\n"
        f"{render_markdown(results)}\n"
    )


__all__ = ["all_rows", "build_parser", "main", "row_names"]
