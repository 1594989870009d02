"""A followed run's pool, rebuilt from the feed's task rows: what the Pool panel reads of a pool.

The Pool panel draws `run.pool` the same way for a run started here and for a
followed one: this class has the figures the panel, the top-tasks dialog and
the window's close question read of a PoolRun (tasks, counts, items done and
total, rate, insights, busy, succeeded), filled from `task` and `progress`
items. It starts nothing and owns nothing; it has no results (they stay with
the process that owns the run).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from mpscope.core.config.model import PoolConfig
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.insight.top_tasks import recorded_items
from mpscope.core.pool import figures
from mpscope.core.pool.plan import (
    FINAL,
    STAR,
    Span,
    Tally,
    TaskColumns,
    TaskRecord,
    effective_chunksize,
)

RATE_WINDOW_S = 5.0  # the rate: items finished ok in the last few seconds of the run's time
POOL_ITEMS = 0  # the wid of the pool's items as a whole in the feed's progress items


class _Records:
    """The pool processes among the followed run's records (what `tracker.records` gives)."""

    def __init__(self, records: Mapping[int, WorkerRecord]) -> None:
        self._all = records

    @property
    def records(self) -> dict[int, WorkerRecord]:
        return {wid: r for wid, r in self._all.items() if r.kind == "pool"}


