"""The worker engine: starts processes, drains their channels, and owns the run's state.

Everything here is non-blocking and single-threaded: whoever owns the engine
(the headless loop, or a QTimer in the window) calls `poll(budget)` often,
and each call starts queued workers, reads channels, notices deaths and
escalates stops within its time budget. Deaths are noticed from each
process's sentinel, not by polling psutil (see channel_watch.py).

With `threaded_starts` (the window), `Process.start()` runs on a starter
thread and the poll only collects the results (see starter.py).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.connection
import signal
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from mpscope.core.engine.channel_reader import FrameReader
from mpscope.core.engine.channel_watch import ChannelWatch
from mpscope.core.engine.controls import WorkerControls
from mpscope.core.engine.endings import ending
from mpscope.core.engine.live import Live, raise_fd_limit, send_signal
from mpscope.core.engine.output_drain import OutputDrain
from mpscope.core.engine.process_tree import kill_group
from mpscope.core.engine.run_state import ErrorInfo, Event, WorkerRecord
from mpscope.core.engine.start_slots import Launching
from mpscope.core.engine.starter import START_LOCK, Starter, launch, warm_up_forkserver
from mpscope.core.engine.states import State, explain_exit
from mpscope.core.text import Text
from mpscope.core.worker import messages as m
from mpscope.core.worker.bootstrap import WorkerSpec

MESSAGES_PER_CHANNEL_PASS = 256  # fairness: no channel starves the others


class Engine(WorkerControls):
    """Runs worker processes and keeps one record per worker; drive it with `poll()`."""

    def __init__(
        self,
        start_method: str = "spawn",
        grace_seconds: float = 3.0,
        report_interval: float = 0.1,
        threaded_starts: bool = False,
    ) -> None:
        self.context = multiprocessing.get_context(start_method)
        self.start_method = start_method
        self.grace_seconds = grace_seconds
        self.report_interval = report_interval
        self.records: dict[int, WorkerRecord] = {}
        self._live: dict[int, Live] = {}
        self._start_queue: list[int] = []
        # Not under fork: forking from the starter thread while the caller's thread may
        # hold locks risks a child deadlocked on them, and a fork is fast anyway.
        self._starter = Starter() if threaded_starts and start_method != "fork" else None
        self._launching = Launching()
        self._launched: deque[tuple[int, Any, BaseException | None]] = deque()  # to collect
        self._channels = ChannelWatch()
        self._output = OutputDrain(self._on_output, self._on_output_cap)
        self._listeners: list[Callable[[Event], None]] = []
        self._next_wid = 0
        self.messages_received = 0
        self.stack_dir: str | None = None  # where workers dump their stacks (set by the Run)
        self._warm_up = warm_up_forkserver() if start_method == "forkserver" else None
        raise_fd_limit()

    # -- configuration -------------------------------------------------------
    def add_worker(
        self, task: str, args: dict[str, Any] | None = None, *, name: str, group: str = "",
        index: int = 0, daemon: bool = False, kind: str = "worker",
    ) -> WorkerRecord:
        """Add a pending worker; it starts with `start()` or `start_all()`."""
        record = WorkerRecord(
            wid=self._new_wid(), name=name, group=group or name, index=index, task=task,
            args=dict(args or {}), daemon=daemon, kind=kind,
        )
        self.records[record.wid] = record
        return record

    def _new_wid(self) -> int:
        self._next_wid += 1
        return self._next_wid

    def set_daemon(self, wid: int, daemon: bool) -> None:
        """Change `daemon`; only possible before start, as with multiprocessing."""
        record = self.records[wid]
        if record.state is not State.PENDING:
            raise ValueError(f"{record.name}: daemon can only be set before start()")
        record.daemon = daemon

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def emit(self, wid: int | None, kind: str, text: str, detail: str | None = None) -> None:
        event = Event(time.time(), wid, kind, text, detail)
        for listener in self._listeners:
            listener(event)

    # -- starting (stop, pause, terminate, kill and restart: controls.py) -----
    def start(self, wid: int) -> None:
        """Queue a pending worker to start at the next poll (starts are spread over polls)."""
        record = self.records[wid]
        if record.state is State.PENDING and wid not in self._start_queue:
            self._start_queue.append(wid)

    def start_all(self) -> None:
        for wid, record in self.records.items():
            if record.kind == "worker" and record.state is State.PENDING:
                self.start(wid)

    @property
    def busy(self) -> bool:
        """True while any worker is queued, being started or alive."""
        return bool(self._start_queue or self._launching or self._live)

    @property
    def starting(self) -> bool:
        """True while starts are queued or under way: the owner should poll often, since
        each worker's first message frees a start slot for the next one."""
        return bool(self._start_queue or self._launching)

    @property
    def backlog(self) -> bool:
        """True when a channel was cut off with messages left: poll again without waiting."""
        return self._channels.backlog

    def alive_pids(self) -> list[int]:
        return [r.pid for wid, r in self.records.items() if wid in self._live and r.pid]

    def wait_handles(self) -> list[Any]:
        """Descriptors that become ready when there is something to poll (for select)."""
        handles: list[Any] = self._output.fds()  # a full output pipe would block its writer
        for live in self._live.values():
            if not live.reader.eof:  # at EOF it stays readable until the process is reaped:
                handles.append(live.reader.fd)  # the owner's wait would return at once
            handles.append(live.process.sentinel)
        return handles

    # -- the pump ----------------------------------------------------------------
    def poll(self, budget: float = 0.005) -> int:
        """Do up to `budget` seconds of work without blocking; return messages handled."""
        deadline = time.monotonic() + budget
        if self._starter is None:
            self._start_queued(deadline)
        else:
            # One at a time from a queue: if a listener raises, the rest wait for the next poll.
            self._launched += self._starter.finished()
            while self._launched:
                wid, launched, error = self._launched.popleft()
                self._started(self.records[wid], launched, error)
        ready = self._channels.ready()
        handled = self._drain(deadline, ready)
        self._output.drain()
        self._reap(ready)
        self._escalate()
        if self._starter is not None:
            self._hand_over_starts()  # after the drain: a worker that said Started frees a slot
        return handled

    def _hand_over_starts(self) -> None:
        """Give queued starts to the starter thread, keeping MAX_STARTING workers starting."""
        assert self._starter is not None
        if self._warm_up is not None and self._warm_up.is_alive():
            return  # the fork server must be started by the warm-up: SIGINT is not blocked there
        now = time.monotonic()
        free = self._launching.free_slots(
            now, lambda wid: self.records[wid].state is State.STARTING)
        for _ in range(min(free, len(self._start_queue))):
            record = self._starting(self._start_queue.pop(0))
            self._launching.add(record.wid, now)
            self._starter.submit(record.wid, self._launcher(record))

    def _start_queued(self, deadline: float) -> None:
        if self._warm_up is not None and self._warm_up.is_alive():
            return  # the fork server is still starting; starting now would wait for it
        # The budget is checked before each start: a start can take tens of milliseconds.
        while self._start_queue and time.monotonic() < deadline:
            record = self._starting(self._start_queue.pop(0))
            try:
                launched, error = self._launcher(record)(), None
            except Exception as exc:  # noqa: BLE001 - e.g. out of processes or descriptors
                launched, error = None, exc
            self._started(record, launched, error)

    def _starting(self, wid: int) -> WorkerRecord:
        record = self.records[wid]
        record.state = State.STARTING
        record.started_at = time.time()
        return record

    def _launcher(self, record: WorkerRecord) -> Callable[[], tuple[Any, FrameReader, Any, int]]:
        """What starts the record's process: touches no engine state, so any thread may run it."""
        # A copy: the starter thread pickles it while this thread may change the record.
        spec = WorkerSpec(record.wid, record.task, dict(record.args), self.report_interval,
                          self.stack_dir)
        return functools.partial(launch, self.context, spec, record.name, record.daemon)

    def _started(self, record: WorkerRecord, launched: tuple[Any, FrameReader, Any, int] | None,
                 error: BaseException | None) -> None:
        asked = self._launching.collected(record.wid)
        if launched is None:
            error = error or RuntimeError("no process")
            record.error = ErrorInfo(type(error).__name__, " ".join(str(error).split()), "")
            self._end(record, State.FAILED,
                      Text("could not start: {error}", error=record.error.message))
            return
        live = Live(*launched)
        record.pid = live.process.pid
        self._live[record.wid] = live
        self._channels.watch(record.wid, live.reader.fd, live.process.sentinel)
        if live.output_fd >= 0:
            self._output.watch(record.wid, live.output_fd)
        try:
            self.emit(record.wid, "state",
                      Text("{name}: starting (pid {pid})", name=record.name, pid=record.pid))
        finally:
            if asked is not None:  # stop, terminate or kill was asked while it started
                getattr(self, asked)(record.wid)

    def _drain(self, deadline: float, ready: list[int]) -> int:
        """Read the channels that have data (or EOF), a batch per channel per pass."""
        lives = [(wid, self._live[wid]) for wid in self._channels.channels(ready, self._live)]
        handled = 0
        while lives and time.monotonic() < deadline:
            still_busy = []
            for at, (wid, live) in enumerate(lives):
                # The deadline is checked per channel, not per pass: a pass over many busy
                # channels is many batches, longer than the GUI thread's whole budget.
                if at and time.monotonic() >= deadline:
                    still_busy += lives[at:]
                    break
                batch = live.reader.read(MESSAGES_PER_CHANNEL_PASS)
                for message in batch:
                    self._handle(self.records[wid], live, message)
                handled += len(batch)
                if len(batch) == MESSAGES_PER_CHANNEL_PASS:
                    still_busy.append((wid, live))
                elif live.reader.eof:
                    self._channels.unwatch(live.reader.fd)  # it would stay "ready" until reaped
            lives = still_busy
        self._channels.cut_off(wid for wid, _live in lives)
        self.messages_received += handled
        return handled

    def _reap(self, ready: list[int]) -> None:
        # A start running on the starter thread polls every child: joining or closing
        # one meanwhile races with it (see START_LOCK); its sentinel stays ready, so
        # the reap simply waits for the next poll.
        if not START_LOCK.acquire(blocking=False):
            return
        try:
            for wid in self._channels.sentinels(ready, self._live):
                process = self._live[wid].process
                # The sentinel closes a moment before the exit status can be collected;
                # if it is not there yet, finish at the next poll rather than wait.
                process.join(0)
                if process.exitcode is not None:
                    # What the worker started and left in its group goes with it. Just reaped:
                    # pids are handed out in turn, so its number names no one new yet, and a
                    # group's number stays taken while any member lives.
                    kill_group(process.pid, signal.SIGKILL)
                    live = self._live.pop(wid)
                    self._channels.unwatch(live.reader.fd, process.sentinel)
                    self._finish(self.records[wid], live)
        finally:
            START_LOCK.release()

    def _escalate(self) -> None:
        now = time.monotonic()
        for wid, live in list(self._live.items()):
            if live.escalate_at is None or now < live.escalate_at:
                continue
            if live.requested == "stop":
                self.emit(wid, "state",
                          Text("{name}: did not stop in time", name=self.records[wid].name))
                self.terminate(wid)
            elif live.requested == "terminate":
                self.kill(wid)
            else:
                live.escalate_at = None

    # -- messages ----------------------------------------------------------------
    def _handle(self, record: WorkerRecord, live: Live, message: Any) -> None:
        record.received += 1
        if message.seq > record.next_seq:
            record.seq_gaps += message.seq - record.next_seq
        record.next_seq = max(record.next_seq, message.seq + 1)
        if isinstance(message, m.Progress):
            live.progress(record, message)
        elif isinstance(message, m.Log):
            for line in message.lines:
                self.emit(record.wid, "log", f"{record.name}: {line}")
            record.last_message = message.lines[-1]
        elif isinstance(message, m.Data):
            record.data_messages += 1
        elif isinstance(message, m.Started):
            record.pid = message.pid
            record.running_at = message.t
            record.stack_ready, record.stack_fd = message.stack != 0, max(0, message.stack)
            if record.state is State.STARTING:
                self._set_state(record, State.RUNNING, f"pid {message.pid}")
            elif live.requested == "stop":
                send_signal(live, signal.SIGINT)
        elif isinstance(message, m.FINAL_MESSAGES):
            live.final = message
            record.sent = message.sent
            record.peak_rss = max(record.peak_rss, message.peak_rss)

    # -- endings -----------------------------------------------------------------
    def _finish(self, record: WorkerRecord, live: Live) -> None:
        """The process is gone: read what it left, then decide how it ended."""
        for message in live.reader.drain():
            self._handle(record, live, message)
        live.reader.close()
        self._output.finish(record.wid)  # its last lines come before how it ended
        record.exitcode = live.process.exitcode
        with contextlib.suppress(ValueError):
            live.process.close()
        self._end(record, *ending(record, live.final, live.requested))
        if live.reader.truncated_bytes:
            self.emit(record.wid, "info", Text(
                "{name}: discarded a half-written message ({size} bytes) cut by its death",
                name=record.name, size=live.reader.truncated_bytes))

    def watch_output(self, wid: int, fd: int) -> None:
        """Read a process's output pipe as its lines (a pool process's; workers' are automatic)."""
        self._output.watch(wid, fd)

    def finish_output(self, wid: int) -> None:
        """The process is gone: its last lines now, before how it ended is told."""
        self._output.finish(wid)

    def _on_output(self, wid: int, line: str) -> None:
        record = self.records[wid]
        record.output.append(line)
        self.emit(wid, "output", f"{record.name}: {line}")

    def _on_output_cap(self, cap: int) -> None:
        self.emit(None, "info", Text(
            "worker output passed {size} MiB in this run: the rest is read but not kept",
            size=cap >> 20))

    def _end(self, record: WorkerRecord, state: State, detail: str) -> None:
        record.ended_at = time.time()
        if record.exitcode:
            detail = Text("{detail}; {exit}", detail=detail, exit=explain_exit(record.exitcode))
        if record.ended_because:
            detail = Text("{why}: {detail}", why=record.ended_because, detail=detail)
        record.detail = detail
        kind = "error" if state in (State.FAILED, State.LOST) else "state"
        self._set_state(record, state, detail, kind=kind,
                        extra=record.error.traceback if record.error else None)

    def _set_state(self, record: WorkerRecord, state: State, text: str, kind: str = "state",
                   extra: str | None = None) -> None:
        record.state = state
        self.emit(record.wid, kind, Text("{name}: {state} — {text}", name=record.name,
                                         state=state, text=text), extra)

    # -- blocking helpers for scripts and tests -------------------------------
    def run_until_done(self, timeout: float | None = None, tick: float = 0.05) -> bool:
        """Poll until no worker is queued or alive; True unless the timeout passed."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.busy:
            if end is not None and time.monotonic() >= end:
                return False
            self.poll(budget=0.02)
            if self.busy and not self.backlog:  # a backlog is read without waiting
                multiprocessing.connection.wait(self.wait_handles(), timeout=tick)
        return True

    def shutdown(self, grace: float | None = None) -> None:
        """Stop everything (stop → terminate → kill) and wait until every worker is gone."""
        if grace is not None:
            self.grace_seconds = grace
        for wid in list(self._start_queue):
            self._cancel_pending(self.records[wid])
        self.stop_all()
        self.run_until_done()

