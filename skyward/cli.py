"""The ``skyward`` command: ``skyward demo`` and ``skyward bench``."""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

BENCH_MODULES = ("skyward.bench", "benchmarks")
"""Benchmark modules that ``skyward bench`` tries in order.

It runs ``main(argv: list[str]) -> int | None`` of the first one found.
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``skyward`` command line."""
    parser = argparse.ArgumentParser(
        prog="skyward",
        description="Distributed collections and a compute pool on Ray.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo",
        help="count the identifiers of a tree of Python files on a pool",
        description=(
            "Count the identifiers of every .py file under a directory on a "
            "pool of workers, using each kind of distributed collection, and "
            "print the top identifiers and the throughput."
        ),
    )
    demo.add_argument(
        "--path",
        metavar="DIR",
        default=None,
        help="directory to index (default: this Python's standard library)",
    )
    demo.add_argument(
        "--workers",
        metavar="N",
        type=_positive_int,
        default=2,
        help="number of workers in the pool (default: 2)",
    )
    demo.add_argument(
        "--address",
        metavar="ADDR",
        default=None,
        help=(
            "address of a Ray cluster to join, e.g. 127.0.0.1:6379 (default: "
            "RAY_ADDRESS if set, else a local Ray instance started for the run)"
        ),
    )
    demo.add_argument(
        "--top",
        metavar="K",
        type=_positive_int,
        default=20,
        help="number of identifiers to list (default: 20)",
    )
    demo.add_argument(
        "--no-progress",
        action="store_true",
        help="do not draw the progress bar (drawn only when stderr is a terminal)",
    )

    # Listed for --help only: main() hands everything after "bench" to the
    # benchmark's own parser, so that "skyward bench --help" shows its options.
    commands.add_parser(
        "bench",
        help="run the benchmarks (skyward bench --help lists their options)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``skyward`` command line and return the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["bench"]:
        return _run_bench(argv[1:])
    args = build_parser().parse_args(argv)
    return _run_demo(args)


def _run_demo(args: argparse.Namespace) -> int:
    # Imported here so that ``skyward --help`` does not import Ray.
    from skyward.demo import format_report, run_demo

    draw_progress = not args.no_progress and sys.stderr.isatty()
    try:
        result = run_demo(
            args.path,
            args.workers,
            address=args.address,
            top=args.top,
            progress=sys.stderr if draw_progress else None,
        )
    except NotADirectoryError as exc:
        print(f"skyward demo: {exc}", file=sys.stderr)
        return 2
    print(format_report(result, args.top))
    return 0


def _run_bench(argv: list[str]) -> int:
    module = _import_bench()
    if module is None:
        names = " or ".join(BENCH_MODULES)
        print(
            f"skyward bench: no benchmark module found ({names} is not "
            "installed in this checkout)",
            file=sys.stderr,
        )
        return 2
    status = module.main(argv)
    return status if isinstance(status, int) else 0


def _import_bench() -> ModuleType | None:
    for name in BENCH_MODULES:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A module missing inside the benchmark is a real error.
            if exc.name != name:
                raise
    return None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


if __name__ == "__main__":
    sys.exit(main())
