"""The child-side API a task uses: report progress, log, send values, notice a stop.

A task opts in by accepting a parameter named `reporter`; a plain function
works unchanged. Progress is coalesced: `report()` only stores the latest
value and a flusher thread sends it every `interval` seconds when it changed,
so a task may call `report()` a million times a second without flooding the
channel. Log lines are batched the same way (and flushed at once when 100
are waiting, which bounds memory without losing any). `send()` is the one
uncoalesced call: one message per call, for tasks that stream data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from mpscope.core.worker import messages as m

LOG_BATCH = 100
MAX_TEXT = 2000


class StopRequested(Exception):
    """Raised inside a task when the user asked it to stop; catch it to clean up."""


class Reporter:
    """What a task sees of mpscope: progress, logs, raw values and stop requests."""

    def __init__(
        self,
        wid: int,
        send: Callable[[Any], None],
        stop_flag: Callable[[], bool] = lambda: False,
        interval: float = 0.1,
    ) -> None:
        self._wid = wid
        self._send_frame = send
        self._stop_flag = stop_flag
        self._interval = interval
        self._seq = 0
        self._seq_lock = threading.Lock()
        self._progress: tuple[float, float | None, str | None] | None = None
        self._progress_sent: tuple[float, float | None, str | None] | None = None
        self._lines: list[str] = []
        self._lines_lock = threading.Lock()
        self._main_thread = threading.main_thread().ident
        self._main_writing = False
        self._interrupt_pending = False
        self._interrupted = False  # StopRequested was raised: a signal need not raise it again
        self.in_task = False  # set by the bootstrap while the task function runs
        self._wake = threading.Event()
        self._closed = False
        self._flusher: threading.Thread | None = None

    # -- the task-facing API ------------------------------------------------
    def report(self, done: float, total: float | None = None, note: str | None = None) -> None:
        """Record progress (`done` of `total`); raises StopRequested once a stop is asked."""
        if note is not None and len(note) > MAX_TEXT:
            note = note[:MAX_TEXT]
        self._progress = (done, total, note)
        if self._stop_flag():
            self._raise_stop()

    def log(self, text: str) -> None:
        """Add a log line; it reaches the parent within `interval` seconds."""
        with self._lines_lock:
            self._lines.append(str(text)[:MAX_TEXT])
            full = len(self._lines) >= LOG_BATCH
        if full:
            self.flush()

    def send(self, value: Any) -> None:
        """Send one small picklable value now, as its own message (not coalesced)."""
        self._emit(lambda seq: m.Data(self._wid, seq, value, time.time()))

    @property
    def stop_requested(self) -> bool:
        """True once the user asked this worker to stop."""
        return self._stop_flag()

    def check_stop(self) -> None:
        """Raise StopRequested if a stop was asked; for loops that do not report."""
        if self._stop_flag():
            self._raise_stop()

    # -- used by the worker bootstrap ---------------------------------------
    @property
    def sent(self) -> int:
        """Messages sent so far."""
        return self._seq

    def emit_started(self, pid: int, stack: int = 0) -> None:
        self._emit(lambda seq: m.Started(self._wid, seq, pid, time.time(), stack))

    def emit_final(self, make: Callable[[int, int], Any]) -> None:
        """Flush, then send the final message built by `make(seq, sent)`."""
        self.close()
        self._emit(lambda seq: make(seq, seq + 1))

    def start(self) -> None:
        self._flusher = threading.Thread(target=self._run, name="mpscope-reporter", daemon=True)
        self._flusher.start()

    def close(self) -> None:
        """Stop the flusher thread and send whatever is still pending."""
        if self._flusher is not None and not self._closed:
            self._closed = True
            self._wake.set()
            self._flusher.join()
        self._closed = True
        self.flush()

    def interrupt(self) -> None:
        """Called by the SIGINT handler once a stop is asked: stop the task now.

        Raises StopRequested in the main thread, but never half-way through
        writing a frame (that would corrupt this worker's stream): then it is
        raised as soon as the write completes.
        """
        # Once only: a terminal Ctrl-C reaches the worker besides mpscope's own SIGINT,
        # and a second StopRequested raised while the first is handled escapes the task.
        if not self.in_task or self._interrupted:
            return
        if self._main_writing:
            self._interrupt_pending = True
            return
        self._raise_stop()

    def flush(self) -> None:
        with self._lines_lock:
            lines, self._lines = self._lines, []
        for start in range(0, len(lines), LOG_BATCH):
            batch = tuple(lines[start : start + LOG_BATCH])
            self._emit(lambda seq, b=batch: m.Log(self._wid, seq, b, time.time()))  # type: ignore[misc]
        progress = self._progress
        if progress is not None and progress != self._progress_sent:
            self._progress_sent = progress
            self._emit(lambda seq: m.Progress(self._wid, seq, *progress, time.time()))

    def _emit(self, make: Callable[[int], Any]) -> None:
        # The sequence number is taken and the frame written under one lock, so
        # frames leave in sequence order whichever thread sends them.
        on_main = threading.get_ident() == self._main_thread
        with self._seq_lock:
            self._main_writing = on_main
            try:
                self._send_frame(make(self._seq))
                self._seq += 1
            finally:
                self._main_writing = False
        if on_main and self._interrupt_pending and self.in_task and not self._interrupted:
            self._interrupt_pending = False
            self._raise_stop()

    def _raise_stop(self) -> None:
        self._interrupted = True  # from now on a SIGINT no longer raises by itself
        raise StopRequested("stop requested")

    def _run(self) -> None:
        while not self._wake.wait(self._interval):
            self.flush()


class NullReporter(Reporter):
    """A reporter that goes nowhere: for tasks called outside a worker (pool items, tests)."""

    def __init__(self) -> None:
        super().__init__(wid=-1, send=lambda message: None)


NULL_REPORTER = NullReporter()
