"""A worker's stop flag: one byte of shared memory the parent sets and the worker reads."""

from __future__ import annotations

from multiprocessing import heap
from typing import Any


class StopFlag:
    """`value` is 0 until the parent asks the worker to stop (then 1); picklable to a child.

    What `multiprocessing.RawValue("b", 0)` gave (the same block of the shared heap,
    passed to a spawned child as a duplicated descriptor), read through a memoryview
    instead of ctypes: RawValue imported ctypes into `mpscope run` before its first
    start, ~10 ms on every run's critical path (issue #18).
    """

    def __init__(self) -> None:
        self._block = heap.BufferWrapper(1)
        self._view: memoryview | None = None
        self.value = 0  # a heap block may be one freed earlier: not zeroed by itself

    @property
    def value(self) -> int:
        return self._memory()[0]

    @value.setter
    def value(self, flag: int) -> None:
        self._memory()[0] = flag

    def _memory(self) -> memoryview:
        if self._view is None:
            self._view = self._block.create_memoryview()
        return self._view

    def __getstate__(self) -> dict[str, Any]:
        return {"_block": self._block}  # a memoryview does not pickle; the child makes its own

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._block = state["_block"]
        self._view = None
