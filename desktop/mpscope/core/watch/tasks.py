"""The pool tasks of a watched program, as the task stream and summary know them (TaskRecords).

Tasks appear as pool processes report them (`TaskBegan`, `TaskDone`); the main
program reports each pool call (`PoolCall`: method, items, chunksize) and the
two are matched by the pool's job id (a Pool) or work-id range (an executor),
whichever arrives first. A pool process that ends holding a task loses it.
"""

from __future__ import annotations

import signal
import struct
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import explain_exit
from mpscope.core.pool.figures import _si
from mpscope.core.pool.plan import Tally, TaskColumns, TaskRecord
from mpscope.core.text import Text
from mpscope.core.watch import messages as wm
from mpscope.core.watch.client import (
    FINISHED,
    FINISHED_COUNT,
    RING_AT,
    RING_SIZE,
    SLOT,
    SLOT_FILE_SIZE,
    slot_path,
)

RATE_SMOOTHING = 0.3
RATE_WINDOW = 0.5


@dataclass(eq=False)
class PoolCallRecord:
    """One call of a pool method: its items (None: unknown) and the tasks that ran for it."""

    kind: str
    pool: int
    method: str
    first: int
    last: int
    items: int | None
    chunksize: int
    t: float
    tasks: list[TaskRecord] = field(default_factory=list)

    def covers(self, kind: str, pool: int, job: int) -> bool:
        return self.kind == kind and self.pool == pool and self.first <= job < self.last

    def first_index(self, job: int, index: int) -> int:
        """The first item of a task: chunks of `chunksize` items, in order."""
        position = index if self.kind == "pool" else job - self.first
        return position * self.chunksize if self.method not in ("apply_async", "submit") else 0


class WatchedSetup(NamedTuple):
    """What the pool panel shows of a pool's setup; a watched program's pools are its own."""

    method: str = "watched"
    backend: str = "program"
    chunksize: int = 1
    processes: int = 0
    task: str = "the program's own"
    maxtasksperchild: int | None = None


