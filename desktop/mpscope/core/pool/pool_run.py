"""PoolRun: the `[pool]` of a run, driven by `poll()` on the caller's (GUI) thread."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import time
from typing import TYPE_CHECKING, Any

from mpscope.core.engine.engine import Engine
from mpscope.core.pool import figures
from mpscope.core.pool.book import ProcessBook
from mpscope.core.pool.driver import Driver
from mpscope.core.pool.listener import Listener
from mpscope.core.pool.notes import NoteHandler
from mpscope.core.pool.parent_tracking import Tracker
from mpscope.core.pool.plan import (
    STAR,
    Tally,
    TaskRecord,
    chunk_of,
    effective_chunksize,
    make_tasks,
)
from mpscope.core.pool.result_list import ResultList
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig
    from mpscope.core.pool.dask_driver import DaskDriver
    from mpscope.core.pool.dask_tracking import DaskTracker

RATE_SMOOTHING = 0.3
RATE_WINDOW = 0.5  # seconds between rate samples
CLOSE_GRACE = 2.0  # after the driver ends, streams still open this long are closed anyway


class PoolRun:
    """Runs the configured pool beside the workers; every method here is non-blocking."""

    def __init__(self, config: PoolConfig, engine: Engine, start_method: str) -> None:
        self._init_common(config, engine, start_method)
        self._listener = Listener()
        self._book = ProcessBook()
        self._driver: Driver | DaskDriver = Driver(
            config, start_method, self._listener.address, self._book, self._put)
        self.tracker: Tracker | DaskTracker = Tracker(
            engine, config.task, self.tasks, self._book, self._listener, self._driver.mark_broken)
        self.handler = NoteHandler(
            config, self.tasks, self.items, self.results, chunksize=self.chunksize,
            start_method=start_method, tracker=self.tracker, emit=engine.emit, driver=self)

    def _init_common(self, config: PoolConfig, engine: Engine, start_method: str) -> None:
        """What every backend's run keeps: tasks, results, the note queue and its wake-up pipe."""
        self.config = config
        self.engine = engine
        self.start_method = start_method
        self.items = config.item_list
        self.items_total = len(self.items)
        self.chunksize = effective_chunksize(
            config.method, config.backend, self.items_total, config.processes, config.chunksize
        )
        self.tally = Tally()
        self.tasks: list[TaskRecord] = make_tasks(self.items_total, self.chunksize, self.tally)
        self.results = ResultList()  # compact: a million results cost their values
        self.rate = 0.0
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self._notes: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self.stack_dir: str | None = None  # where pool processes dump stacks (set before start)
        self._driver_done_at: float | None = None
        self._closed = False
        self._rate_mark: tuple[float, int] | None = None
        self._woken = False

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Start the driver thread with every task as generation 1 (returns at once)."""
        self.started_at = time.time()
        self._driver.stack_dir = self.stack_dir
        self._driver.start()
        if self.tasks:
            self.handler.submit(1, self.tasks)
        else:
            self.engine.emit(None, "pool", Text("pool: no items, nothing to run"))
            self._driver.finish()

    def poll(self, budget: float) -> int:
        """Read frames and driver notes for up to `budget` seconds; never blocks."""
        if self.started_at is None or self._closed:
            return 0
        deadline = time.monotonic() + budget
        if self._woken:  # a system call only when the driver did write
            self._clear_wake()
            self._woken = False  # after the read: a note put meanwhile is read below
        handled = self.tracker.pump(deadline)
        while time.monotonic() < deadline or not handled:
            try:
                note = self._notes.get_nowait()
            except queue.Empty:
                break
            self.handler.handle(note)
            handled += 1
        if not self._notes.empty():
            self._wake()  # notes left for lack of time: the owner's wait must not sleep on them
        self._update_rate()
        self._maybe_close()
        return handled

    @property
    def busy(self) -> bool:
        """True from start() until every task has ended and every pool process is gone."""
        return self.started_at is not None and not self._closed

    @property
    def succeeded(self) -> bool:
        """Every task ended ok (a task lost once and then retried successfully counts as ok)."""
        return (not self.handler.method_failed and not self.handler.driver_error
                and self.tally.tasks["ok"] == len(self.tasks))

    def wait_handles(self) -> list[Any]:
        """Descriptors to wait on: the listener, every open stream and the driver's wake-up pipe."""
        if self._closed:
            return []
        handles: list[Any] = [self._wake_r]
        if (fd := self._listener.fileno()) is not None:
            handles.append(fd)
        handles += [c.reader.fd for c in self._listener.open_connections()]
        return handles

    def stop(self) -> None:
        """Cancel: submit nothing more, kill the pool; tasks not finished become "cancelled"."""
        if self.started_at is None or self._closed or self.tracker.cancelled:
            return
        self.tracker.cancelled = True
        self._driver.cancel.set()
        self.engine.emit(None, "pool", Text("pool: stopping — unfinished tasks are cancelled"))

    def kill(self) -> None:
        """SIGKILL every pool process now (and stop the pool)."""
        self.stop()
        for pid in self._book.pids():
            self._book.mark_killed([pid])
            self._book.signal(pid, signal.SIGKILL)

    def signal_process(self, wid: int, how: str) -> None:
        """Terminate or kill one pool process; the task it held is lost and retried."""
        record = self.tracker.records.get(wid)
        if record is None or record.pid is None or not record.state.is_alive:
            return
        signum = signal.SIGKILL if how == "kill" else signal.SIGTERM
        self.tracker.requested[record.pid] = "kill" if how == "kill" else "terminate"
        if self._book.signal(record.pid, signum):
            self.engine.emit(wid, "state", Text("{name}: {signal} sent", name=record.name,
                                                signal=signal.Signals(signum).name))

    def pause_process(self, wid: int, pause: bool) -> None:
        """SIGSTOP (pause) or SIGCONT one pool process with everything it started."""
        record = self.tracker.records.get(wid)
        if record is None or record.pid is None or not record.state.is_alive:
            return
        signum = signal.SIGSTOP if pause else signal.SIGCONT
        if self._book.signal(record.pid, signum):  # the book signals the process's tree
            self.engine.emit(wid, "state", Text("{name}: {signal} sent", name=record.name,
                                                signal=signal.Signals(signum).name))

    def send_signal(self, wid: int, signum: int) -> bool:
        """Send a signal to one running pool process (never to a reaped one); True when sent."""
        record = self.tracker.records.get(wid)
        if record is None or record.pid is None or not record.state.is_alive:
            return False
        return self._book.signal(record.pid, signum)

    # -- figures -----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Tasks by outcome: pending, running, done, failed, lost, retried, cancelled."""
        return figures.counts(self.tally, self.tracker.losses, self.handler.retried)

    @property
    def items_done(self) -> int:
        """Items in tasks that ended ok."""
        return self.tally.items["ok"]

    def insights(self) -> dict[int, tuple[float, float, float]]:
        """wid → (startup_s, waiting_s, working_s) for every pool process."""
        return figures.insights(self.tracker)

    def summary(self) -> dict[str, Any]:
        """The `pool` object of the run summary."""
        return figures.summary(self.figures_now())

    def summary_line(self) -> str:
        """One line for the terminal table."""
        return figures.summary_line(self.figures_now())

    def progress_text(self) -> str:
        """E.g. 'pool 3,400/10,000 (34%) 1.2k/s'."""
        return figures.progress_text(self.items_done, self.items_total, self.rate)

    def figures_now(self) -> figures.PoolFigures:
        """Everything the summary object and the summary line show, gathered now."""
        handler = self.handler
        return figures.PoolFigures(
            config=self.config, chunksize=self.chunksize, items_total=self.items_total,
            items_done=self.items_done, tasks=len(self.tasks), counts=self.counts(),
            generations=handler.generation, duration=self.duration, pids=self.pids(),
            results_ok=figures.results_ok(handler.reference, self.results, self.tasks,
                                          self.chunksize),
            results_check=handler.reference.note if handler.reference else "not run")

    @property
    def duration(self) -> float:
        """Seconds from start() until the last pool generation ended (or until now)."""
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    def pids(self) -> list[int]:
        """Every pool process that ever ran, in the order first seen (some may have died
        before saying Hello)."""
        seen = [r.pid for r in self.tracker.records.values() if r.pid is not None]
        return list(dict.fromkeys(seen + self._book.pids()))

    @property
    def star(self) -> bool:
        """True for starmap methods (each item is an argument list)."""
        return self.config.method in STAR

    # -- plumbing ------------------------------------------------------------------------
    def order(self, generation: int, tasks: list[TaskRecord]) -> None:
        """Send tasks to the driver as a new pool generation (used by the note handler)."""
        # The driver thread cuts the chunks; it reads only what never changes in a task.
        tasks, items, star = list(tasks), self.items, self.star
        self._driver.order(generation, lambda: [chunk_of(t, items, star) for t in tasks])

    def finish_driver(self) -> None:
        """No more generations (used by the note handler)."""
        self.ended_at = time.time()
        done = self.items_done
        self._driver.finish(self.tracker.total_working() / done if done else 0.0)

    def driver_done(self) -> None:
        """The driver thread has ended (used by the note handler)."""
        self._driver_done_at = time.monotonic()
        self.ended_at = self.ended_at or time.time()

    def _put(self, note: Any) -> None:
        # Called from the driver thread and the pool's callback threads. One byte wakes
        # a waiting caller until it next polls: no system call (and no GIL hand-over)
        # for each of thousands of notes a second.
        self._notes.put(note)
        self._wake()

    def _wake(self) -> None:
        if not self._woken:
            self._woken = True
            with contextlib.suppress(BlockingIOError, OSError):
                os.write(self._wake_w, b"\0")

    def _clear_wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.read(self._wake_r, 1 << 16)  # a byte per wake-up, far fewer than that

    def _update_rate(self) -> None:
        now = time.monotonic()
        if self._rate_mark is not None and now - self._rate_mark[0] < RATE_WINDOW:
            return
        done = self.items_done
        if self._rate_mark is None:
            self._rate_mark = (now, done)
            return
        then, before = self._rate_mark
        instant = (done - before) / (now - then)
        self.rate += RATE_SMOOTHING * (instant - self.rate) if self.rate else instant
        self._rate_mark = (now, done)

    def _maybe_close(self) -> None:
        if self._driver_done_at is None:
            return
        self.tracker.classify()
        pending = [c for c in self._listener.connections if not c.decided]
        if pending and time.monotonic() - self._driver_done_at < CLOSE_GRACE:
            return
        self._listener.close()
        self.tracker.classify(force=True)
        self._book.close_outputs()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._closed = True
        self.engine.emit(None, "pool", self.summary_line())
