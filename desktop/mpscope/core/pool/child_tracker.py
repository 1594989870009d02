"""Pool-process side of tracking: the pool initializer and the wrapper the pool runs per task.

Runs inside processes the stdlib creates, so it is Qt-free and imports little.
`init_process` connects this process's own Unix socket to the parent and says
`Hello`. `run_chunk` notes the task in this process's slot (task_slot.py: a
memory write the parent reads if the process dies) before running it, and
queues its report after; a flusher thread sends the queued reports as one
`Reports` frame within FLUSH_S, so a stream of tiny tasks costs one frame per
batch rather than two system calls per task. A failure is sent at once. A
`Finalize` hook sends what waits, then `Bye`, on a normal exit, which tells
retirement (maxtasksperchild, pool closed) from death.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing import util
from typing import Any

from mpscope.core.insight import stack_dump
from mpscope.core.insight.peak_memory import PeakMeter
from mpscope.core.pool.messages import Bye, Chunk, Hello, PlainChunk, Reports
from mpscope.core.pool.task_slot import TaskSlot
from mpscope.core.worker.channel import FrameWriter
from mpscope.core.worker.process_group import lead_own_group
from mpscope.core.worker.watchdog import start_orphan_watchdog

TRACEBACK_LIMIT = 2000  # characters: frames stay small, so a kill rarely cuts one
FLUSH_S = 0.02  # a report waits at most this long; a task running longer is announced then
MAX_WAITING = 4096  # ended tasks waiting for the flusher; beyond it the task thread sends

Ended = tuple[int, float, float, int, "str | None", "str | None"]


class ReportQueue:
    """This process's task reports: queued by the task thread, sent in batches."""

    def __init__(self, writer: FrameWriter, slot: TaskSlot) -> None:
        self._writer = writer
        self._slot = slot
        self._ended: deque[Ended] = deque()  # appended by the task thread, taken by flush
        self._running: tuple[int, float] | None = None
        self._said = -1  # the last task id the parent was told about (running or ended)
        self._lock = threading.Lock()  # one flush at a time: reports leave in order
        self._wake = threading.Event()
        threading.Thread(target=self._flush_loop, name="mpscope-pool-reports",
                         daemon=True).start()

    def began(self, task_id: int, t: float) -> None:
        self._slot.hold(task_id, t)
        self._running = (task_id, t)
        if not self._wake.is_set():
            self._wake.set()

    def ended(self, report: Ended) -> None:
        self._ended.append(report)
        self._running = None
        self._slot.release()
        if report[4] is not None or len(self._ended) >= MAX_WAITING:
            self.flush()  # a failure goes out before its exception reaches the parent
        elif not self._wake.is_set():
            self._wake.set()

    def flush(self) -> None:
        """Send every queued report (and the running task, if not told yet) as one frame."""
        with self._lock:
            ended = []
            with contextlib.suppress(IndexError):
                while True:
                    ended.append(self._ended.popleft())
            if ended:
                self._said = ended[-1][0]
            running = self._running  # read after the queue: its end may be in `ended`
            if running is not None and running[0] == self._said:
                running = None
            if running is None and not ended:
                return
            if running is not None:
                self._said = running[0]
            with contextlib.suppress(OSError):  # the parent gone: keep computing, untracked
                self._writer.send(Reports(running, tuple(ended)))

    def _flush_loop(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(FLUSH_S)
            self._wake.clear()  # before flushing: a report queued meanwhile sets it again
            self.flush()


# Module globals: the initializer runs once per pool process and run_chunk runs many times.
_socket: socket.socket | None = None
_writer: FrameWriter | None = None
_reports: ReportQueue | None = None
_task: Callable[..., Any] | None = None
_task_problem: str | None = None
_meter = PeakMeter()


def init_process(address: str, task: str, generation: int, stack_dir: str | None = None) -> None:
    """Pool initializer: connect to the parent, say Hello, resolve the task once."""
    global _socket, _writer, _reports, _task, _task_problem
    # A terminal Ctrl-C reaches the whole process group; the parent decides what it means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Forked from `mpscope run`, the process would inherit its SIGUSR1 (print stacks) handler.
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)
    lead_own_group()  # what a task starts goes with this process (see process_tree)
    start_orphan_watchdog()
    stack = stack_dump.install(stack_dir)
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(address)
        _socket, _writer = sock, FrameWriter(sock.fileno())
        _writer.send(Hello(os.getpid(), generation, time.time(), stack))
        _reports = ReportQueue(_writer, TaskSlot(os.path.dirname(address)))
        # Runs at a normal process exit only (not on a signal or os._exit).
        util.Finalize(None, _send_bye, exitpriority=100)
    except OSError:
        # Never raise here: the stdlib restarts a process whose initializer fails, forever.
        _socket = _writer = _reports = None
    try:
        from mpscope.core import tasks

        _task = tasks.resolve(task)
    except Exception as exc:  # noqa: BLE001 - reported per task instead of killing the pool
        _task_problem = f"cannot load task {task!r}: {type(exc).__name__}: {exc}"


def run_chunk(chunk: Chunk | PlainChunk) -> tuple[int, list[Any]]:
    """Run one task (an item or a chunk of items); return (task_id, values) in item order."""
    task_id, first_index, items, star = chunk
    reports = _reports
    started = time.time()
    if reports is not None:
        reports.began(task_id, started)
    _meter.start()
    values = []
    for offset, item in enumerate(items):
        try:
            if _task is None:
                raise RuntimeError(_task_problem or "mpscope pool initializer did not run")
            values.append(_task(*item) if star else _task(item))
        except Exception as exc:
            # Only Exception, like the stdlib pool: SystemExit or KeyboardInterrupt end
            # the process, and the parent then marks the task lost.
            index = first_index + offset
            text = f"item {index}: {describe(exc)}"
            if reports is not None:
                reports.ended((task_id, started, time.time(), _meter.stop(), text,
                               _traceback()))
            with contextlib.suppress(Exception):  # tells an unordered method which task raised
                exc.mpscope_task_id = task_id  # type: ignore[attr-defined]
                exc.mpscope_index = index  # type: ignore[attr-defined]
            raise
    if reports is not None:
        reports.ended((task_id, started, time.time(), _meter.stop(), None, None))
    return task_id, values


def describe(exc: BaseException) -> str:
    """An exception as one line: 'ValueError: risky(3): 3 is divisible by 3'."""
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the failure
        message = "<unprintable message>"
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


def _traceback() -> str:
    text = traceback.format_exc()
    return text if len(text) <= TRACEBACK_LIMIT else "…" + text[-TRACEBACK_LIMIT:]


def _send_bye() -> None:
    if _reports is not None:
        _reports.flush()
    if _writer is not None:
        with contextlib.suppress(OSError):
            _writer.send(Bye(os.getpid(), time.time()))
