"""Count the identifiers of a tree of Python files on a pool of workers.

``skyward demo`` runs ``run_demo``. Every collection kind has a job:

- A ``sky.queue`` feeds the file paths to the workers.
- A ``sky.set`` of content digests makes identical files count once.
- A ``sky.dict`` collects the identifier counts. Each worker merges the
  counts of a few files at a time with one atomic ``merge_many`` call.
- A ``sky.counter`` of finished files drives the driver's progress bar.
- A ``sky.barrier`` separates the map phase (read and count every file)
  from the reduce phase (look up the global counts of each worker's top
  identifiers), which is only correct once every worker has finished.
- A ``sky.lock`` guards a read-modify-write of the largest-file record.
- A ``sky.list`` gathers one summary per worker.

``count_identifiers`` computes the same counts in one process, so the
distributed result can be checked against it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import keyword
import operator
import os
import sysconfig
import threading
import time
import tokenize
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Self, TextIO

import skyward as sky
from skyward.distributed.proxies import CounterProxy, SetProxy

DEFAULT_TOP = 20
"""Identifiers the report lists."""

FILES_PER_GET = 8
"""Paths a worker takes from the queue per call."""

_EXCLUDED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})

_UNREADABLE = (OSError, SyntaxError, UnicodeDecodeError, tokenize.TokenError)
"""Errors that make a file count as skipped instead of failing the run."""


def default_tree() -> Path:
    """Return the directory of this interpreter's standard library."""
    return Path(sysconfig.get_paths()["stdlib"])


def find_python_files(root: Path) -> list[Path]:
    """Return the ``.py`` files under ``root``, sorted.

    Installed third-party packages (``site-packages``) are left out, so the
    default tree is the standard library alone.
    """
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in _EXCLUDED_DIRS)
        found.extend(Path(directory, f) for f in files if f.endswith(".py"))
    return sorted(found)


def identifier_counts(source: bytes) -> Counter[str]:
    """Count the NAME tokens of Python source that are not keywords.

    The encoding is read from the source's coding cookie (UTF-8 without
    one), as the interpreter does.

    Raises:
        SyntaxError, UnicodeDecodeError, tokenize.TokenError: the source
            cannot be decoded or tokenized.
    """
    counts: Counter[str] = Counter()
    for token in tokenize.tokenize(io.BytesIO(source).readline):
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
            counts[token.string] += 1
    return counts


def content_digest(source: bytes) -> bytes:
    """Return the 16-byte BLAKE2b digest that identifies a file's content."""
    return hashlib.blake2b(source, digest_size=16).digest()


@dataclasses.dataclass(slots=True)
class IndexTotals:
    """Identifier counts of a set of files, and what happened to the files.

    Files with the same content count once: the first one read is counted
    (or skipped), later ones are duplicates.
    """

    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    files: int = 0
    duplicates: int = 0
    skipped: int = 0
    bytes_read: int = 0


def index_locally(paths: Iterable[Path | str]) -> IndexTotals:
    """Count the identifiers of ``paths`` in this process, in order.

    A file that cannot be read, decoded or tokenized counts as skipped.
    """
    totals = IndexTotals()
    seen: set[bytes] = set()
    for path in paths:
        totals.files += 1
        try:
            source = Path(path).read_bytes()
        except OSError:
            totals.skipped += 1
            continue
        totals.bytes_read += len(source)
        digest = content_digest(source)
        if digest in seen:
            totals.duplicates += 1
            continue
        seen.add(digest)
        try:
            totals.counts.update(identifier_counts(source))
        except _UNREADABLE:
            totals.skipped += 1
    return totals


def count_identifiers(paths: Iterable[Path | str]) -> Counter[str]:
    """Return the identifier counts of ``paths``, each content counted once."""
    return index_locally(paths).counts


# The distributed run.


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerSummary:
    """One worker's share of the run.

    Each entry of ``top`` is ``(identifier, own count, global count)``.
    """

    index: int
    files: int
    duplicates: int
    skipped: int
    bytes_read: int
    seconds: float
    top: tuple[tuple[str, int, int], ...]


# Names of the run's collections. Each pool has a scope of its own, so runs
# in separate pools never share them.
_FILES = "demo-files"
_SEEN = "demo-seen"
_COUNTS = "demo-counts"
_DONE = "demo-done"
_MAP_DONE = "demo-map-done"
_RECORDS = "demo-records"
_RECORDS_LOCK = "demo-records-lock"
_SUMMARIES = "demo-summaries"


