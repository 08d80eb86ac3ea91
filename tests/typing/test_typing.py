"""Run mypy once over the typing cases and compare with their expectations.

Each case file marks what mypy must report on a line with a trailing
``# N: text`` (a revealed type containing ``text``) or ``# E: text`` (an
error containing ``text``). Errors without a mark fail the case.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).parents[2]
CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))

_MARK = re.compile(r"#\s*([NE]): (.+)$")
_REPORT = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+): (?P<severity>error|note): (?P<text>.*)$"
)
_REVEALED = "Revealed type is "

type Messages = dict[tuple[str, int], list[tuple[str, str]]]
"""``(file name, line)`` to ``(severity "N" or "E", text)`` pairs."""


@pytest.fixture(scope="module")
def reported() -> Messages:
    """What mypy reports for every case, from one mypy run."""
    # mypy_path in mypy.ini is relative to the working directory.
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        stdout, stderr, _ = api.run(
            ["--config-file", str(ROOT / "mypy.ini"), *map(str, CASES)]
        )
    finally:
        os.chdir(previous)
    assert stderr == ""
    messages: Messages = defaultdict(list)
    for line in stdout.splitlines():
        match = _REPORT.match(line)
        if match is None:
            continue
        key = (Path(match["path"]).name, int(match["line"]))
        text = match["text"]
        if match["severity"] == "error":
            messages[key].append(("E", text))
        elif text.startswith(_REVEALED):
            messages[key].append(("N", text.removeprefix(_REVEALED)))
    return messages


def _expected(case: Path) -> Messages:
    marks: Messages = defaultdict(list)
    for number, line in enumerate(case.read_text().splitlines(), start=1):
        match = _MARK.search(line)
        if match is not None:
            marks[(case.name, number)].append((match[1], match[2]))
    return marks


def _matches(mark: tuple[str, str], message: tuple[str, str]) -> bool:
    return mark[0] == message[0] and mark[1] in message[1]


def _unmet(marks: Messages, reported: Messages) -> list[str]:
    """Return the marks that no reported message on their line matches."""
    return [
        f"{name}:{line}: {mark[0]}: {mark[1]}"
        for (name, line), line_marks in marks.items()
        for mark in line_marks
        if not any(_matches(mark, found) for found in reported.get((name, line), []))
    ]


def _unmarked(marks: Messages, reported: Messages) -> list[str]:
    """Return the reported messages that no mark on their line expects."""
    return [
        f"{name}:{line}: {found[0]}: {found[1]}"
        for (name, line), messages in reported.items()
        for found in messages
        if not any(_matches(mark, found) for mark in marks.get((name, line), []))
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_mypy_reports_marks(case: Path, reported: Messages) -> None:
    marks = _expected(case)
    found = {key: value for key, value in reported.items() if key[0] == case.name}
    assert _unmet(marks, found) == []
    assert _unmarked(marks, found) == []
