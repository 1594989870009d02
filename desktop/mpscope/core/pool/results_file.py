"""A pool's results, one row per item: for `mpscope run --results`, Save results… and history.

Each row is {"index", "item", "result"} or {"index", "item", "error"}, by item
index. Values become JSON (see jsonsafe); a value JSON cannot hold (bytes, an
object) is written as its repr with its Python type beside it, so it can never
be mistaken for a dict or a string the task returned.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mpscope.core.jsonsafe import json_safe

KEPT_IN_HISTORY_BYTES = 256 << 10  # of JSON rows; a run with more keeps the first ones

_NATIVE = (type(None), bool, int, float, str, list, tuple, dict)


def rows(pool: Any) -> Iterator[dict[str, Any]]:
    """Every item with its result or its task's error, in item order."""
    items = pool.items
    values, errors = _outcomes(pool)
    for index in sorted(values.keys() | errors.keys()):
        row: dict[str, Any] = {"index": index, "item": json_safe(items[index])}
        if index in values:
            row["result"] = json_safe(values[index])
            if not isinstance(values[index], _NATIVE):
                row["result_type"] = type(values[index]).__name__
        else:
            row["error"] = errors[index]
        yield row


def _outcomes(pool: Any) -> tuple[dict[int, Any], dict[int, str]]:
    """Item index → result, and item index → why there is none."""
    values = dict(pool.results)
    errors: dict[int, str] = {}
    for task in pool.tasks:
        if task.outcome == "pending" or (task.outcome == "ok" and task.delivered):
            continue
        # Failed, lost, cancelled; or done but never handed over (map raised for another item).
        why = str(task.error) if task.error else f"no result delivered ({task.outcome})"
        for index in range(task.first_index, task.first_index + task.count):
            errors.setdefault(index, why)
    return values, errors


def write(path: str | os.PathLike[str], pool: Any) -> int:
    """Write every row as JSON lines, atomically; → how many rows."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for row in rows(pool):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return count


def kept(pool: Any, cap: int = KEPT_IN_HISTORY_BYTES) -> dict[str, Any]:
    """The rows that fit in `cap` bytes of JSON, for the run's record."""
    chosen: list[dict[str, Any]] = []
    size = 0
    for row in rows(pool):
        size += len(json.dumps(row)) + 1
        if size > cap:
            break
        chosen.append(row)
    values, errors = _outcomes(pool)  # the rows past the cap are only counted
    total = len(values.keys() | errors.keys())
    return {"rows": chosen, "total": total, "truncated": len(chosen) < total}
