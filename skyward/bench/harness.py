"""Interleaved measurement of contenders and the table of their results.

A *row* is one operation (``dict get, one key``); its *contenders* are the
ways of doing it (skyward strong, a hand-written Ray actor, Redis, ...).
Each repetition runs the row's reference measurement, a plain Ray actor
call, and then every contender once, in turn (A, B, C, A, B, C, ...), so a
slow phase of a shared machine hits every contender alike. A row reports
each contender's median time per operation and its ratio to the reference
median of the same row.
"""

from __future__ import annotations

import logging
import math
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger("skyward.bench")


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run of a contender: ``ops`` operations in ``seconds``."""

    seconds: float
    ops: int
    rss_bytes: float | None = None
    """Resident memory the run added to the serving process(es), if measured."""

    @property
    def per_op(self) -> float:
        """Seconds per operation."""
        return self.seconds / self.ops


type Measure = Callable[[], Sample]


@dataclass(frozen=True, slots=True)
class Contender:
    """One way of doing a row's operation.

    A contender without ``measure`` is listed with ``unavailable`` as the
    reason (``skipped: redis-server not installed``).
    """

    name: str
    measure: Measure | None = None
    unavailable: str | None = None


def prepare(name: str, build: Callable[[], Measure]) -> Contender:
    """Return contender ``name``, or an unavailable one if ``build`` raises.

    ``build`` opens what the contender needs and returns its measurement.
    """
    try:
        measure = build()
    except Exception as exc:  # noqa: BLE001  # reported in the table
        logger.warning("setting up %s failed: %r", name, exc)
        return Contender(name, unavailable=_unavailable(exc))
    return Contender(name, measure)


def timed(ops: int, run: Callable[[], object]) -> Sample:
    """Run ``run`` once and return its time as ``ops`` operations."""
    start = time.perf_counter()
    run()
    return Sample(time.perf_counter() - start, ops)


class Bench(Protocol):
    """The run state that ``run_row`` uses: repetition count, warm-up, reference."""

    @property
    def repetitions(self) -> int: ...

    @property
    def warmup(self) -> bool: ...

    def reference(self) -> Sample:
        """Time plain Ray actor calls, the unit of every ratio."""
        ...


@dataclass(frozen=True, slots=True)
class Row[C: Bench]:
    """An operation and how to set up its contenders.

    ``setup`` is a context manager factory: it opens the collections,
    actors and clients, yields the contenders, and closes them afterwards.
    ``items_per_op`` converts the rate to items per second for bulk rows.
    """

    name: str
    setup: Callable[[C], AbstractContextManager[list[Contender]]]
    unit: str = "op"
    size: str = ""
    items_per_op: int = 1
    warmup: bool = False
    """Run every contender once, unmeasured, before the repetitions."""
    latency: bool = False
    """The median is a latency, so the table shows no rate for it."""

    @property
    def title(self) -> str:
        """The row name with its size, as the table shows it."""
        return f"{self.name} ({self.size})" if self.size else self.name


@dataclass(slots=True)
class Result:
    """The samples of one contender in one row."""

    row: Row[Any]
    contender: str
    reference: float
    """Median seconds of one plain Ray actor call, measured in this row."""
    samples: list[Sample] = field(default_factory=list)
    unavailable: str | None = None

    @property
    def median(self) -> float:
        """Median seconds per operation over the repetitions."""
        return statistics.median(sample.per_op for sample in self.samples)

    @property
    def ratio(self) -> float:
        """Median time per operation in units of one plain actor call."""
        return self.median / self.reference

    @property
    def rss_per_op(self) -> float | None:
        """Median resident memory added per operation, in bytes, if measured."""
        values = [s.rss_bytes / s.ops for s in self.samples if s.rss_bytes is not None]
        return statistics.median(values) if values else None


def run_row[C: Bench](row: Row[C], bench: C) -> list[Result]:
    """Measure every contender of ``row``, interleaved, and return the results.

    A contender whose setup or measurement raises is reported as failed
    with the error; the others go on.
    """
    references: list[Sample] = []
    failures: dict[str, str] = {}
    with ExitStack() as stack:
        try:
            contenders = stack.enter_context(row.setup(bench))
        except Exception as exc:  # noqa: BLE001  # reported in the table
            logger.warning("setting up %s failed: %r", row.title, exc)
            unavailable = _unavailable(exc)
            return [Result(row, "every contender", math.nan, unavailable=unavailable)]
        live = {c.name: c for c in contenders if c.measure is not None}
        samples: dict[str, list[Sample]] = {name: [] for name in live}
        if row.warmup and bench.warmup:
            for name, contender in live.items():
                _attempt(row, name, contender, failures, None)
        for _ in range(bench.repetitions):
            references.append(bench.reference())
            for name, contender in live.items():
                if name not in failures:
                    _attempt(row, name, contender, failures, samples[name])
    reference = statistics.median(sample.per_op for sample in references)
    results = []
    for contender in contenders:
        result = Result(row, contender.name, reference)
        if contender.name in failures:
            result.unavailable = failures[contender.name]
        elif contender.measure is None:
            result.unavailable = contender.unavailable or "not available"
        else:
            result.samples = samples[contender.name]
        results.append(result)
    return results


def _attempt(
    row: Row[Any],
    name: str,
    contender: Contender,
    failures: dict[str, str],
    into: list[Sample] | None,
) -> None:
    assert contender.measure is not None
    try:
        sample = contender.measure()
    except Exception as exc:  # noqa: BLE001  # reported in the table
        logger.warning("%s / %s failed: %r", row.title, name, exc)
        failures[name] = _unavailable(exc)
        return
    if into is not None:
        into.append(sample)


def _unavailable(exc: BaseException, limit: int = 100) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"not available: {text}"


# Formatting.

HEADERS = ("Benchmark", "Contender", "Median", "Rate", "Ratio to actor call", "Note")


def format_seconds(seconds: float) -> str:
    """Return ``seconds`` with a unit that keeps 3 significant digits."""
    if seconds >= 1:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def format_rate(per_second: float) -> str:
    """Return a rate rounded to 3 significant digits, with thousands commas."""
    return (
        f"{float(f'{per_second:.3g}'):,.0f}"
        if per_second >= 100
        else (f"{per_second:.3g}")
    )


def format_bytes(count: float) -> str:
    """Return a byte count in B, KB or MB (powers of 1024)."""
    if abs(count) >= 1 << 20:
        return f"{count / (1 << 20):.3g} MB"
    if abs(count) >= 1 << 10:
        return f"{count / (1 << 10):.3g} KB"
    return f"{count:.3g} B"


def table_cells(results: Sequence[Result]) -> Iterator[tuple[str, ...]]:
    """Yield one tuple of cells per result, in ``HEADERS`` order.

    The benchmark cell is filled on a row's first line only, and names the
    row's reference call time.
    """
    previous: Row[Any] | None = None
    for result in results:
        row = result.row
        title = ""
        if row is not previous:
            title = row.title
            if not math.isnan(result.reference):
                title += f"; actor call {format_seconds(result.reference)}"
            previous = row
        if result.unavailable is not None:
            yield (title, result.contender, "", "", "", result.unavailable)
            continue
        rate = ""
        if not row.latency:
            per_second = format_rate(row.items_per_op / result.median)
            unit = "items" if row.items_per_op > 1 else f"{row.unit}s"
            rate = f"{per_second} {unit}/s"
        note = ""
        if result.rss_per_op is not None:
            note = f"RSS +{format_bytes(result.rss_per_op)} per {row.unit}"
        yield (
            title,
            result.contender,
            f"{format_seconds(result.median)}/{row.unit}",
            rate,
            f"{result.ratio:.3g}",
            note,
        )


def render_text(results: Sequence[Result]) -> str:
    """Return the results as a fixed-width table for a terminal."""
    lines = [HEADERS, *table_cells(results)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    rendered = []
    for index, line in enumerate(lines):
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        rendered.append("  ".join(cells).rstrip())
        if index == 0:
            rendered.append("  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def render_markdown(results: Sequence[Result]) -> str:
    """Return the results as a Markdown table."""
    lines = ["| " + " | ".join(HEADERS) + " |"]
    lines.append("|" + "|".join(["---", "---", "---:", "---:", "---:", "---"]) + "|")
    for cells in table_cells(results):
        escaped = (cell.replace("|", "\\|") for cell in cells)
        lines.append("| " + " | ".join(escaped) + " |")
    return "\n".join(lines)


__all__ = [
    "HEADERS",
    "Bench",
    "Contender",
    "Measure",
    "Result",
    "Row",
    "Sample",
    "format_bytes",
    "format_rate",
    "format_seconds",
    "prepare",
    "render_markdown",
    "render_text",
    "run_row",
    "timed",
]
