"""Tasks of a pool run: how items are cut into tasks, and the record kept for each task.

A *task* is what the stdlib pool hands a process at once: one item for
`apply_async`, a chunk of consecutive items for the mapping methods. mpscope
cuts the chunks itself, exactly as the stdlib would (`Pool._get_tasks`,
`ProcessPoolExecutor.map`'s `_get_chunks`), and submits each chunk as one call,
so one stdlib task is one tracked task with one id.
"""

from __future__ import annotations

import math
import time
from array import array
from typing import Any, NamedTuple

from mpscope.core.pool.messages import Chunk
from mpscope.core.text import Text

MAP_LIKE = ("map", "map_async", "starmap", "starmap_async")
STAR = ("starmap", "starmap_async")
OUTCOMES = ("pending", "running", "ok", "failed", "lost", "cancelled")
FINAL = ("ok", "failed", "cancelled")


def effective_chunksize(
    method: str, backend: str, items: int, processes: int, configured: int | None
) -> int:
    """The chunksize the stdlib would use for this call (at least 1)."""
    if method == "apply_async":
        return 1  # one call per item: there is no chunking
    if configured:
        return configured
    if backend in ("multiprocessing", "dask") and method in MAP_LIKE:
        # Pool.map's own default (dask follows it): about four chunks per process, rounded up.
        chunksize, extra = divmod(items, processes * 4)
        return max(1, chunksize + (1 if extra else 0))
    return 1  # Pool.imap*, and ProcessPoolExecutor.map, default to 1


class Span(NamedTuple):
    """One earlier attempt of a task on one pool process, for the task-stream view."""

    pid: int | None
    wid: int | None
    started: float | None
    ended: float | None
    outcome: str  # lost | requeued | ok (result discarded with its pool)


class Tally:
    """Tasks and items per outcome, kept current as tasks change, so views count in O(1)."""

    def __init__(self) -> None:
        self.tasks = dict.fromkeys(OUTCOMES, 0)
        self.items = dict.fromkeys(OUTCOMES, 0)

    def move(self, count: int, old: str | None, new: str) -> None:
        """One task of `count` items goes from outcome `old` (None: a new task) to `new`."""
        if old is not None:
            self.tasks[old] -= 1
            self.items[old] -= count
        self.tasks[new] += 1
        self.items[new] += count


class TaskColumns:
    """When many tasks started and ended and their peak memory, as flat arrays (24 bytes a task).

    A float or int object per value kept ~80 bytes per finished task alive: a million-task
    run grew by 80 MB. Missing values are NaN (times) and 0 (peak)."""

    __slots__ = ("ended", "peak", "started")

    def __init__(self, rows: int = 0) -> None:
        self.started = array("d", [math.nan]) * rows
        self.ended = array("d", [math.nan]) * rows
        self.peak = array("q", [0]) * rows

    def add(self) -> int:
        """One more row (all missing); its index."""
        self.started.append(math.nan)
        self.ended.append(math.nan)
        self.peak.append(0)
        return len(self.peak) - 1


