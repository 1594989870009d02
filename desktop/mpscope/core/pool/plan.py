"""Tasks of a pool run: how items are cut into tasks, and the record kept for each task.

A *task* is what the stdlib pool hands a process at once: one item for
`apply_async`, a chunk of consecutive items for the mapping methods. mpscope
cuts the chunks itself, exactly as the stdlib would (`Pool._get_tasks`,
`ProcessPoolExecutor.map`'s `_get_chunks`), and submits each chunk as one call,
so one stdlib task is one tracked task with one id.
"""

from __future__ import annotations

import time
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


class TaskRecord:
    """One task (an item or a chunk): where and when it ran, and how it ended.

    A plain class with slots rather than a dataclass with a `__setattr__` hook:
    a run's tasks are all made when it starts, on the GUI thread, and a Python
    call per attribute made 10,000 tasks cost 30 ms. Only `outcome` is a property,
    so the run's tally follows every change of outcome, wherever it is made; a task
    made with a `tally` is counted in it from the start.
    """

    __slots__ = ("_outcome", "attempt", "count", "delivered", "ended", "error", "first_index",
                 "generation", "history", "peak_rss", "pid", "started", "tally", "task_id",
                 "traceback", "wid")
    task_id: int
    first_index: int
    count: int  # items in the task
    pid: int | None
    wid: int | None
    started: float | None
    ended: float | None
    attempt: int
    error: str | None
    traceback: str | None
    generation: int  # the pool generation it is submitted to (0: not yet)
    delivered: bool  # its result (or exception) reached the caller through the method
    history: list[Span]  # earlier attempts, oldest first
    tally: Tally | None
    peak_rss: int | None  # bytes: the pool process's highest resident size while it ran

    def __init__(self, task_id: int, first_index: int, count: int, pid: int | None = None,
                 wid: int | None = None, started: float | None = None,
                 ended: float | None = None, outcome: str = "pending", attempt: int = 1,
                 error: str | None = None, traceback: str | None = None, generation: int = 0,
                 delivered: bool = False, history: list[Span] | None = None,
                 tally: Tally | None = None) -> None:
        self.task_id, self.first_index, self.count = task_id, first_index, count
        self.pid, self.wid, self.started, self.ended = pid, wid, started, ended
        self._outcome = outcome
        self.attempt, self.error, self.traceback = attempt, error, traceback
        self.generation, self.delivered = generation, delivered
        self.history = [] if history is None else history
        self.tally = tally
        self.peak_rss = None
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
    return [
        TaskRecord(task_id, first, min(chunksize, count - first), tally=tally)
        for task_id, first in enumerate(range(0, count, chunksize))
    ]


def chunk_of(task: TaskRecord, items: list[Any], star: bool) -> Chunk:
    """The argument submitted to the pool for one task."""
    return Chunk(task.task_id, task.first_index, tuple(items[i] for i in task.indices), star)
