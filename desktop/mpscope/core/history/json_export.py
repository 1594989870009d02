"""run.json written row by row off the database cursor: any run exports in bounded memory."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from mpscope.core.history.store import HistoryStore

# The same text `json.dumps(document, indent=1)` gives, one row at a time: the document is
# an object (indent 1) whose tables are lists (indent 2) of row objects (their lines at 2+).
INDENT = 1


def write_document(store: HistoryStore, head: dict[str, Any], tables: Iterable[str],
                   run_id: int, path: Path) -> None:
    """Write `head`'s keys, then each table's rows streamed from `store`, atomically to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("{")
            first = True
            for key, value in head.items():
                _key(handle, key, first)
                handle.write(_indented(value, 1))
                first = False
            for table in tables:
                _key(handle, table, first)
                _rows(handle, store.iter_rows(table, run_id))
                first = False
            handle.write("\n}\n" if not first else "}\n")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _key(handle: IO[str], key: str, first: bool) -> None:
    handle.write(("\n " if first else ",\n ") + json.dumps(key) + ": ")


def _rows(handle: IO[str], rows: Iterable[dict[str, Any]]) -> None:
    empty = True
    for row in rows:
        handle.write("[\n  " if empty else ",\n  ")
        handle.write(_indented(row, 2))
        empty = False
    handle.write("[]" if empty else "\n ]")


def _indented(value: Any, depth: int) -> str:
    """`value` as json.dumps(indent=1) prints it `depth` levels down (its first line unindented)."""
    return json.dumps(value, indent=INDENT).replace("\n", "\n" + " " * depth * INDENT)

