"""Numpy data behind the task stream (no Qt): a growing table of task-attempt bars."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

BAR_COLUMNS = 6  # x0, x1, wid, outcome code, task index, attempt (-1: the current one)
# Finished bars kept for drawing: the most recent ones. A run of a million tasks kept
# them all, and every frame copied, filtered and drew them, so the window's memory and
# CPU grew with every finished task; the history database keeps every task.
RECENT_BARS = 50_000


class BarTable:
    """A pool's task attempts as bars for the task stream, read incrementally from TaskRecords.

    A task whose outcome is final never changes again, so after one full read
    only unfinished tasks are re-read; earlier attempts (a lost task's
    `history`) become bars of their own once. Times are seconds after `t0`.

    Pools start tasks in order, so the read stops after a run of tasks that never
    ran: an update costs the tasks in flight, not the 10,000 still pending (that was
    20 ms, four times a second, on the GUI thread).

    Only the RECENT_BARS newest finished bars are kept, so drawing costs the same
    after a million tasks as after fifty thousand.

    Bars keep the wid of their pool process and are put on `rows` when drawn, so a
    new process or a new label order costs no re-read of the tasks already read.
    """

    def __init__(self, outcomes: Sequence[str], final: Collection[str],
                 span_outcomes: Mapping[str, str]) -> None:
        self.outcomes = tuple(outcomes)
        self.final = frozenset(final)
        self.span_outcomes = dict(span_outcomes)  # history outcome → drawn outcome
        self._code_of = {outcome: code for code, outcome in enumerate(self.outcomes)}
        self.behind = False  # the last update left changed tasks for the next one
        self.rows: Mapping[int, int] = {}  # wid → row drawn; bars of other wids are not drawn
        self.recent = RECENT_BARS  # finished bars kept (the newest)
        self.clear()

    def clear(self) -> None:
        self.tasks: Sequence[Any] | None = None
        self.closed = np.zeros((0, BAR_COLUMNS))  # bars that never change again
        self.current = np.zeros((0, BAR_COLUMNS))  # bars of unfinished tasks (running grows)
        self._open: list[int] = []
        self._seen: list[int] = []  # history entries already turned into bars, per task

    def update(self, tasks: Sequence[Any], t0: float, now: float,
               limit: int | None = None) -> set[int]:
        """Re-read new and unfinished tasks; return the outcome codes whose bars changed.

        `limit`: read at most this many changed tasks; the rest wait for the next
        call (`behind` says some do), so one call stays a few milliseconds.
        """
        if tasks is not self.tasks:
            self.clear()
            self.tasks = tasks
        if len(tasks) > len(self._seen):
            self._open.extend(range(len(self._seen), len(tasks)))
            self._seen.extend([0] * (len(tasks) - len(self._seen)))
        new: list[tuple[float, ...]] = []
        current: list[tuple[float, ...]] = []
        still_open = []
        margin = untouched = 16 + 2 * max(8, len(self.rows))  # tasks in flight, and room
        budget = len(self._open) if limit is None else limit
        seen, final, code_of = self._seen, self.final, self._code_of
        kept = self.current[:0]
        self.behind = False
        for at, i in enumerate(self._open):
            task = tasks[i]
            history = task.history
            if task.started is None and len(history) == seen[i]:
                still_open.append(i)  # pending, nothing new: the common case, kept cheap
                untouched = untouched - 1 if not history else margin
                if not untouched:  # the rest never started either
                    still_open.extend(self._open[at + 1 :])
                    break
                continue
            if budget <= 0:
                still_open.extend(self._open[at:])
                # Tasks left unread keep their bars (the open list is in task order), so
                # running bars don't vanish until the follow-up update reads them.
                kept = self.current[self.current[:, 4] >= i]
                self.behind = True
                break
            budget -= 1
            untouched = margin
            for j in range(seen[i], len(history)):
                span = history[j]
                outcome = self.span_outcomes.get(span.outcome, span.outcome)
                self._add(new, span.started, span.ended, span.wid, outcome, i, j, t0, now)
            seen[i] = len(history)
            outcome, started, wid = task.outcome, task.started, task.wid
            if outcome in final:
                # Inlined _add: most calls are thousands of tasks that just finished.
                if started is not None and wid is not None and outcome in code_of:
                    ended = task.ended if task.ended is not None else now
                    new.append((started - t0, max(ended, started) - t0, wid, code_of[outcome],
                                i, -1))
            else:
                still_open.append(i)
                self._add(current, started, task.ended, wid, outcome, i, -1, t0, now)
        self._open = still_open
        return self._store(new, current, kept)

    def _store(self, new: list[tuple[float, ...]], current: list[tuple[float, ...]],
               kept: np.ndarray) -> set[int]:
        """Keep the bars read by update(); → the outcome codes whose bars changed."""
        changed = set(np.unique(self.current[:, 3]).astype(int).tolist())
        if new:
            added = np.array(new)
            self.closed = np.concatenate([self.closed, added])
            changed.update(np.unique(added[:, 3]).astype(int).tolist())
            if len(self.closed) > self.recent:  # the oldest go (their outcomes redraw)
                dropped = self.closed[: len(self.closed) - self.recent]
                changed.update(np.unique(dropped[:, 3]).astype(int).tolist())
                self.closed = self.closed[-self.recent :].copy()
        self.current = np.concatenate([np.array(current).reshape(-1, BAR_COLUMNS), kept])
        changed.update(np.unique(self.current[:, 3]).astype(int).tolist())
        return changed

    def _add(self, out: list[tuple[float, ...]], started: float | None, ended: float | None,
             wid: int | None, outcome: str, task: int, attempt: int, t0: float,
             now: float) -> None:
        if started is None or wid is None or outcome not in self._code_of:
            return  # pending, or cancelled before it started: nothing to draw
        end = ended if ended is not None else now
        out.append((started - t0, max(end, started) - t0, wid, self._code_of[outcome],
                    task, attempt))

    def bars(self, code: int) -> np.ndarray:
        """The bars of one outcome code on `rows`, as rows of BAR_COLUMNS with column 2
        the row (bars of processes without a row are left out)."""
        bars = np.concatenate([table[table[:, 3] == code] for table in (self.closed,
                                                                         self.current)])
        if not self.rows or not len(bars):
            return bars[:0]
        wids = bars[:, 2].astype(np.intp)
        lookup = np.full(max(*self.rows, int(wids.max())) + 1, -1.0)  # wid → row, -1: none
        lookup[list(self.rows)] = list(self.rows.values())
        bars[:, 2] = lookup[wids]
        return bars[bars[:, 2] >= 0]

    def count(self, code: int | None = None) -> int:
        """Bars drawn (of one outcome code, or all)."""
        codes = range(len(self.outcomes)) if code is None else (code,)
        return sum(len(self.bars(c)) for c in codes)

    def at(self, x: float, row: int) -> tuple[int, int] | None:
        """(task index, attempt) of the bar covering x on a row, the newest if several."""
        wids = [wid for wid, r in self.rows.items() if r == row]
        if not wids:
            return None
        for table in (self.current, self.closed):
            hits = np.flatnonzero((table[:, 2] == wids[0]) & (table[:, 0] <= x)
                                  & (table[:, 1] >= x))
            if hits.size:
                bar = table[hits[-1]]
                return int(bar[4]), int(bar[5])
        return None
