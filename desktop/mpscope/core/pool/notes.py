"""The caller thread's side of the driver: results, errors and generation ends become state.

This is also where recovery is decided, once a generation's pool is gone and
every one of its streams has been read to the end: lost tasks are retried
once on a rebuilt pool (a second loss fails them), tasks whose results the
abandoned pool never delivered are requeued, and the run goes on.
"""

from __future__ import annotations

import reprlib
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from mpscope.core.pool import messages as pm
from mpscope.core.pool.parent_tracking import Tracker
from mpscope.core.pool.plan import MAP_LIKE, TaskRecord
from mpscope.core.pool.result_list import ResultList
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig
    from mpscope.core.pool.dask_tracking import DaskTracker

Emit = Callable[[int | None, str, str], None]  # Engine.emit without its detail

BARREN_LIMIT = 3  # abandoned generations in a row that finished nothing: stop rebuilding
# apply_async: each callback is an event ("callback: square(3) → 9") for the first ones; a
# pool of thousands of tiny tasks would otherwise cost an event per task (printed, shown,
# recorded), so past them one event a second counts those delivered meanwhile.
CALLBACK_EVENTS = 100
CALLBACK_COUNT_EVERY_S = 1.0

_short = reprlib.Repr()
_short.maxstring = _short.maxother = 60
_PLAIN_NUMBER = 10**30  # an int within this prints in under 40 characters, as reprlib would


def _brief(value: Any) -> str:
    """A short repr for an event; plain numbers (most pool results) skip reprlib's dispatch."""
    kind = type(value)
    if kind is float or kind is bool or value is None or (
            kind is int and -_PLAIN_NUMBER < value < _PLAIN_NUMBER):
        return repr(value)
    return _short.repr(value)


class DriverControl(Protocol):
    """What the note handler asks of the driver's owner."""

    def order(self, generation: int, tasks: list[TaskRecord]) -> None: ...
    def finish_driver(self) -> None: ...
    def driver_done(self) -> None: ...


