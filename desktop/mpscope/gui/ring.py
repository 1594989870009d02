"""Numpy data behind the live charts (no Qt): fixed-size rings, and a growing table of task bars."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any

import numpy as np


class TimeRing:
    """The last `capacity` samples of `width` channels, with their times.

    Every value is written twice, at `i` and `i + capacity`, so the newest `n`
    samples are always a contiguous slice of the doubled buffer: plotting takes
    a view, never a copy or a `np.roll`, and appending is O(width). Values are
    stored channel-major (`width × 2·capacity`) so each channel's history is
    contiguous, which is what a curve's `setData` wants.
    """

    def __init__(self, capacity: int, width: int, dtype: type = np.float32) -> None:
        if capacity < 1 or width < 0:
            raise ValueError("capacity must be ≥ 1 and width ≥ 0")
        self.capacity = capacity
        self.width = width
        self._t = np.zeros(2 * capacity, dtype=np.float64)
        self._v = np.zeros((width, 2 * capacity), dtype=dtype)
        self._next = 0  # where the next sample goes, in [0, capacity)
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def append(self, t: float, values: object = ()) -> None:
        """Add one sample; `values` is a sequence (or array) of `width` numbers."""
        i, j = self._next, self._next + self.capacity
        self._t[i] = self._t[j] = t
        if self.width:
            self._v[:, i] = self._v[:, j] = values
        self._next = (i + 1) % self.capacity
        self.count = min(self.count + 1, self.capacity)

    def clear(self) -> None:
        self._next = 0
        self.count = 0

    def _span(self, n: int) -> slice:
        # The newest sample sits just before `_next + capacity` in the doubled buffer,
        # both while filling up (the mirror copy) and once full.
        end = self._next + self.capacity
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
        base = self._next + self.capacity - self.count
        return self._t[base + lo : base + hi], self._v[:, base + lo : base + hi]

    @property
    def last_time(self) -> float | None:
        return float(self._t[self._next + self.capacity - 1]) if self.count else None

    def last_values(self) -> np.ndarray | None:
        """The newest sample's values (a view), or None when empty."""
        return self._v[:, self._next + self.capacity - 1] if self.count else None


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


BAR_COLUMNS = 6  # x0, x1, row, outcome code, task index, attempt (-1: the current one)


class BarTable:
    """A pool's task attempts as bars for the task stream, read incrementally from TaskRecords.

    A task whose outcome is final never changes again, so after one full read
    only unfinished tasks are re-read; earlier attempts (a lost task's
    `history`) become bars of their own once. Times are seconds after `t0`.
    """

    def __init__(self, outcomes: Sequence[str], final: Collection[str],
                 span_outcomes: Mapping[str, str]) -> None:
        self.outcomes = tuple(outcomes)
        self.final = frozenset(final)
        self.span_outcomes = dict(span_outcomes)  # history outcome → drawn outcome
        self.clear()

    def clear(self) -> None:
        self.tasks: Sequence[Any] | None = None
        self.closed = np.zeros((0, BAR_COLUMNS))  # bars that never change again
        self.current = np.zeros((0, BAR_COLUMNS))  # bars of unfinished tasks (running grows)
        self._open: list[int] = []
        self._seen: list[int] = []  # history entries already turned into bars, per task

    def update(self, tasks: Sequence[Any], rows: Mapping[int, int], t0: float,
               now: float) -> set[int]:
        """Re-read new and unfinished tasks; return the outcome codes whose bars changed."""
        if tasks is not self.tasks:
            self.clear()
            self.tasks = tasks
        if len(tasks) > len(self._seen):
            self._open.extend(range(len(self._seen), len(tasks)))
            self._seen.extend([0] * (len(tasks) - len(self._seen)))
        new: list[tuple[float, ...]] = []
        current: list[tuple[float, ...]] = []
        still_open = []
        for i in self._open:
            task = tasks[i]
            history = task.history
            if task.started is None and len(history) == self._seen[i]:
                still_open.append(i)  # pending, nothing new: the common case, kept cheap
                continue
            for j in range(self._seen[i], len(history)):
                span = history[j]
                outcome = self.span_outcomes.get(span.outcome, span.outcome)
                self._add(new, rows, span.started, span.ended, span.wid, outcome, i, j, t0, now)
            self._seen[i] = len(history)
            if task.outcome in self.final:
                self._add(new, rows, task.started, task.ended, task.wid, task.outcome, i, -1,
                          t0, now)
            else:
                still_open.append(i)
                self._add(current, rows, task.started, task.ended, task.wid, task.outcome, i,
                          -1, t0, now)
        self._open = still_open
        changed = {int(c) for c in self.current[:, 3]}
        if new:
            added = np.array(new)
            self.closed = np.concatenate([self.closed, added])
            changed.update(int(c) for c in added[:, 3])
        self.current = np.array(current).reshape(-1, BAR_COLUMNS)
        changed.update(int(c) for c in self.current[:, 3])
        return changed

    def _add(self, out: list[tuple[float, ...]], rows: Mapping[int, int], started: float | None,
             ended: float | None, wid: int | None, outcome: str, task: int, attempt: int,
             t0: float, now: float) -> None:
        row = rows.get(wid) if wid is not None else None
        if started is None or row is None or outcome not in self.outcomes:
            return  # pending, or cancelled before it started: nothing to draw
        end = ended if ended is not None else now
        out.append((started - t0, max(end, started) - t0, row, self.outcomes.index(outcome),
                    task, attempt))

    def bars(self, code: int) -> np.ndarray:
        """Every bar of one outcome code, as rows of BAR_COLUMNS."""
        parts = [table[table[:, 3] == code] for table in (self.closed, self.current)]
        return np.concatenate(parts)

    def count(self, code: int | None = None) -> int:
        if code is None:
            return len(self.closed) + len(self.current)
        return int(np.count_nonzero(self.closed[:, 3] == code)
                   + np.count_nonzero(self.current[:, 3] == code))

    def at(self, x: float, row: int) -> tuple[int, int] | None:
        """(task index, attempt) of the bar covering x on a row, the newest if several."""
        for table in (self.current, self.closed):
            hits = np.flatnonzero((table[:, 2] == row) & (table[:, 0] <= x) & (table[:, 1] >= x))
            if hits.size:
                bar = table[hits[-1]]
                return int(bar[4]), int(bar[5])
        return None
