"""The identifier-count demo and the ``skyward`` command line."""

from __future__ import annotations

import io
import sys
import types
from collections import Counter
from pathlib import Path

import pytest
from ray.actor import ActorHandle

from skyward import cli
from skyward.demo import (
    DemoResult,
    ProgressBar,
    find_python_files,
    format_report,
    identifier_counts,
    index_locally,
    run_demo,
)
from skyward.distributed.proxies import CounterProxy
from tests.conftest import open_collection

_SOURCES = {
    "alpha.py": b"import os\n\ndef walk(root):\n    return os.walk(root)\n",
    "copy_of_alpha.py": b"import os\n\ndef walk(root):\n    return os.walk(root)\n",
    "beta.py": b"class Beta:\n    def walk(self, steps):\n        return steps * 2\n",
    "undecodable.py": b'name = "b\xf6se"\n',
    "pkg/__init__.py": b"",
    "pkg/gamma.py": b"# -*- coding: latin-1 -*-\nstr\xe9 = 'caf\xe9'\nprint(str\xe9)\n",
    "pkg/notes.txt": b"not python\n",
    "site-packages/vendored.py": b"ignored = True\n",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for relative, source in _SOURCES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source)
    return root


@pytest.fixture(scope="module")
def demo_result(tree: Path) -> DemoResult:
    return run_demo(tree, workers=2, top=5)


def test_identifier_counts_skips_keywords() -> None:
    counts = identifier_counts(b"def f(x):\n    return x if x else None\n")
    assert counts == Counter({"f": 1, "x": 3})


def test_identifier_counts_reads_coding_cookie() -> None:
    counts = identifier_counts(b"# coding: latin-1\ncaf\xe9 = 1\n")
    assert counts == Counter({"caf\xe9": 1})


def test_find_files_skips_site_packages(tree: Path) -> None:
    names = [p.relative_to(tree).as_posix() for p in find_python_files(tree)]
    assert names == [
        "alpha.py",
        "beta.py",
        "copy_of_alpha.py",
        "pkg/__init__.py",
        "pkg/gamma.py",
        "undecodable.py",
    ]


def test_local_index_counts_duplicate_once(tree: Path) -> None:
    totals = index_locally(find_python_files(tree))
    assert totals.duplicates == 1
    assert totals.counts["walk"] == 3
    assert totals.counts["os"] == 2


def test_local_index_skips_undecodable(tree: Path) -> None:
    totals = index_locally(find_python_files(tree))
    assert totals.skipped == 1
    assert "name" not in totals.counts


def test_local_index_skips_missing_file(tree: Path) -> None:
    totals = index_locally([tree / "alpha.py", tree / "missing.py"])
    assert totals.skipped == 1
    assert totals.files == 2


def test_demo_counts_match_local(tree: Path, demo_result: DemoResult) -> None:
    expected = index_locally(find_python_files(tree))
    assert demo_result.counts == expected.counts
    assert demo_result.skipped == expected.skipped
    assert demo_result.duplicates == expected.duplicates
    assert demo_result.files == expected.files
    assert demo_result.bytes_read == expected.bytes_read


def test_demo_records_largest_file(tree: Path, demo_result: DemoResult) -> None:
    largest = max(find_python_files(tree), key=lambda p: p.stat().st_size)
    assert demo_result.largest == (largest.stat().st_size, str(largest))


def test_demo_summarizes_each_worker(demo_result: DemoResult) -> None:
    assert [w.index for w in demo_result.workers] == [0, 1]


def test_demo_top_uses_global_counts(demo_result: DemoResult) -> None:
    for worker in demo_result.workers:
        for name, own, total in worker.top:
            assert own <= total
            assert total == demo_result.counts[name]


def test_demo_rejects_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="missing"):
        run_demo(tmp_path / "missing")


def test_report_lists_top_identifier(demo_result: DemoResult) -> None:
    report = format_report(demo_result, top=1)
    assert "   1  walk" in report
    assert "worker 1:" in report


def test_progress_bar_draws_final_count(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    counter.increment(3)
    stream = io.StringIO()
    with ProgressBar(counter, 4, stream, interval=60.0):
        pass
    assert stream.getvalue().startswith("\r[")
    assert "3/4 files" in stream.getvalue()
    assert stream.getvalue().endswith("\n")


def test_progress_bar_without_stream(host: ActorHandle) -> None:
    counter = open_collection(host, CounterProxy)
    with ProgressBar(counter, 4, None) as bar:
        assert not bar._thread.is_alive()


def test_cli_demo_missing_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["demo", "--path", str(tmp_path / "missing")])
    assert status == 2
    assert "is not a directory" in capsys.readouterr().err


def test_cli_rejects_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["demo", "--workers", "0"])
    assert "must be at least 1, not 0" in capsys.readouterr().err


def test_cli_bench_without_module(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "BENCH_MODULES", ("skyward_missing_bench",))
    assert cli.main(["bench"]) == 2
    assert "no benchmark module found" in capsys.readouterr().err


def test_cli_bench_passes_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[list[str]] = []

    def main(argv: list[str]) -> int:
        received.append(argv)
        return 3

    fake = types.ModuleType("skyward_fake_bench")
    fake.main = main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "skyward_fake_bench", fake)
    monkeypatch.setattr(cli, "BENCH_MODULES", ("skyward_fake_bench",))
    assert cli.main(["bench", "--quick", "--help"]) == 3
    assert received == [["--quick", "--help"]]
