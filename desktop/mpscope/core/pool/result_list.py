"""A pool's delivered results as two compact columns: item indices and values."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any


class ResultList:
    """(item index, value) pairs, kept as an int64 array of indices beside a list of values.

    A list of (index, value) tuples cost a tuple and an int object per result on top of
    the value (84 bytes): a million-task run grew 84 MB for nothing. It iterates, counts
    and compares like the list of pairs it replaces.
    """

    __slots__ = ("_indices", "_values")

    def __init__(self, pairs: Iterable[tuple[int, Any]] = ()) -> None:
        self._indices = array("q")
        self._values: list[Any] = []
        self.extend(pairs)

    def add(self, first_index: int, values: Sequence[Any]) -> None:
        """The values of one task, whose items start at `first_index`."""
        self._indices.extend(range(first_index, first_index + len(values)))
        self._values.extend(values)

    def extend(self, pairs: Iterable[tuple[int, Any]]) -> None:
        for index, value in pairs:
            self._indices.append(index)
            self._values.append(value)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        return zip(self._indices, self._values, strict=True)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ResultList, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it replaces

    def __repr__(self) -> str:
        return f"ResultList({list(self)!r})"
