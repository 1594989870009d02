"""The parent's handles on one running worker process, and how it signals that process safely."""

from __future__ import annotations

import contextlib
import os
import resource
from dataclasses import dataclass
from typing import Any

from mpscope.core.engine.channel_reader import FrameReader
from mpscope.core.engine.process_tree import signal_tree
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.starter import START_LOCK
from mpscope.core.worker import messages as m

RATE_SMOOTHING = 0.3


@dataclass(eq=False)
class Live:
    """Parent-side handles of one running worker process."""

    process: Any
    reader: FrameReader
    stop_flag: Any
    output_fd: int = -1  # the read end of its stdout/stderr pipe (an OutputDrain owns it)
    requested: str | None = None  # stop | terminate | kill, the strongest asked
    paused: bool = False  # SIGSTOPped by us: known at once, before /proc shows it
    escalate_at: float | None = None
    final: Any = None
    last_progress_t: float | None = None

    def progress(self, record: WorkerRecord, message: m.Progress) -> None:
        """Apply a Progress message to the record, with a smoothed rate."""
        if self.last_progress_t is not None and message.t > self.last_progress_t:
            instant = (message.done - record.done) / (message.t - self.last_progress_t)
            record.rate += RATE_SMOOTHING * (instant - record.rate) if record.rate else instant
        self.last_progress_t = message.t
        record.done, record.total = message.done, message.total
        if message.note:
            record.note = record.last_message = message.note


def send_signal(live: Live, signum: int, tree: bool = False) -> bool:
    """Signal the worker unless it has been reaped (then its pid may belong to another);
    with `tree`, everything it started as well (see process_tree.signal_tree)."""
    # While a start runs, only read the code already collected: polling races (see START_LOCK).
    process = live.process
    if START_LOCK.acquire(blocking=False):
        try:
            ended = process.exitcode is not None
        finally:
            START_LOCK.release()
    else:
        ended = process._popen.returncode is not None
    if not ended and process.pid:
        if tree:
            return signal_tree(process.pid, signum)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signum)
            return True
    return False


def raise_fd_limit() -> None:
    """Each worker holds two descriptors in the parent; allow as many as the system lets us."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        with contextlib.suppress(ValueError, OSError):
            target = 65536 if hard == resource.RLIM_INFINITY else hard
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
