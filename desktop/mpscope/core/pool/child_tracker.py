"""Pool-process side of tracking: the pool initializer and the wrapper the pool runs per task.

Runs inside processes the stdlib creates, so it is Qt-free and imports little.
`init_process` connects this process's own Unix socket to the parent and says
`Hello`; `run_chunk` reports `TaskStarted` *before* running a task (so a death
reveals what the process held) and `TaskEnded` after; a `Finalize` hook says
`Bye` on a normal exit, which tells retirement (maxtasksperchild, pool closed)
from death.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable
from multiprocessing import util
from typing import Any

from mpscope.core.insight import stack_dump
from mpscope.core.insight.peak_memory import PeakMeter
from mpscope.core.pool.messages import Bye, Chunk, Hello, TaskEnded, TaskStarted
from mpscope.core.worker.channel import FrameWriter
from mpscope.core.worker.process_group import lead_own_group
from mpscope.core.worker.watchdog import start_orphan_watchdog

TRACEBACK_LIMIT = 2000  # characters: frames stay small, so a kill rarely cuts one

# Module globals: the initializer runs once per pool process and run_chunk runs many times.
_socket: socket.socket | None = None
_writer: FrameWriter | None = None
_task: Callable[..., Any] | None = None
_task_problem: str | None = None
_meter = PeakMeter()


def init_process(address: str, task: str, generation: int, stack_dir: str | None = None) -> None:
    """Pool initializer: connect to the parent, say Hello, resolve the task once."""
    global _socket, _writer, _task, _task_problem
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
        # Runs at a normal process exit only (not on a signal or os._exit).
        util.Finalize(None, _send_bye, exitpriority=100)
    except OSError:
        # Never raise here: the stdlib restarts a process whose initializer fails, forever.
        _socket = _writer = None
    try:
        from mpscope.core import tasks

        _task = tasks.resolve(task)
    except Exception as exc:  # noqa: BLE001 - reported per task instead of killing the pool
        _task_problem = f"cannot load task {task!r}: {type(exc).__name__}: {exc}"


def run_chunk(chunk: Chunk) -> tuple[int, list[Any]]:
    """Run one task (an item or a chunk of items); return (task_id, values) in item order."""
    pid = os.getpid()
    _send(TaskStarted(chunk.task_id, pid, time.time()))
    _meter.start()
    values = []
    for offset, item in enumerate(chunk.items):
        try:
            if _task is None:
                raise RuntimeError(_task_problem or "mpscope pool initializer did not run")
            values.append(_task(*item) if chunk.star else _task(item))
        except Exception as exc:
            # Only Exception, like the stdlib pool: SystemExit or KeyboardInterrupt end
            # the process, and the parent then marks the task lost.
            index = chunk.first_index + offset
            text = f"item {index}: {describe(exc)}"
            _send(TaskEnded(chunk.task_id, "failed", time.time(), text, _traceback(),
                            _meter.stop()))
            with contextlib.suppress(Exception):  # tells an unordered method which task raised
                exc.mpscope_task_id = chunk.task_id  # type: ignore[attr-defined]
                exc.mpscope_index = index  # type: ignore[attr-defined]
            raise
    _send(TaskEnded(chunk.task_id, "ok", time.time(), peak_rss=_meter.stop()))
    return chunk.task_id, values


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


def _send(frame: Any) -> None:
    if _writer is None:
        return
    # The parent gone or no longer listening: keep computing, untracked.
    with contextlib.suppress(OSError):
        _writer.send(frame)


def _send_bye() -> None:
    _send(Bye(os.getpid(), time.time()))