@sky.compute
def index_shard(top: int) -> None:
    """Index files from the run's queue until it is empty, then summarize.

    Runs on every worker of the pool and appends a ``WorkerSummary`` to the
    run's summary list. The driver fills the queue before the workers
    start, so an empty queue means the map phase is over.
    """
    started = time.perf_counter()
    info = sky.instance_info()
    paths = sky.queue[str](_FILES)
    seen = sky.set[bytes](_SEEN)
    counts = sky.dict[str, int](_COUNTS)
    done = sky.counter(_DONE)

    own = IndexTotals()
    largest = 0
    while batch := paths.get_many(FILES_PER_GET, block=False):
        batch_counts: Counter[str] = Counter()
        for path in batch:
            size = _index_one(path, own, seen, batch_counts)
            if size > largest:
                largest = size
                _record_largest(size, path)
        own.counts.update(batch_counts)
        counts.merge_many(batch_counts, operator.add)
        done.increment(len(batch))

    # The reduce phase reads what every worker wrote, so each worker makes
    # its unwaited merges visible before it arrives at the barrier.
    counts.flush()
    done.flush()
    sky.barrier(_MAP_DONE, info.count).wait()

    own_top = [name for name, _ in own.counts.most_common(top)]
    global_counts = counts.get_many(own_top)
    summary = WorkerSummary(
        index=info.index,
        files=own.files,
        duplicates=own.duplicates,
        skipped=own.skipped,
        bytes_read=own.bytes_read,
        seconds=time.perf_counter() - started,
        top=tuple((n, own.counts[n], global_counts[n]) for n in own_top),
    )
    summaries = sky.list[WorkerSummary](_SUMMARIES, consistency="strong")
    summaries.append(summary)


def _index_one(
    path: str,
    own: IndexTotals,
    seen: SetProxy[bytes],
    counts: Counter[str],
) -> int:
    """Add one file's identifiers to ``counts`` and return its size in bytes."""
    own.files += 1
    try:
        source = Path(path).read_bytes()
    except OSError:
        own.skipped += 1
        return 0
    own.bytes_read += len(source)
    if not seen.add_new(content_digest(source)):
        own.duplicates += 1
        return len(source)
    try:
        file_counts = identifier_counts(source)
    except _UNREADABLE:
        own.skipped += 1
        return len(source)
    counts.update(file_counts)
    return len(source)


def _record_largest(size: int, path: str) -> None:
    """Replace the run's largest-file record if ``size`` exceeds it."""
    # Strong consistency: the next holder of the lock must read this write.
    records = sky.dict[str, tuple[int, str]](_RECORDS, consistency="strong")
    with sky.lock(_RECORDS_LOCK):
        current = records.get("largest")
        if current is None or size > current[0]:
            records["largest"] = (size, path)


@dataclasses.dataclass(frozen=True, slots=True)
class DemoResult:
    """Outcome of ``run_demo``.

    The first five fields mean what they mean in ``IndexTotals``. ``largest``
    is ``(size in bytes, path)`` of the largest file read.
    """

    counts: Counter[str]
    files: int
    duplicates: int
    skipped: int
    bytes_read: int
    seconds: float
    largest: tuple[int, str] | None
    workers: tuple[WorkerSummary, ...]

    @property
    def files_per_second(self) -> float:
        """Files read per second of indexing."""
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def megabytes_per_second(self) -> float:
        """Megabytes (10**6 bytes) read per second of indexing."""
        return self.bytes_read / 1e6 / self.seconds if self.seconds else 0.0


