"""Reading the run history off the GUI thread: each query on a worker with its own store."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from mpscope.core.history.export import UnknownRun
from mpscope.core.history.paths import history_path
from mpscope.core.history.store import HistoryError, HistoryStore


def describe_error(exc: BaseException) -> str:
    """A history problem in one line (the panel shows it; never a traceback)."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return QCoreApplication.translate(
            "HistoryJobs", "the database is locked by another program (still busy after 5 s)")
    if isinstance(exc, sqlite3.DatabaseError) and "malformed" in text:
        return QCoreApplication.translate(
            "HistoryJobs", "the database file is damaged ({reason})").format(reason=text)
    if isinstance(exc, (HistoryError, UnknownRun, OSError, sqlite3.Error)):
        return text
    return f"{type(exc).__name__}: {text}"


class _Job(QRunnable):
    def __init__(self, jobs: HistoryJobs, job_id: int, path: Path,
                 work: Callable[[HistoryStore], Any]) -> None:
        super().__init__()
        self._jobs, self._id, self._path, self._work = jobs, job_id, path, work

    def run(self) -> None:
        try:
            with HistoryStore(self._path) as store:  # one connection per thread, as required
                result = self._work(store)
        except Exception as exc:  # noqa: BLE001 - shown to the user in one line, never raised
            self._jobs.finished.emit(self._id, False, describe_error(exc))
        else:
            self._jobs.finished.emit(self._id, True, result)


class HistoryJobs(QObject):
    """Runs `work(store)` on a worker thread (its own HistoryStore); calls back on the GUI thread.

    Call `cleanup()` before the owner is destroyed: it waits for running queries.

    Signals:
        finished(int, bool, object): job id, success, result or error text (internal).
        busy_changed(bool): queries started or all ended (for a busy indicator).
    """

    finished = Signal(int, bool, object)
    busy_changed = Signal(bool)

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)  # a long load must not hold up a refresh
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = {}
        self._running = 0
        self._next_id = 0
        self.finished.connect(self._deliver)

    @property
    def path(self) -> Path:
        """The database (MPSCOPE_DATA_DIR is read now, so tests can point it elsewhere)."""
        return self._path or history_path()

    @property
    def busy(self) -> bool:
        return self._running > 0

    def submit(self, work: Callable[[HistoryStore], Any], on_done: Callable[[Any], None],
               on_error: Callable[[str], None]) -> int:
        """Queue a query; exactly one of the callbacks runs later (unless cancelled)."""
        self._next_id += 1
        self._callbacks[self._next_id] = (on_done, on_error)
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self, self._next_id, self.path, work))
        return self._next_id

    def cancel(self, job_id: int) -> None:
        """Forget a job's callbacks (its window closed); the query itself still ends."""
        self._callbacks.pop(job_id, None)

    def _deliver(self, job_id: int, ok: bool, payload: Any) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy_changed.emit(False)
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is not None:
            callbacks[0 if ok else 1](payload)

    def wait(self, msecs: int = 10_000) -> bool:
        """Wait for queued queries to end (tests, closing)."""
        return self._pool.waitForDone(msecs)

    def cleanup(self) -> None:
        self._callbacks.clear()
        self._pool.clear()  # queued, not started: never run
        self._pool.waitForDone(10_000)
