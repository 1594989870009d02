"""Numpy data behind the live charts (no Qt): fixed-size rings of samples, and the top few keys."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt


class TimeRing:
    """The last `capacity` samples of `width` channels, with their times.

    Every value is written twice, at `i` and `i + capacity`, so the newest `n`
    samples are always a contiguous slice of the doubled buffer: plotting takes
    a view, never a copy or a `np.roll`, and appending is O(width). Values are
    stored channel-major (`width × 2·capacity`) so each channel's history is
    contiguous, which is what a curve's `setData` wants.

    The buffers start small and double until they hold `capacity` samples: a run
    of 256 processes makes 256 rings at its first CPU sample, and allocating
    (and zeroing) an hour for each at once was 8 ms on the GUI thread.
    """

    INITIAL = 64

    def __init__(self, capacity: int, width: int, dtype: type = np.float32) -> None:
        if capacity < 1 or width < 0:
            raise ValueError("capacity must be ≥ 1 and width ≥ 0")
        self.capacity = capacity
        self.width = width
        self._size = min(capacity, self.INITIAL)  # samples the buffers hold now
        self._t = np.zeros(2 * self._size, dtype=np.float64)
        self._v: npt.NDArray[Any] = np.zeros((width, 2 * self._size), dtype=dtype)
        self._next = 0  # where the next sample goes, in [0, _size)
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def append(self, t: float, values: object = ()) -> None:
        """Add one sample; `values` is a sequence (or array) of `width` numbers."""
        if self.count == self._size < self.capacity:
            self._grow()
        i, j = self._next, self._next + self._size
        self._t[i] = self._t[j] = t
        if self.width:
            self._v[:, i] = self._v[:, j] = values
        self._next = (i + 1) % self._size
        self.count = min(self.count + 1, self._size)

    def _grow(self) -> None:
        size = min(self.capacity, 2 * self._size)
        times, values = self.times(), self.values()  # oldest first
        n = self.count
        self._t = np.zeros(2 * size, dtype=np.float64)
        self._v = np.zeros((self.width, 2 * size), dtype=values.dtype)
        for start in (0, size):  # both halves, as append keeps them
            self._t[start : start + n] = times
            self._v[:, start : start + n] = values
        self._size, self._next = size, n % size

    def clear(self) -> None:
        self._next = 0
        self.count = 0

    def _span(self, n: int) -> slice:
        # The newest sample sits just before `_next + _size` in the doubled buffer,
        # both while filling up (the mirror copy) and once full.
        end = self._next + self._size
        return slice(end - n, end)

    def times(self, n: int | None = None) -> np.ndarray:
        """Times of the newest `n` samples (all by default), oldest first; a view."""
        n = self.count if n is None else max(0, min(n, self.count))
        return self._t[self._span(n)]

    def values(self, n: int | None = None) -> np.ndarray:
        """Values of the newest `n` samples as `width × n`, oldest first; a view."""
        n = self.count if n is None else max(0, min(n, self.count))
        return self._v[:, self._span(n)]

    def count_since(self, t_min: float) -> int:
        """How many of the newest samples have a time ≥ `t_min` (times must not go backwards)."""
        times = self.times()
        return int(times.size - np.searchsorted(times, t_min, side="left"))

    def window(self, t_min: float, t_max: float) -> tuple[np.ndarray, np.ndarray]:
        """Times and values (`width × n`) of the samples with t_min ≤ t ≤ t_max; views."""
        times = self.times()
        lo = int(np.searchsorted(times, t_min, side="left"))
        hi = int(np.searchsorted(times, t_max, side="right"))
        base = self._next + self._size - self.count
        return self._t[base + lo : base + hi], self._v[:, base + lo : base + hi]

    @property
    def last_time(self) -> float | None:
        return float(self._t[self._next + self._size - 1]) if self.count else None

    def last_values(self) -> np.ndarray | None:
        """The newest sample's values (a view), or None when empty."""
        return self._v[:, self._next + self._size - 1] if self.count else None


class RingSet:
    """A TimeRing per key (a pid, say), made on first use and forgotten when stale or too many."""

    def __init__(self, capacity: int, width: int, horizon: float, max_keys: int) -> None:
        self.capacity, self.width = capacity, width
        self.horizon = horizon  # seconds without a sample after which a key is dropped
        self.max_keys = max_keys
        self._rings: dict[Hashable, TimeRing] = {}

    def __len__(self) -> int:
        return len(self._rings)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._rings

    def get(self, key: Hashable) -> TimeRing | None:
        return self._rings.get(key)

    def rings(self) -> list[tuple[Hashable, TimeRing]]:
        """(key, ring) of every key kept."""
        return list(self._rings.items())

    def discard(self, keys: Iterable[Hashable]) -> None:
        """Forget these keys and their samples."""
        for key in keys:
            self._rings.pop(key, None)

    def append(self, t: float, values: Mapping[Hashable, Sequence[float]]) -> None:
        """Add one sample for each key in `values`, then drop stale keys (oldest first)."""
        for key, row in values.items():
            ring = self._rings.get(key)
            if ring is None:
                ring = self._rings[key] = TimeRing(self.capacity, self.width)
            ring.append(t, row)
        last = {key: ring.last_time or 0.0 for key, ring in self._rings.items()}
        stale = [key for key, when in last.items() if when < t - self.horizon]
        if len(last) - len(stale) > self.max_keys:  # many short-lived processes: keep the recent
            dropped = set(stale)
            fresh = sorted((k for k in last if k not in dropped), key=last.__getitem__)
            stale += fresh[: len(fresh) - self.max_keys]
        for key in stale:
            del self._rings[key]


def sticky_top(slots: Sequence[Hashable | None], scores: Mapping[Hashable, float]) -> list:
    """The `len(slots)` highest-scoring keys, each kept in its old slot while it stays on top.

    A line's colour belongs to its slot, so a process keeps its colour while it
    stays among the busiest; newcomers take the free slots.
    """
    top = sorted(scores, key=scores.__getitem__, reverse=True)[: len(slots)]
    keep = set(top)
    result = [key if key in keep else None for key in slots]
    for key in top:
        if key not in result:
            result[result.index(None)] = key
    return result
