"""The pool tasks of a watched program, as the task stream and summary know them (TaskRecords).

Tasks appear as pool processes report them: a finished task through the
process's ring (task_rings.py, read at every tick), a failed one or one that
runs longer than a batch also as a frame (BEGAN, DONE, RAN); the main
program reports each pool call (`PoolCall`: method, items, chunksize) and the
two are matched by the pool's job id (a Pool) or work-id range (an executor),
whichever arrives first. A pool process that ends holding a task loses it.
"""

from __future__ import annotations

import signal
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
from mpscope.core.watch.client import SLOT_FILE_SIZE, slot_path
from mpscope.core.watch.task_rings import TaskRings, held_task, ring_entries

RATE_SMOOTHING = 0.3
RATE_WINDOW = 0.5
ENDED = frozenset({"ok", "failed", "cancelled", "lost"})
KINDS = ("pool", "executor")  # the slot's kind byte


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
        self.rings: TaskRings | None = None  # set with the address
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
        if task.outcome in ENDED:  # its ring entry was read before this frame
            return
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
        ended)`: a whole task at once."""
        _, kind, pool, job, part, items, ok, error, trace, pid, started, ended = frame
        self._ran(kind, pool, job, part, items, ok, error, trace, pid, started, ended, record)

    def read_rings(self) -> int:
        """Take the tasks each pool process finished since the last call; → how many."""
        rings = self.rings
        if rings is None:
            return 0
        now, taken = time.monotonic(), 0
        for record in list(self.records.values()):
            pid = record.pid
            if pid is not None and pid not in self._settled:
                taken += self._take_ring(rings, pid, record, now)
        return taken

    def _take_ring(self, rings: TaskRings, pid: int, record: WorkerRecord | None,
                   now: float | None) -> int:
        entries = rings.take(pid, now)
        for ok, kind, pool, job, part, items, started, ended in entries:
            if ok:  # a failure's frame tells it, with its traceback (_unsent_tasks, if not)
                self._ran(KINDS[kind], pool, job, part, items, True, None, None, pid, started,
                          ended, record)
        held = rings.held(pid)
        if held is not None:
            kind, pool, job, part, items, since = held
            current = self._current.get(pid)
            if current is None or self._by_key.get((KINDS[kind], pool, job, part)) is not current:
                self.began((wm.BEGAN, KINDS[kind], pool, job, part, items, pid, since), record)
        return len(entries)

    def _ran(self, kind: str, pool: int, job: int, part: int, items: int, ok: bool,
             error: str | None, trace: str | None, pid: int, started: float, ended: float,
             record: WorkerRecord | None) -> None:
        """A whole task at once: the common case, so kept cheap."""
        key = (kind, pool, job, part)
        task = self._by_key.get(key)
        if task is not None:  # its BEGAN came first (a longer task)
            if task.outcome not in ENDED:
                self.done((wm.DONE, kind, pool, job, part, ok, error, trace, pid, ended), record)
            return
        call = self._call_of.get((kind, pool, job))
        wid = record.wid if record is not None else None
        outcome = "ok" if ok else "failed"
        task = TaskRecord(len(self.tasks), call.first_index(job, part) if call else 0, items,
                          pid, wid, started, ended, outcome, tally=self.tally,
                          columns=self.columns)
        self.tasks.append(task)
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
        if self.rings is not None:  # what it finished since the last tick, then no more
            self._take_ring(self.rings, pid, record, None)
            self.rings.close(pid)
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
        held = held_task(slot)
        if held is None:
            return None
        kind, pool, job, part, items, since = held
        return KINDS[kind], pool, job, part, items, since

    def _unsent_tasks(self, slot: bytes, pid: int, record: WorkerRecord) -> None:
        """Tasks the process finished that mpscope has not been told (a failure whose frame
        never left it, or the last ones if the rings were not read): from its slot's ring."""
        for ok, kind, pool, job, part, items, started, ended in ring_entries(slot)[1]:
            name = KINDS[kind]
            task = self._by_key.get((name, pool, job, part))
            if task is not None and task.outcome not in ("pending", "running"):
                continue  # told already: the common case
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
        if self.rings is not None:
            self.rings.close_all()

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