class TaskRecord:
    """One task (an item or a chunk): where and when it ran, and how it ended.

    A plain class with slots rather than a dataclass with a `__setattr__` hook:
    a run's tasks are all made when it starts, on the GUI thread, and a Python
    call per attribute made 10,000 tasks cost 30 ms. `outcome` is a property,
    so the run's tally follows every change of outcome, wherever it is made; a task
    made with a `tally` is counted in it from the start. `started`, `ended` and `peak_rss`
    are properties too, set once or twice per task: they live in a row of the `TaskColumns`
    the run's tasks share, so a finished task keeps no float or int objects alive.
    """

    __slots__ = ("_columns", "_outcome", "_row", "attempt", "count", "delivered", "error",
                 "first_index", "generation", "history", "pid", "tally", "task_id",
                 "traceback", "wid")
    task_id: int
    first_index: int
    count: int  # items in the task
    pid: int | None
    wid: int | None
    attempt: int
    error: str | None
    traceback: str | None
    generation: int  # the pool generation it is submitted to (0: not yet)
    delivered: bool  # its result (or exception) reached the caller through the method
    history: list[Span]  # earlier attempts, oldest first
    tally: Tally | None

    def __init__(self, task_id: int, first_index: int, count: int, pid: int | None = None,
                 wid: int | None = None, started: float | None = None,
                 ended: float | None = None, outcome: str = "pending", attempt: int = 1,
                 error: str | None = None, traceback: str | None = None, generation: int = 0,
                 delivered: bool = False, history: list[Span] | None = None,
                 tally: Tally | None = None, columns: TaskColumns | None = None,
                 row: int | None = None) -> None:
        self.task_id, self.first_index, self.count = task_id, first_index, count
        self.pid, self.wid = pid, wid
        if columns is None:
            columns = TaskColumns()
        self._columns = columns
        self._row = columns.add() if row is None else row
        if started is not None:
            columns.started[self._row] = started
        if ended is not None:
            columns.ended[self._row] = ended
        self._outcome = outcome
        self.attempt, self.error, self.traceback = attempt, error, traceback
        self.generation, self.delivered = generation, delivered
        self.history = [] if history is None else history
        self.tally = tally
        if tally is not None:  # counted here, so no caller can forget; inlined: no call
            tally.tasks[outcome] += 1
            tally.items[outcome] += count

    @property
    def outcome(self) -> str:
        """One of OUTCOMES; final ones (FINAL) never change again."""
        return self._outcome

    @outcome.setter
    def outcome(self, value: str) -> None:
        if self.tally is not None and value != self._outcome:
            self.tally.move(self.count, self._outcome, value)
        self._outcome = value

    @property
    def started(self) -> float | None:
        """When it started (time.time()), None if it has not."""
        value = self._columns.started[self._row]
        return None if value != value else value  # NaN: missing

    @started.setter
    def started(self, value: float | None) -> None:
        self._columns.started[self._row] = math.nan if value is None else value

    @property
    def ended(self) -> float | None:
        """When it ended (time.time()), None if it has not."""
        value = self._columns.ended[self._row]
        return None if value != value else value

    @ended.setter
    def ended(self, value: float | None) -> None:
        self._columns.ended[self._row] = math.nan if value is None else value

    @property
    def peak_rss(self) -> int | None:
        """Bytes: the pool process's highest resident size while it ran (None: not known)."""
        return self._columns.peak[self._row] or None

    @peak_rss.setter
    def peak_rss(self, value: int | None) -> None:
        self._columns.peak[self._row] = value or 0

    def __repr__(self) -> str:
        return (f"TaskRecord({self.task_id}, items {self.first_index}+{self.count}, "
                f"{self._outcome}, attempt {self.attempt}, pid {self.pid})")

    @property
    def duration(self) -> float | None:
        """Seconds from start to end (or to now while running)."""
        if self.started is None:
            return None
        return (self.ended or time.time()) - self.started

    @property
    def indices(self) -> range:
        """The item indices this task covers."""
        return range(self.first_index, self.first_index + self.count)

    def label(self) -> str:
        """'task 3 (item 12)' or 'task 3 (items 12–15)' (plain: set at every task start)."""
        if self.count == 1:
            return f"task {self.task_id} (item {self.first_index})"
        return f"task {self.task_id} (items {self.first_index}–{self.first_index + self.count - 1})"

    def label_text(self) -> Text:
        """The label as translatable Text, for the rare sentences that name a task."""
        if self.count == 1:
            return Text("task {task} (item {item})", task=self.task_id, item=self.first_index)
        return Text("task {task} (items {first}–{last})", task=self.task_id,
                    first=self.first_index, last=self.first_index + self.count - 1)

    def archive(self, outcome: str) -> None:
        """Move the current attempt into the history and make the task pending again."""
        self.history.append(Span(self.pid, self.wid, self.started, self.ended, outcome))
        self.pid = self.wid = self.started = self.ended = self.peak_rss = None
        self.outcome = "pending"
        self.error = self.traceback = None


def make_tasks(count: int, chunksize: int, tally: Tally | None = None) -> list[TaskRecord]:
    """Cut `count` items into consecutive tasks of `chunksize` (the last may be shorter)."""
    columns = TaskColumns(-(-count // chunksize))
    return [
        TaskRecord(task_id, first, min(chunksize, count - first), tally=tally, columns=columns,
                   row=task_id)
        for task_id, first in enumerate(range(0, count, chunksize))
    ]


def chunk_of(task: TaskRecord, items: list[Any], star: bool) -> Chunk:
    """The argument submitted to the pool for one task."""
    return Chunk(task.task_id, task.first_index, tuple(items[i] for i in task.indices), star)
