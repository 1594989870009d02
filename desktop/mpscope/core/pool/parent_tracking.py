"""Caller-thread tracking: frames from pool processes become task and process records.

A pool process's stream ends when the process exits. How it ended decides
what happens to the task it held:
* *retired*: it said `Bye` and held no task (maxtasksperchild, pool closed);
* *primary death*: it died on its own (or on the user's request) — its task
  is lost, and its pool is broken (the stdlib would wait forever on it);
* *collateral*: mpscope (or the executor) killed it while abandoning a broken
  pool — its task is requeued, not counted as lost;
* *cancelled*: the run was stopped — its task is cancelled.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

import psutil

from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State, explain_exit
from mpscope.core.insight.oom import oom_killed
from mpscope.core.pool import messages as pm
from mpscope.core.pool.book import ProcessBook, alive, returncode
from mpscope.core.pool.listener import Connection, Listener
from mpscope.core.pool.plan import TaskRecord
from mpscope.core.pool.task_slot import IDLE, read_slot
from mpscope.core.text import Text

FRAMES_PER_PASS = 256  # per connection and pass: fairness between pool processes
ACCEPT_EVERY = 20  # polls; otherwise accept only while a known process has not said Hello
EXIT_CODE_WAIT = 0.5  # seconds to wait after EOF for the exit code (the process is exiting)


class Tracker:
    """Reads pool processes' streams, updates TaskRecords and pool-process WorkerRecords."""

    def __init__(self, engine: Engine, task: str, tasks: list[TaskRecord], book: ProcessBook,
                 listener: Listener, on_broken: Callable[[int], None]) -> None:
        self.engine = engine
        self.task = task
        self.tasks = tasks
        self.book = book
        self.listener = listener
        self.on_broken = on_broken  # called once per generation found broken
        self.broken: set[int] = set()
        self.cancelled = False
        self.requested: dict[int, str] = {}  # pid → "terminate" | "kill", asked by the user
        self.losses = 0
        self.records: dict[int, WorkerRecord] = {}  # wid → record, pool processes only
        self._spent: dict[int, float] = {}  # wid → seconds in tasks that have ended
        self._current: dict[int, TaskRecord] = {}  # wid → the task it runs now
        self._settled: set[int] = set()  # pids that said Hello, or whose silent death was seen
        self._unheard: dict[int, int] = {}  # wid → pid: said Hello, output pipe not taken yet
        self._polls = 0

    # -- reading ------------------------------------------------------------------------
    def pump(self, deadline: float) -> int:
        """Accept, read and classify within the deadline; return frames handled."""
        silent = self._silent_deaths()  # before accepting, so a late Hello is still seen
        self._polls += 1
        if silent or self._polls % ACCEPT_EVERY == 0 or any(
            pid not in self._settled for pid in self.book.pids()
        ):
            self.listener.accept()
        handled = 0
        busy = self.listener.ready()
        while busy:
            still = []
            for connection in busy:
                frames = connection.read(FRAMES_PER_PASS)
                for frame in frames:
                    self._handle(connection, frame)
                handled += len(frames)
                if len(frames) == FRAMES_PER_PASS:
                    still.append(connection)
            busy = still if time.monotonic() < deadline else []
        self._take_outputs()
        self.classify()
        for process in silent:
            if process.pid not in self._settled:
                self._silent(process)
        return handled

    def _silent_deaths(self) -> list[Any]:
        """Pool processes that exited without ever connecting (their start-up failed?)."""
        return [p for p in self.book.all() if p.pid not in self._settled and not alive(p)]

    def _silent(self, process: Any) -> None:
        self._settled.add(process.pid)
        generation = self.book.generation_of(process.pid)
        if self.cancelled or generation in self.broken or self.book.killed_by_us(process.pid):
            return
        code = returncode(process)
        how = explain_exit(code) if code is not None else Text("exit status unknown")
        self.engine.emit(None, "error", Text(
            "pool: process pid {pid} ended before it could be tracked ({how}): its start-up "
            "failed? The stdlib would start another forever; the pool is abandoned",
            pid=process.pid, how=how))
        self.broken.add(generation)
        self.on_broken(generation)

    def drain(self, generation: int) -> None:
        """Read a generation's streams to the end (its processes are all reaped) and classify."""
        for _ in range(3):  # a process can connect and die between two accepts
            self.listener.accept()
            for connection in self.listener.open_connections():
                for frame in connection.read(1 << 30):
                    self._handle(connection, frame)
        self.classify(force=True)

    def _handle(self, connection: Connection, frame: Any) -> None:
        if isinstance(frame, pm.Hello):
            self._on_hello(connection, frame)
        elif isinstance(frame, pm.Reports):
            self._on_reports(connection, frame)
        elif isinstance(frame, pm.Bye):
            connection.bye = True

    def _on_hello(self, connection: Connection, hello: pm.Hello) -> None:
        connection.pid, connection.generation = hello.pid, hello.generation
        self._settled.add(hello.pid)
        index = len(self.records)
        record = self.engine.add_worker(
            self.task, kind="pool", name=f"pool-{index}", group="pool", index=index
        )
        connection.wid = record.wid
        self.records[record.wid] = record
        self._spent[record.wid] = 0.0
        record.pid, record.state, record.running_at = hello.pid, State.RUNNING, hello.t
        record.stack_ready, record.stack_fd = hello.stack != 0, max(0, hello.stack)
        record.started_at = _created(hello.pid, hello.t)
        self._unheard[record.wid] = hello.pid
        self._take_outputs()
        self.engine.emit(record.wid, "state", Text(
            "{name}: running (pid {pid}, pool generation {generation})",
            name=record.name, pid=hello.pid, generation=hello.generation))

    def _take_outputs(self) -> None:
        """Read each pool process's stdout and stderr as its output lines.

        Its pipe is handed over once the pool's thread has seen the start return,
        which may be a moment after the process said Hello."""
        for wid, pid in list(self._unheard.items()):
            fd = self.book.take_output(pid)
            if fd is not None:
                self.engine.watch_output(wid, fd)
                del self._unheard[wid]

    def _task(self, connection: Connection, task_id: int) -> TaskRecord | None:
        """The task a frame is about, unless the frame is stale (from an abandoned generation)."""
        if not 0 <= task_id < len(self.tasks):
            return None
        task = self.tasks[task_id]
        return task if task.generation == connection.generation else None

    def _on_reports(self, connection: Connection, frame: pm.Reports) -> None:
        for task_id, started, ended, peak_rss, error, trace in frame.ended:
            task = self._task(connection, task_id)
            if task is not None:
                self._ran(connection, task, started, ended, peak_rss, error, trace)
        if frame.running is not None:
            task = self._task(connection, frame.running[0])
            if task is not None:
                self._began(connection, task, frame.running[1])

    def _began(self, connection: Connection, task: TaskRecord, started: float) -> None:
        task.pid, task.wid, task.started = connection.pid, connection.wid, started
        if task.outcome == "pending":  # a delivered result may have arrived first
            task.outcome = "running"
        if connection.wid in self.records:
            self.records[connection.wid].note = task.label()
            self._current[connection.wid] = task

    def _ran(self, connection: Connection, task: TaskRecord, started: float, ended: float,
             peak_rss: int, error: str | None, trace: str | None) -> None:
        task.pid, task.wid = connection.pid, connection.wid
        task.started, task.ended = started, ended
        if peak_rss:
            task.peak_rss = peak_rss
        outcome = "ok" if error is None else "failed"
        if task.outcome in ("pending", "running"):
            task.outcome = outcome
        if error:
            task.error, task.traceback = error, trace
        record = self.records.get(connection.wid or -1)
        if record is not None:
            if self._current.get(record.wid) is task:
                record.note = None
                del self._current[record.wid]
            record.peak_rss = max(record.peak_rss, peak_rss)
            self._spent[record.wid] += max(0.0, ended - started)
            if outcome == "ok":
                record.done += 1

    def _close_span(self, wid: int | None, started: float | None, ended: float) -> None:
        if wid is None or wid not in self._spent:
            return
        self._current.pop(wid, None)
        if started is not None:
            self._spent[wid] += max(0.0, ended - started)

    def working_time(self, wid: int, now: float) -> float:
        """Seconds this pool process spent running tasks (the running one included)."""
        current = self._current.get(wid)
        running = now - current.started if current is not None and current.started else 0.0
        return self._spent.get(wid, 0.0) + max(0.0, running)

    def total_working(self) -> float:
        """Seconds all pool processes together spent in tasks that have ended."""
        return sum(self._spent.values())

    # -- endings ------------------------------------------------------------------------
    def classify(self, force: bool = False) -> None:
        """Decide how every ended stream's process ended, in a sensible order."""
        now = time.monotonic()
        ended = [c for c in self.listener.connections if c.eof_at is not None and not c.decided]
        ready = []
        for connection in ended:
            assert connection.eof_at is not None
            waited = force or now - connection.eof_at >= EXIT_CODE_WAIT
            code = self._exitcode(connection, reap=waited)  # reap only if no one else did
            if code is None and not waited:
                return  # decide a generation's deaths together, once their exit codes are in
            ready.append((connection, code))
        # The user's kills and real crashes first: the executor SIGTERMs the survivors
        # of a death itself, and those must count as collateral, not as more deaths.
        # Among exits alike (exit codes a racing reaper left unknown), one that died
        # holding a task is the likelier cause.
        ready.sort(key=lambda pair: (pair[0].pid not in self.requested,
                                     pair[1] == -signal.SIGTERM,
                                     self._held(pair[0]) is None, pair[0].eof_at))
        for connection, code in ready:
            self._decide(connection, code)

    def _exitcode(self, connection: Connection, reap: bool) -> int | None:
        if connection.pid is None:
            return None
        return self.book.exitcode(connection.pid, reap=reap)

    def _decide(self, connection: Connection, code: int | None) -> None:
        connection.decided = True
        pid = connection.pid
        current = self._held(connection)
        held = [current] if current is not None else []
        record = self.records.get(connection.wid or -1)
        for task in held:
            self._close_span(task.wid, task.started, time.time())
        self._current.pop(connection.wid or -1, None)  # reports lost with the process: stale
        how = explain_exit(code) if code is not None else Text("exit status unknown")
        if self.cancelled:
            for task in held:
                task.outcome, task.error = "cancelled", Text("run stopped")
                task.ended = time.time()
            self._end(record, code, _state(code, State.STOPPED), Text("stopped with the pool"))
        elif connection.bye and not held:
            self._end(record, code, State.FINISHED, Text("retired: exited normally"))
        elif pid is not None and (pid in self.requested or not self._abandoning(connection)):
            self._primary(connection, record, held, code, how)
        else:
            for task in held:
                task.archive("requeued")
            self._end(record, code, _state(code, State.KILLED), Text(
                "killed by mpscope: its pool was abandoned after another process died"))

    def _held(self, connection: Connection) -> TaskRecord | None:
        """The task the ended process was running: its slot says, else its last reports."""
        # A pool process runs one task at a time; its reports of the last FLUSH_S died
        # with it, but the slot was written before the task began.
        task = self._current.get(connection.wid or -1)
        slot = read_slot(self.listener.directory, connection.pid) if connection.pid else None
        if slot is not None:
            task_id, since = slot
            task = self._task(connection, task_id) if task_id != IDLE else None
            if task is not None and task.outcome == "pending" and not task.delivered:
                self._began(connection, task, since)
        if task is None or task.outcome != "running" or task.generation != connection.generation:
            return None
        return task

    def _abandoning(self, connection: Connection) -> bool:
        pid = connection.pid
        return connection.generation in self.broken or (
            pid is not None and self.book.killed_by_us(pid))

    def _primary(self, connection: Connection, record: WorkerRecord | None,
                 held: list[TaskRecord], code: int | None, how: str) -> None:
        pid = connection.pid
        who = {"kill": Text("killed on request"), "terminate": Text("terminated on request")}.get(
            self.requested.get(pid or -1, ""), Text("died"))
        if code == -signal.SIGKILL and pid not in self.requested and oom_killed(pid):
            who = Text("was killed by the kernel's OOM killer (out of memory)")
        for task in held:
            self.losses += 1
            task.outcome, task.ended = "lost", time.time()
            task.error = Text("lost: pool process pid {pid} {who} ({how})", pid=pid, who=who,
                              how=how)
            again = (Text("it will be retried once") if task.attempt == 1
                     else Text("it was already retried"))
            self.engine.emit(task.wid, "task", Text(
                "{task} lost: pool process pid {pid} {who} ({how}); {again}",
                task=task.label_text(), pid=pid, who=who, how=how, again=again))
        state = _state(code, State.LOST)
        if held:  # one at most: a pool process runs one task at a time
            detail = Text("{who} ({how}) holding {task}", who=who, how=how,
                          task=held[0].label_text())
        else:
            detail = Text("{who} ({how}) holding no task (it was idle)", who=who, how=how)
        self._end(record, code, state, detail, kind="error")
        if connection.generation not in self.broken:
            self.broken.add(connection.generation)
            self.on_broken(connection.generation)

    def _end(self, record: WorkerRecord | None, code: int | None, state: State, detail: str,
             kind: str = "state") -> None:
        if record is None:
            return
        self._take_outputs()
        self._unheard.pop(record.wid, None)
        self.engine.finish_output(record.wid)  # its last lines come before how it ended
        if record.ended_because:
            detail = Text("{why}: {detail}", why=record.ended_because, detail=detail)
        record.exitcode, record.state, record.detail = code, state, detail
        record.ended_at, record.note = time.time(), None
        self.engine.emit(record.wid, kind, Text("{name}: {state} — {text}", name=record.name,
                                                state=state, text=detail))


def _state(code: int | None, otherwise: State) -> State:
    if code == -signal.SIGKILL:
        return State.KILLED
    if code == -signal.SIGTERM:
        return State.TERMINATED
    return otherwise


def _created(pid: int, fallback: float) -> float:
    """When the process was created (for start-up time); the Hello time if unknown."""
    try:
        return min(float(psutil.Process(pid).create_time()), fallback)
    except psutil.Error:
        return fallback