def run_demo(
    path: Path | str | None = None,
    workers: int = 2,
    *,
    address: str | None = None,
    top: int = DEFAULT_TOP,
    progress: TextIO | None = None,
) -> DemoResult:
    """Count the identifiers of the Python files under ``path`` on a pool.

    Starts ``sky.pool(nodes=workers, address=address)``, or reuses the Ray
    instance this process already joined. With ``progress`` a bar of
    finished files is drawn on that stream while the workers run.
    ``seconds`` runs from filling the queue to reading back the counts, so
    it leaves out starting the pool and its host actors.

    NOTE: workers open the paths themselves, so on a cluster of several
    machines the tree must exist at the same path on every node.
    """
    root = default_tree() if path is None else Path(path)
    if not root.is_dir():
        raise NotADirectoryError(f"demo input {str(root)!r} is not a directory")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    paths = [str(p) for p in find_python_files(root)]

    with sky.pool(nodes=workers, address=address) as pool:
        # Open every collection before the clock starts, because the first
        # collection opened on a host actor starts that actor.
        files = sky.queue[str](_FILES)
        done = sky.counter(_DONE)
        counts = sky.dict[str, int](_COUNTS)
        records = sky.dict[str, tuple[int, str]](_RECORDS)
        summaries = sky.list[WorkerSummary](_SUMMARIES)
        sky.set[bytes](_SEEN)
        sky.barrier(_MAP_DONE, workers)
        sky.lock(_RECORDS_LOCK)

        started = time.perf_counter()
        files.put_many(paths)
        with ProgressBar(done, len(paths), progress):
            index_shard(top) @ pool
        totals = Counter(counts.copy())
        seconds = time.perf_counter() - started
        largest = records.get("largest")
        by_worker = summaries.copy()

    ordered = tuple(sorted(by_worker, key=operator.attrgetter("index")))
    return DemoResult(
        counts=totals,
        files=sum(s.files for s in ordered),
        duplicates=sum(s.duplicates for s in ordered),
        skipped=sum(s.skipped for s in ordered),
        bytes_read=sum(s.bytes_read for s in ordered),
        seconds=seconds,
        largest=largest,
        workers=ordered,
    )


class ProgressBar:
    """A one-line text bar of ``counter`` out of ``total``, redrawn with ``\\r``.

    Used as a context manager: a thread reads the counter every
    ``interval`` seconds (one call each) until the block exits. Without a
    stream it draws nothing and starts no thread.
    """

    def __init__(
        self,
        counter: CounterProxy,
        total: int,
        stream: TextIO | None,
        *,
        interval: float = 0.2,
        width: int = 30,
    ) -> None:
        self._counter = counter
        self._total = total
        self._stream = stream
        self._interval = interval
        self._width = width
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()

    def __enter__(self) -> Self:
        if self._stream is not None:
            self._started = time.perf_counter()
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._stream is None:
            return
        self._stopped.set()
        self._thread.join()
        if exc is None:
            self._draw(self._counter.value)
        self._stream.write("\n")
        self._stream.flush()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            self._draw(self._counter.value)

    def _draw(self, done: int) -> None:
        assert self._stream is not None
        fraction = min(done / self._total, 1.0) if self._total else 1.0
        filled = round(fraction * self._width)
        bar = "#" * filled + "-" * (self._width - filled)
        seconds = time.perf_counter() - self._started
        self._stream.write(
            f"\r[{bar}] {done}/{self._total} files {fraction:6.1%} {seconds:5.1f} s"
        )
        self._stream.flush()


def format_report(result: DemoResult, top: int = DEFAULT_TOP) -> str:
    """Return the demo's report: throughput, top identifiers, worker summaries."""
    return "\n".join(_report_lines(result, top))


def _report_lines(result: DemoResult, top: int) -> Iterator[str]:
    counted = result.files - result.duplicates - result.skipped
    yield (
        f"{_amount(result.files, 'file')} ({counted} counted, "
        f"{_amount(result.duplicates, 'duplicate')}, {result.skipped} skipped), "
        f"{result.bytes_read / 1e6:.1f} MB in {result.seconds:.2f} s: "
        f"{result.files_per_second:.0f} files/s, "
        f"{result.megabytes_per_second:.2f} MB/s"
    )
    total = sum(result.counts.values())
    yield f"{_amount(total, 'identifier')}, {len(result.counts)} distinct"
    if result.largest is not None:
        size, path = result.largest
        yield f"largest file: {path} ({size / 1e3:.0f} kB)"
    yield ""
    yield f"top {top} identifiers:"
    for rank, (name, count) in enumerate(result.counts.most_common(top), 1):
        yield f"{rank:4d}  {name:<24} {count:>9}"
    yield ""
    yield "workers:"
    for worker in result.workers:
        yield (
            f"  worker {worker.index}: {_amount(worker.files, 'file')}, "
            f"{_amount(worker.duplicates, 'duplicate')}, {worker.skipped} skipped, "
            f"{worker.bytes_read / 1e6:.1f} MB in {worker.seconds:.2f} s"
        )
        shares = ", ".join(
            f"{name} {own}/{total}" for name, own, total in worker.top[:5]
        )
        if shares:
            yield f"    own/global count of its top identifiers: {shares}"


def _amount(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


__all__ = [
    "DEFAULT_TOP",
    "DemoResult",
    "IndexTotals",
    "ProgressBar",
    "WorkerSummary",
    "count_identifiers",
    "content_digest",
    "default_tree",
    "find_python_files",
    "format_report",
    "identifier_counts",
    "index_locally",
    "index_shard",
    "run_demo",
]