class NoteHandler:
    """Applies the driver's notes to a pool run's tasks and results, on the caller thread."""

    def __init__(self, config: PoolConfig, tasks: list[TaskRecord], items: Sequence[Any],
                 results: ResultList, *, chunksize: int, start_method: str,
                 tracker: Tracker | DaskTracker, emit: Emit, driver: DriverControl) -> None:
        self.config = config
        self.tasks = tasks
        self.items = items
        self.results = results
        self.chunksize = chunksize
        self.start_method = start_method
        self.tracker = tracker
        self.driver = driver
        self._emit_event = emit
        self.generation = 0
        self.retried = 0
        self.method_failed = False
        self.driver_error: str | None = None
        self.reference: pm.Reference | None = None
        self._barren = 0  # abandoned generations in a row that delivered or lost nothing
        self._callbacks = 0  # apply_async callbacks so far
        self._callbacks_uncounted = 0  # past CALLBACK_EVENTS, not yet in a count event
        self._callbacks_counted_at = 0.0

    def submit(self, generation: int, tasks: list[TaskRecord]) -> None:
        """Hand tasks to the driver as a new generation."""
        self.generation = generation
        for task in tasks:
            task.generation = generation
        self.driver.order(generation, tasks)

    def handle(self, note: Any) -> None:
        """Apply one note from the driver thread."""
        if isinstance(note, pm.Delivered):
            self._delivered(note)
            if note.via == "salvaged":
                self._emit("pool", Text("pool: kept {count} results the abandoned pool had "
                                        "already handed to the parent", count=len(note.parts)))
        elif isinstance(note, pm.TaskError):
            self._error(note)
        elif isinstance(note, pm.Cancelled):
            for task_id in note.task_ids:
                task = self.tasks[task_id]
                if task.outcome == "pending":
                    task.outcome, task.error = "cancelled", note.why
        elif isinstance(note, pm.Notice):
            self._emit(note.kind, note.text)
        elif isinstance(note, pm.PoolStarted):
            self._started(note)
        elif isinstance(note, pm.GenerationEnded):
            self._ended(note)
        elif isinstance(note, pm.Reference):
            self.reference = note
        elif isinstance(note, pm.DriverDone):
            self._driver_done(note)

    def _emit(self, kind: str, text: str, wid: int | None = None) -> None:
        self._emit_event(wid, kind, text)

    def _call(self, task: TaskRecord) -> str:
        """'square(3)' — the call a one-item task made, for callback events."""
        item = self.items[task.first_index]
        if task.count == 1:
            return f"{self.config.task}({_brief(item)})"
        return task.label_text()

    def _delivered(self, note: pm.Delivered) -> None:
        tasks, results = self.tasks, self.results
        for task_id, values in note.parts:
            task = tasks[task_id]
            if task.delivered or task.generation != note.generation:
                continue
            task.delivered = True
            if task.outcome in ("pending", "running"):  # the tracker's TaskEnded may lag
                task.outcome = "ok"
            results.add(task.first_index, values)
            if note.via == "callback" and self.config.method == "apply_async":
                self._callbacks += 1
                if self._callbacks <= CALLBACK_EVENTS:
                    self._emit("callback", Text("callback: {call} → {value}",
                                                call=self._call(task), value=_brief(values[0])),
                               task.wid)
                else:
                    self._callbacks_uncounted += 1
        if self._callbacks_uncounted and (
                time.monotonic() - self._callbacks_counted_at >= CALLBACK_COUNT_EVERY_S):
            self._count_callbacks()
        if note.via == "callback" and self.config.method != "apply_async":
            count = sum(len(values) for _, values in note.parts)
            self._emit("callback", Text("callback: {method} delivered its list of {count} results",
                                        method=self.config.method, count=count))

    def _count_callbacks(self) -> None:
        """One event for the callbacks past the first CALLBACK_EVENTS since the last one."""
        count, self._callbacks_uncounted = self._callbacks_uncounted, 0
        self._callbacks_counted_at = time.monotonic()
        if count:
            self._emit("callback", Text(
                "callback: {count:,} more results delivered ({total:,} so far; only the first "
                "{shown} are shown one by one)", count=count, total=self._callbacks,
                shown=CALLBACK_EVENTS))

    def _error(self, note: pm.TaskError) -> None:
        task = self.tasks[note.task_id] if note.task_id is not None else None
        if task is not None and task.generation != note.generation:
            return  # from a pool already abandoned
        if task is not None:
            task.delivered = True
            task.outcome = "failed"
            task.error = task.error or note.text
        where = self._call(task) if task is not None else Text("a task")
        detail = task.error if task is not None and task.error else note.text
        method = self.config.method
        if note.via == "error_callback":
            self._emit("error_callback", Text("error_callback: {call} raised {error}",
                                              call=where, error=detail),
                       task.wid if task else None)
            return
        # A futures iterator (executor, Dask) ends at an exception; Pool.imap goes on.
        futures = self.config.backend in ("executor", "dask")
        stops = method in MAP_LIKE or (method == "imap" and futures)
        self.method_failed = self.method_failed or stops
        values = {"method": method, "call": where, "error": detail}
        if stops:
            text = Text("{method}: {call} raised {error}; the method raises here and delivers "
                        "nothing more", **values)
        else:
            text = Text("{method}: {call} raised {error}; iteration goes on past it", **values)
        self._emit("error", text, task.wid if task else None)

    def _started(self, note: pm.PoolStarted) -> None:
        config = self.config
        kind = {"executor": "ProcessPoolExecutor", "dask": "Dask"}.get(
            config.backend, "multiprocessing.Pool")
        if note.generation == 1:
            self._emit("pool", Text(
                "pool: {kind}({processes}) {method} over {items} items in {tasks} tasks "
                "(chunksize {chunksize}, start method {start_method})",
                kind=kind, processes=config.processes, method=config.method,
                items=len(self.items), tasks=len(self.tasks), chunksize=self.chunksize,
                start_method=self.start_method))
        else:
            self._emit("pool", Text("pool: rebuilt as generation {generation} for {tasks} tasks",
                                    generation=note.generation, tasks=note.tasks))

    def _ended(self, note: pm.GenerationEnded) -> None:
        generation = note.generation
        self.tracker.drain(generation)  # every stream of this generation, to the end
        mine = [t for t in self.tasks if t.generation == generation]
        if note.how == "failed":
            for task in mine:
                if task.outcome not in ("ok", "failed", "cancelled"):
                    task.outcome, task.error = "failed", note.note
            self._emit("error", Text("pool: {note}", note=note.note))
        elif self.tracker.cancelled:
            for task in self.tasks:
                if task.outcome in ("pending", "running"):
                    task.outcome, task.error = "cancelled", Text("run stopped")
                    task.ended = time.time()
        else:
            if note.how == "abandoned":
                if note.note:
                    text = Text("pool: generation {generation} abandoned ({why}): processes "
                                "killed and reaped, nothing waits on it",
                                generation=generation, why=note.note)
                else:
                    text = Text("pool: generation {generation} abandoned: processes killed and "
                                "reaped, nothing waits on it", generation=generation)
                self._emit("pool", text)
                if self._give_up(mine):
                    self.driver.finish_driver()
                    return
            self._settle(mine, abandoned=note.how == "abandoned")
        retry = [t for t in self.tasks if t.outcome == "pending"]
        if retry and not self.tracker.cancelled and note.how != "failed":
            self.submit(generation + 1, retry)
        else:
            self.driver.finish_driver()

    def _give_up(self, tasks: list[TaskRecord]) -> bool:
        """True (and every unfinished task failed) when pools keep breaking uselessly."""
        if any(t.delivered or t.outcome == "lost" for t in tasks):
            self._barren = 0
            return False
        self._barren += 1
        if self._barren < BARREN_LIMIT:
            return False
        text = Text("the pool broke {count} times in a row before finishing any task; "
                    "not rebuilding it again", count=self._barren)
        for task in self.tasks:
            if not task.delivered and task.outcome != "cancelled":
                task.outcome, task.error = "failed", text
        self._emit("error", Text("pool: {note}", note=text))
        return True

    def _settle(self, tasks: list[TaskRecord], abandoned: bool) -> None:
        """Decide what becomes of a finished generation's tasks (see the module docstring)."""
        for task in tasks:
            if task.outcome == "lost":
                if self.method_failed:
                    continue  # nothing could deliver its result any more: it stays lost
                if task.attempt >= 2:
                    task.outcome = "failed"
                    task.error = Text("lost twice, not retried again; last: {error}",
                                      error=task.error)
                    self._emit("task", Text("{task} failed: {error}", task=task.label_text(),
                                            error=task.error), task.wid)
                    continue
                task.archive("lost")
                task.attempt += 1
                self.retried += 1
                self._emit("task", Text("{task}: retrying on a rebuilt pool (attempt 2)",
                                        task=task.label_text()))
            elif task.delivered or task.outcome == "cancelled":
                continue
            elif self.method_failed:
                if task.outcome in ("pending", "running"):
                    task.outcome = "cancelled"
                    task.error = Text("the method had already raised")
            elif abandoned:
                if task.outcome != "pending":  # ran, but its result went down with the pool
                    task.archive("requeued" if task.outcome == "running" else task.outcome)
            elif task.outcome in ("pending", "running"):
                task.outcome = "failed"
                task.error = Text("no result and no report from the pool")

    def _driver_done(self, note: pm.DriverDone) -> None:
        self._count_callbacks()  # the last ones
        if self.tracker.cancelled:  # stopped between two generations: never submitted
            for task in self.tasks:
                if task.outcome in ("pending", "running"):
                    task.outcome, task.error = "cancelled", Text("run stopped")
        if note.error:
            self.driver_error = note.error
            for task in self.tasks:
                if task.outcome not in ("ok", "failed", "cancelled"):
                    task.outcome, task.error = "failed", Text("the pool driver crashed")
            self._emit("error", Text("pool: the driver thread crashed:\n{traceback}",
                                     traceback=note.error))
        self.driver.driver_done()