class WatchedPools:
    """Every pool task of a watched program; duck-types the parts of PoolRun views read."""

    items: tuple[Any, ...] = ()  # the items are the program's: mpscope never sees them
    star = False
    chunksize = 1

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.tally = Tally()
        self.columns = TaskColumns()  # the tasks' times and peaks, no object per value
        self.tasks: list[TaskRecord] = []
        self.calls: list[PoolCallRecord] = []
        self.rate = 0.0
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self._by_key: dict[tuple[str, int, int, int], TaskRecord] = {}
        self._call_of: dict[tuple[str, int, int], PoolCallRecord] = {}  # (kind, pool, job)
        self._unmatched: dict[tuple[str, int, int], list[tuple[int, TaskRecord]]] = {}
        self._current: dict[int, TaskRecord] = {}  # pid → the task it runs now
        self._ended: dict[int, WorkerRecord] = {}  # pid → its row, once the process ended
        self._closed: set[int] = set()  # pids whose streams were read to the end
        self._settled: set[int] = set()  # pids whose held task was decided
        self.address: str | None = None  # mpscope's socket (task slots are beside it)
        self._spent: dict[int, float] = {}  # wid → seconds in ended tasks
        self._rate_mark: tuple[float, int] | None = None
        self.records: dict[int, WorkerRecord] = {}  # wid → pool process rows (as Tracker's)
        self.tracker = self  # PoolRun's views read `pool.tracker.records`

    # -- frames -------------------------------------------------------------------------
    def call(self, frame: wm.PoolCall) -> None:
        call = PoolCallRecord(frame.kind, frame.pool, frame.method, frame.first, frame.last,
                              frame.items, max(1, frame.chunksize), frame.t)
        self.calls.append(call)
        for job in range(frame.first, frame.last):
            self._call_of[(frame.kind, frame.pool, job)] = call
            # Tasks that began before their call was reported (another process's stream).
            for index, task in self._unmatched.pop((frame.kind, frame.pool, job), []):
                call.tasks.append(task)
                task.first_index = call.first_index(job, index)
        if frame.method in ("apply_async", "submit"):
            return  # one item each: a line per call would flood the events
        self.engine.emit(None, "pool", Text(
            "pool: {method} of {items} item(s), chunksize {chunksize}", method=frame.method,
            items="?" if frame.items is None else frame.items, chunksize=call.chunksize))

    def began(self, frame: tuple[Any, ...], record: WorkerRecord | None) -> None:
        """A task frame `(BEGAN, kind, pool, job, part, items, pid, t)` (see messages.py)."""
        _, kind, pool, job, part, items, pid, t = frame
        task = self._task(kind, pool, job, part, items)
        task.pid, task.started, task.ended = pid, t, None
        task.wid = record.wid if record is not None else None
        if task.outcome == "pending":
            task.outcome = "running"
        self._current[pid] = task
        if record is not None:
            if record.wid not in self._spent:
                self.records[record.wid] = record
                self._spent[record.wid] = 0.0
            record.note = task.label()
        self.started_at = self.started_at or t

    def done(self, frame: tuple[Any, ...], record: WorkerRecord | None) -> None:
        """A task frame `(DONE, kind, pool, job, part, ok, error, traceback, pid, t)`."""
        _, kind, pool, job, part, ok, error, trace, pid, t = frame
        task = self._task(kind, pool, job, part, 1)
        task.ended = t
        if task.started is None:
            task.started, task.pid = t, pid
        task.outcome = "ok" if ok else "failed"
        if self._current.get(pid) is task:
            del self._current[pid]
        if record is not None:
            record.note = None
            if record.wid in self._spent:
                self._spent[record.wid] += max(0.0, t - task.started)
            if ok:
                record.done += 1
        self.ended_at = t
        if not ok:
            task.error, task.traceback = error, trace
            self.engine.emit(task.wid, "task", Text("{task} failed: {error}",
                                                    task=task.label_text(), error=error), trace)

    def ran(self, frame: tuple[Any, ...], record: WorkerRecord | None) -> None:
        """A task frame `(RAN, kind, pool, job, part, items, ok, error, traceback, pid, started,
        ended)`: a whole short task at once, the common case, so kept cheap."""
        _, kind, pool, job, part, items, ok, error, trace, pid, started, ended = frame
        call = self._call_of.get((kind, pool, job))
        wid = record.wid if record is not None else None
        outcome = "ok" if ok else "failed"
        task = TaskRecord(len(self.tasks), call.first_index(job, part) if call else 0, items,
                          pid, wid, started, ended, outcome, tally=self.tally,
                          columns=self.columns)
        self.tasks.append(task)
        key = (kind, pool, job, part)
        self._by_key[key] = task
        if call is not None:
            call.tasks.append(task)
        else:
            self._unmatched.setdefault((kind, pool, job), []).append((part, task))
        if record is not None:
            if record.wid not in self._spent:
                self.records[record.wid] = record
                self._spent[record.wid] = 0.0
            self._spent[record.wid] += max(0.0, ended - started)
            record.note = None
            if ok:
                record.done += 1
        self.started_at = self.started_at or started
        self.ended_at = ended
        if not ok:
            task.error, task.traceback = error, trace
            self.engine.emit(wid, "task", Text("{task} failed: {error}",
                                               task=task.label_text(), error=error), trace)

    def process_ended(self, record: WorkerRecord) -> None:
        """A process ended; once its stream is read to the end too, a task it held is lost."""
        if record.pid is not None:
            self._ended[record.pid] = record
            self._lose(record.pid)

    def stream_closed(self, pid: int) -> None:
        """A process's stream reached its end: every frame it sent has been read."""
        self._closed.add(pid)
        self._lose(pid)

    def _lose(self, pid: int, force: bool = False) -> None:
        record = self._ended.get(pid)
        if record is None or pid in self._settled or not (force or pid in self._closed):
            return
        self._settled.add(pid)
        slot = self._read_slot(pid)
        self._unsent_tasks(slot, pid, record)
        task = self._current.pop(pid, None)
        held = self._slot_task(slot)  # what it held, even if that frame never left it
        if held is not None:
            task = self._task(*held[:5])
            if task.pid is None:
                task.pid, task.wid, task.started = pid, record.wid, held[5]
        if task is None or task.outcome not in ("pending", "running"):
            return
        how = explain_exit(record.exitcode) if record.exitcode is not None else Text(
            "exit status unknown")
        task.ended = time.time()
        if record.exitcode == -signal.SIGTERM:  # the program ended it (terminate(), a broken
            task.outcome = "cancelled"  # executor stopping the survivors): not a crash
            task.error = Text("cancelled: pool process pid {pid} was terminated while running "
                              "it", pid=pid)
            return
        task.outcome = "lost"
        task.error = Text("lost: pool process pid {pid} died ({how})", pid=pid, how=how)
        self.engine.emit(task.wid, "task", Text("{task} lost: pool process pid {pid} died "
                                                "({how})", task=task.label_text(), pid=pid,
                                                how=how))

    def _read_slot(self, pid: int) -> bytes:
        """A dead process's slot file (see client.SLOT); empty when it never held a task."""
        if self.address is None:
            return b""
        try:
            with open(slot_path(self.address, pid), "rb") as handle:
                return handle.read(SLOT_FILE_SIZE)
        except OSError:
            return b""

    @staticmethod
    def _slot_task(slot: bytes) -> tuple[str, int, int, int, int, float] | None:
        """The task a dead process's slot says it was running (see client.hold_task)."""
        try:
            running, kind, pool, job, part, items, since = SLOT.unpack_from(slot)
        except struct.error:
            return None
        if not running:
            return None
        return ("pool" if kind == 0 else "executor"), pool, job, part, items, since

    def _unsent_tasks(self, slot: bytes, pid: int, record: WorkerRecord) -> None:
        """Tasks the process finished whose frames never left it (the pool terminated it
        while they waited for their batch): from the ring in its slot."""
        if len(slot) < SLOT_FILE_SIZE:
            return
        (count,) = FINISHED_COUNT.unpack_from(slot, SLOT.size)
        for number in range(max(0, count - RING_SIZE), count):
            ok, kind, pool, job, part, items, started, ended = FINISHED.unpack_from(
                slot, RING_AT + (number % RING_SIZE) * FINISHED.size)
            name = "pool" if kind == 0 else "executor"
            task = self._by_key.get((name, pool, job, part))
            if task is not None and task.outcome not in ("pending", "running"):
                continue  # its frame came: the common case
            error = None if ok else "failed (its traceback never left the process)"
            if task is None:
                self.ran((wm.RAN, name, pool, job, part, items, bool(ok), error, None, pid,
                          started, ended), record)
            else:
                self.done((wm.DONE, name, pool, job, part, bool(ok), error, None, pid, ended),
                          record)

    def finish(self) -> None:
        """The run is over and every stream read: tasks held by ended processes are lost."""
        for pid in list(self._ended):
            self._lose(pid, force=True)

    def _task(self, kind: str, pool: int, job: int, index: int, items: int) -> TaskRecord:
        key = (kind, pool, job, index)
        task = self._by_key.get(key)
        if task is None:
            call = self._call_of.get((kind, pool, job))
            first = call.first_index(job, index) if call is not None else 0
            task = TaskRecord(len(self.tasks), first, items, tally=self.tally,
                              columns=self.columns)
            self.tasks.append(task)
            self._by_key[key] = task
            if call is not None:
                call.tasks.append(task)
            else:
                self._unmatched.setdefault((kind, pool, job), []).append((index, task))
        return task

    # -- figures (the names PoolRun's views read) -----------------------------------------
    @property
    def items_total(self) -> int:
        """Items of every call whose iterable has a length."""
        return sum(c.items or 0 for c in self.calls)

    @property
    def items_done(self) -> int:
        return self.tally.items["ok"]

    busy = False  # set by the run while the program runs

    @property
    def config(self) -> WatchedSetup:
        methods = sorted({c.method for c in self.calls}) or ["watched"]
        names = {"pool": "Pool", "executor": "ProcessPoolExecutor"}  # API names: not translated
        kinds = sorted({names[c.kind] for c in self.calls}) or ["Pool"]
        return WatchedSetup(method=", ".join(methods), backend=", ".join(kinds),
                            processes=len(self.records))

    @property
    def duration(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    def kill(self) -> None:
        """Nothing: the program owns its pools (Kill all ends the whole program instead)."""

    @property
    def succeeded(self) -> bool:
        return self.tally.tasks["failed"] == 0 and self.tally.tasks["lost"] == 0

    def counts(self) -> dict[str, int]:
        tally = self.tally.tasks
        return {"pending": tally["pending"], "running": tally["running"], "done": tally["ok"],
                "failed": tally["failed"], "lost": tally["lost"], "retried": 0,
                "cancelled": tally["cancelled"]}

    def working_time(self, wid: int, now: float) -> float:
        current = next((t for t in self._current.values() if t.wid == wid), None)
        running = now - current.started if current is not None and current.started else 0.0
        return self._spent.get(wid, 0.0) + max(0.0, running)

    def insights(self) -> dict[int, tuple[float, float, float]]:
        """wid → (startup_s, waiting_s, working_s) for every pool process."""
        now, split = time.time(), {}
        for wid, record in self.records.items():
            if record.started_at is None:
                continue
            startup = max(0.0, (record.running_at or now) - record.started_at)
            working = self.working_time(wid, now)
            alive = max(0.0, (record.ended_at or now) - record.started_at)
            split[wid] = (startup, max(0.0, alive - startup - working), working)
        return split

    def update_rate(self) -> None:
        now = time.monotonic()
        if self._rate_mark is not None and now - self._rate_mark[0] < RATE_WINDOW:
            return
        done = self.items_done
        if self._rate_mark is not None:
            then, before = self._rate_mark
            instant = (done - before) / (now - then)
            self.rate += RATE_SMOOTHING * (instant - self.rate) if self.rate else instant
        self._rate_mark = (now, done)

    def call_summaries(self) -> list[dict[str, Any]]:
        out = []
        for call in self.calls:
            done = sum(t.count for t in call.tasks if t.outcome == "ok")
            out.append({"kind": call.kind, "method": call.method, "items": call.items,
                        "items_done": done, "chunksize": call.chunksize,
                        "tasks": len(call.tasks)})
        return out

    def summary(self) -> dict[str, Any]:
        """The `pool` object of the run summary."""
        counts = self.counts()
        pids = sorted({t.pid for t in self.tasks if t.pid is not None})
        return {"backend": "watched", "calls": self.call_summaries(), "tasks": len(self.tasks),
                "done": counts["done"], "failed": counts["failed"], "lost": counts["lost"],
                "running": counts["running"], "items": self.items_total,
                "items_done": self.items_done, "pids": pids}

    def summary_line(self) -> str:
        counts = self.counts()
        return Text("pool tasks: {tasks} — {done} ok, {failed} failed, {lost} lost · "
                    "{items_done:,}/{items_total:,} items in {calls} call(s) · {pids} pids",
                    tasks=len(self.tasks), done=counts["done"], failed=counts["failed"],
                    lost=counts["lost"], items_done=self.items_done,
                    items_total=self.items_total, calls=len(self.calls),
                    pids=len({t.pid for t in self.tasks if t.pid is not None}))

    def progress_text(self) -> str:
        done, total = self.items_done, self.items_total
        share = f" ({100 * done // total}%)" if total else ""
        return f"pool {done:,}/{total:,}{share} {_si(self.rate)}/s"