class FollowedPool:
    """The pool of a followed run (see the module's docstring)."""

    saves_results = False  # the results are the owner's: Save results… stays off

    def __init__(self, form: dict[str, Any], records: Mapping[int, WorkerRecord],
                 started_at: float | None) -> None:
        items = recorded_items({"pool": form})
        raw = form.get("items")
        total = raw.get("count") if isinstance(raw, dict) else len(items)
        self.items_total = int(total or 0)
        self.items = items  # for the top tasks' arguments (a long list: its head only)
        self.config = PoolConfig(
            task=str(form.get("task") or "?"), items=self.items_total,
            processes=int(form.get("processes") or 1), method=str(form.get("method") or "map"),
            chunksize=form.get("chunksize"), maxtasksperchild=form.get("maxtasksperchild"),
            backend=str(form.get("backend") or "multiprocessing"), scheduler=form.get("scheduler"))
        config = self.config
        self.chunksize = effective_chunksize(config.method, config.backend, self.items_total,
                                             config.processes, config.chunksize)
        self.scheduler = config.scheduler or ""
        self.tracker = _Records(records)
        self.tally = Tally()
        self.columns = TaskColumns()  # the tasks' times and peaks, no object per value
        self.tasks: list[TaskRecord] = []
        self.started_at = started_at
        self.ended_at: float | None = None
        self._working: dict[int, float] = {}  # wid → seconds of its ended attempts
        self._counted: dict[int, tuple[int | None, float]] = {}  # task seq → (wid, seconds)
        self._finished_ok: deque[tuple[float, int]] = deque()  # (ended, items), for the rate
        self._latest = 0.0  # the newest time a task ended (the run's clock, not ours)
        self._grow(-(-self.items_total // self.chunksize))

    # -- the feed ------------------------------------------------------------------------
    def apply_task(self, item: dict[str, Any]) -> None:
        """A `task` item: the task at its place in the list, as it is now."""
        seq = int(item["task_seq"])
        self._grow(seq + 1)
        task = self.tasks[seq]
        task.task_id, task.first_index = item["task_id"], item["first_index"]
        if task.count != item["count"]:
            self.tally.items[task.outcome] += item["count"] - task.count
            task.count = item["count"]
        task.pid, task.wid = item.get("pid"), item.get("wid")
        task.started, task.ended = item.get("started"), item.get("ended")
        task.attempt, task.error = item.get("attempt") or 1, item.get("error")
        task.traceback = item.get("traceback")
        task.history = [Span(*span) for span in item.get("history") or []]
        was_ok = task.outcome == "ok"
        task.outcome = item.get("outcome") or "pending"
        self._count_work(seq, task)
        if task.outcome == "ok" and not was_ok and task.ended is not None:
            self._finished_ok.append((task.ended, task.count))
            self._latest = max(self._latest, task.ended)

    def apply_progress(self, item: dict[str, Any]) -> None:
        """The pool's items as a whole (wid 0): the total, once the owner knows it."""
        if item.get("total"):
            self.items_total = int(item["total"])

    def finish(self, ended_at: float) -> None:
        """The run ended: so did its pool (whatever its tasks last said)."""
        self.ended_at = self.ended_at or ended_at

    # -- what the panel reads ------------------------------------------------------------
    @property
    def busy(self) -> bool:
        if self.ended_at is not None:
            return False
        return not self.tasks or any(t.outcome not in FINAL for t in self.tasks)

    @property
    def succeeded(self) -> bool:
        return bool(self.tasks) and self.tally.tasks["ok"] == len(self.tasks)

    @property
    def items_done(self) -> int:
        return self.tally.items["ok"]

    @property
    def rate(self) -> float:
        """Items per second finished ok over the last RATE_WINDOW_S of the run's own clock."""
        while self._finished_ok and self._finished_ok[0][0] < self._latest - RATE_WINDOW_S:
            self._finished_ok.popleft()
        return sum(count for _ended, count in self._finished_ok) / RATE_WINDOW_S

    @property
    def duration(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    @property
    def star(self) -> bool:
        return self.config.method in STAR

    def counts(self) -> dict[str, int]:
        losses = sum(span.outcome == "lost" for t in self.tasks for span in t.history)
        retried = sum(bool(t.history) for t in self.tasks)
        return figures.counts(self.tally, losses, retried)

    def insights(self) -> dict[int, tuple[float, float, float]]:
        """wid → (startup_s, waiting_s, working_s), from the records and the tasks' times."""
        now = self.ended_at or time.time()
        working = dict(self._working)
        for task in self.tasks:  # the attempts still running
            if task.outcome == "running" and task.started is not None and task.wid is not None:
                working[task.wid] = working.get(task.wid, 0.0) + max(0.0, now - task.started)
        split = {}
        for wid, record in self.tracker.records.items():
            if record.started_at is None:
                continue
            startup = max(0.0, (record.running_at or now) - record.started_at)
            alive = max(0.0, (record.ended_at or now) - record.started_at)
            work = min(working.get(wid, 0.0), max(0.0, alive - startup))
            split[wid] = (startup, max(0.0, alive - startup - work), work)
        return split

    def kill(self) -> None:
        """Nothing: the owner's pool is ended through the owner (the window's run commands)."""

    # -- helpers -------------------------------------------------------------------------
    def _grow(self, size: int) -> None:
        while len(self.tasks) < size:
            first = len(self.tasks) * self.chunksize
            count = max(1, min(self.chunksize, self.items_total - first))
            self.tasks.append(TaskRecord(len(self.tasks), first, count, tally=self.tally,
                                         columns=self.columns))

    def _count_work(self, seq: int, task: TaskRecord) -> None:
        """Seconds of work per process, from each task's ended attempts, counted once."""
        spans = [(s.wid, s.started, s.ended) for s in task.history]
        if task.outcome in FINAL or task.outcome == "lost":
            spans.append((task.wid, task.started, task.ended))
        before = self._counted.pop(seq, None)
        if before is not None and before[0] is not None:
            self._working[before[0]] -= before[1]
        # Only the last attempt's process is remembered: attempts on other processes are rare.
        seconds = sum(max(0.0, (e or 0.0) - s) for _w, s, e in spans if s is not None and e)
        wid = task.wid if task.wid is not None else next((w for w, _s, _e in spans), None)
        if wid is not None and seconds:
            self._working[wid] = self._working.get(wid, 0.0) + seconds
            self._counted[seq] = (wid, seconds)
