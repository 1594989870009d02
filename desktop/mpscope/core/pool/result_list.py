"""A pool's delivered results as two compact columns, the older ones spilled to a temporary file."""

from __future__ import annotations

import pickle
import sys
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

SPILL_AT = 65_536  # results kept in memory; each full batch goes to the spill file


class ResultList:
    """(item index, value) pairs: an int64 array of indices beside a list of values.

    A list of (index, value) tuples cost a tuple and an int object per result on top of
    the value (84 bytes): a million-task run grew 84 MB for nothing. The values themselves
    are the operator's and are all kept, but not all in memory: every `spill_at` results
    are pickled to an anonymous temporary file (unlinked at once, gone with the process),
    so a run of millions of items holds at most one batch. The values were unpickled from
    this run's own pool processes, and are read back only from this process's own file.
    It iterates, counts and compares like the list of pairs it replaces.
    """

    __slots__ = ("_batches", "_count", "_file", "_indices", "_spill_at", "_values")

    def __init__(self, pairs: Iterable[tuple[int, Any]] = (), spill_at: int = SPILL_AT) -> None:
        self._indices = array("q")
        self._values: list[Any] = []
        self._spill_at = spill_at
        self._file: IO[bytes] | None = None
        self._batches: list[tuple[int, int]] = []  # (offset, length) of each spilled batch
        self._count = 0  # results spilled
        self.extend(pairs)

    def add(self, first_index: int, values: Sequence[Any]) -> None:
        """The values of one task, whose items start at `first_index`."""
        self._indices.extend(range(first_index, first_index + len(values)))
        self._values.extend(values)
        if len(self._values) >= self._spill_at:
            self._spill()

    def extend(self, pairs: Iterable[tuple[int, Any]]) -> None:
        for index, value in pairs:
            self._indices.append(index)
            self._values.append(value)
        if len(self._values) >= self._spill_at:
            self._spill()

    @property
    def spilled(self) -> int:
        """How many results are in the spill file rather than in memory."""
        return self._count

    def _spill(self) -> None:
        try:
            data = pickle.dumps((self._indices, self._values), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - any value that will not pickle: keep them all here
            self._spill_at = sys.maxsize
            return
        try:
            if self._file is None:
                # Open as long as the results are kept: closed by close() or with the list.
                self._file = tempfile.TemporaryFile(prefix="mpscope-results-")  # noqa: SIM115
            offset = self._file.seek(0, 2)
            self._file.write(data)
        except OSError:  # no room for the file: memory it is
            self._spill_at = sys.maxsize
            return
        self._batches.append((offset, len(data)))
        self._count += len(self._values)
        self._indices, self._values = array("q"), []

    def _spilled_batches(self) -> Iterator[tuple[array[int], list[Any]]]:
        for offset, length in list(self._batches):
            assert self._file is not None
            self._file.seek(offset)
            batch: tuple[array[int], list[Any]] = pickle.loads(self._file.read(length))
            yield batch

    def close(self) -> None:
        """Drop every result and the spill file."""
        if self._file is not None:
            self._file.close()
        self._file, self._batches, self._count = None, [], 0
        self._indices, self._values = array("q"), []

    def __del__(self) -> None:
        if self._file is not None:  # the file is unlinked already: closing frees its space
            self._file.close()

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        for indices, values in self._spilled_batches():
            yield from zip(indices, values, strict=True)
        yield from zip(self._indices, self._values, strict=True)

    def __len__(self) -> int:
        return self._count + len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ResultList, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it replaces

    def __repr__(self) -> str:
        return f"ResultList({list(self)!r})"
