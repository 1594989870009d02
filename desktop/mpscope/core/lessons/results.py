"""A lesson script's result line: parsed, checked, and rendered in English.

A lesson script prints tables and findings for people, then one line
`LESSON-RESULT {json}` with the same results for programs. Its sentences are
English templates with values ({"text": "…{n}…", "values": {"n": 3}}), so the
window can translate the template and fill in the values itself.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

PREFIX = "LESSON-RESULT "
MAX_LINE = 1_000_000  # a result is a few kB; anything this long is not one


class ResultError(ValueError):
    """A result line that is not what a lesson script prints."""


@dataclass(frozen=True)
class Phrase:
    """Words in a cell or a finding: an English template and the values it names."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """The template filled in (the template as it is when the values do not fit it)."""
        try:
            return self.text.format(**self.values)
        except (KeyError, IndexError, ValueError, TypeError):
            return self.text


Cell = int | float | bool | str | Phrase | None


@dataclass(frozen=True)
class Table:
    """One result table: a title, column names (English) and rows of cells."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class LessonResult:
    """Everything one run of a lesson script found."""

    lesson: str
    tables: list[Table]
    findings: list[Phrase]
    chart: dict[str, Any] | None = None  # {"kind": "scaling", "n": [...], "speedup": [...], …}


def find(output: str) -> LessonResult | None:
    """The result in a script's output (its last result line); None if it printed none."""
    for line in reversed(output.splitlines()):
        if line.startswith(PREFIX):
            return parse(line)
    return None


def parse(line: str) -> LessonResult:
    """One result line → LessonResult; ResultError naming the problem when it is malformed."""
    if not line.startswith(PREFIX):
        raise ResultError(f"a result line starts with {PREFIX.strip()!r}")
    if len(line) > MAX_LINE:
        raise ResultError(f"result line too long ({len(line):,} characters)")
    try:
        data = json.loads(line[len(PREFIX):])
    except ValueError as error:
        raise ResultError(f"result line is not JSON: {error}") from None
    return from_json(data)


def from_json(data: Any) -> LessonResult:
    """A LessonResult from the decoded JSON of a result line (checked field by field)."""
    obj = _dict(data, "the result")
    tables = [_table(t) for t in _list(obj.get("tables", []), "tables")]
    findings = [_phrase(f, "a finding") for f in _list(obj.get("findings", []), "findings")]
    chart = obj.get("chart")
    if chart is not None:
        chart = _chart(chart)
    return LessonResult(str(obj.get("lesson", "")), tables, findings, chart)


def english(cell: Cell) -> str:
    """A cell as the script itself prints it."""
    if isinstance(cell, Phrase):
        return cell.english()
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return f"{cell:,.0f}" if abs(cell) >= 1000 else f"{cell:.3g}"
    return "" if cell is None else str(cell)


def _table(data: Any) -> Table:
    obj = _dict(data, "a table")
    columns = [str(c) for c in _list(obj.get("columns", []), "columns")]
    rows = [[_cell(c) for c in _list(row, "a row")] for row in _list(obj.get("rows", []), "rows")]
    if any(len(row) != len(columns) for row in rows):
        raise ResultError(f"table {obj.get('title')!r}: a row has not one cell per column")
    return Table(str(obj.get("title", "")), columns, rows)


def _cell(data: Any) -> Cell:
    if isinstance(data, dict):
        return _phrase(data, "a cell")
    if data is None or isinstance(data, bool | int | str):
        return data
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    raise ResultError(f"a cell holds a {type(data).__name__}")


def _phrase(data: Any, what: str) -> Phrase:
    obj = _dict(data, what)
    text = obj.get("text")
    if not isinstance(text, str):
        raise ResultError(f"{what} has no text")
    return Phrase(text, dict(_dict(obj.get("values", {}), f"{what}'s values")))


def _chart(data: Any) -> dict[str, Any]:
    obj = _dict(data, "the chart")
    n = _list(obj.get("n"), "the chart's n")
    speedup = _list(obj.get("speedup"), "the chart's speedup")
    amdahl = obj.get("amdahl")
    if len(n) != len(speedup) or (amdahl is not None and len(_list(amdahl, "amdahl")) != len(n)):
        raise ResultError("the chart's series differ in length")
    if not all(isinstance(v, int | float) for v in [*n, *speedup, *(amdahl or [])]):
        raise ResultError("the chart holds something that is not a number")
    return obj


def _dict(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ResultError(f"{what} is not a JSON object")
    return data


def _list(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise ResultError(f"{what} is not a JSON list")
    return data
