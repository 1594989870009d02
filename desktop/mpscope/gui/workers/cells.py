"""What each cell of the workers table shows for a WorkerRecord: its text, sort key and tooltip."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QObject, Qt

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State, explain_exit
from mpscope.gui.i18n.language import translated
from mpscope.gui.widgets.formatting import progress_text, short_exit

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
TREE_ROLE = Qt.ItemDataRole.UserRole + 3  # orders rows as the process tree (depth-first)


class Column(enum.IntEnum):
    """The table's columns, in order."""

    NAME = 0
    PID = 1
    TASK = 2
    STATE = 3
    PROGRESS = 4
    CPU = 5
    RSS = 6
    DAEMON = 7
    EXIT = 8
    MESSAGE = 9


COLUMN_COUNT = len(Column)
NUMERIC = frozenset({Column.PID, Column.CPU, Column.RSS, Column.EXIT})
_STATE_ORDER = {state: position for position, state in enumerate(State)}


class WorkerCells(QObject):
    """The translated words of the workers table, and each cell's text for a record.

    Plain methods of (record, column): the model calls them thousands of times
    per repaint, so each is a chain of int compares, no lookups of Qt state.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            self.tr("Name"), self.tr("PID"), self.tr("Task"), self.tr("State"),
            self.tr("Progress"), self.tr("CPU"), self.tr("Memory"), self.tr("Daemon"),
            self.tr("Exit"), self.tr("Last message"),
        ]
        self.header_tips = [
            self.tr("Worker name: group name and index"),
            self.tr("Operating-system process id"),
            self.tr("The function this process runs"),
            self.tr("Where the process is in its life, as the parent sees it"),
            self.tr("Progress reported by the task, its rate and the time left"),
            self.tr("CPU use of this process (100% = one core); the CPU time it used once it "
                    "has ended"),
            self.tr("Resident memory (RSS) of this process; its peak once it has ended"),
            self.tr("Daemon processes end with mpscope; set before start() only"),
            self.tr("Exit code, or the signal that ended the process"),
            self.tr("The last log line, note or error from the task"),
        ]
        self.state_names = {
            State.PENDING: self.tr("pending"), State.STARTING: self.tr("starting"),
            State.RUNNING: self.tr("running"), State.STOPPING: self.tr("stopping"),
            State.PAUSED: self.tr("paused"),
            State.FINISHED: self.tr("finished"), State.FAILED: self.tr("failed"),
            State.STOPPED: self.tr("stopped"), State.TERMINATED: self.tr("terminated"),
            State.KILLED: self.tr("killed"), State.LOST: self.tr("lost"),
        }

    def display(self, r: WorkerRecord, column: int) -> str | None:
        alive = r.state.is_alive
        if column == Column.NAME:
            return r.name
        if column == Column.PID:
            return str(r.pid) if r.pid else "—"
        if column == Column.TASK:
            task = r.task.rpartition(":")[2] or r.task
            return self.tr("{task} (pool)").format(task=task) if r.kind == "pool" else task
        if column == Column.STATE:
            name = self.state_names[r.state]
            return f"{name} ↻{r.restarts}" if r.restarts else name
        if column == Column.PROGRESS:
            return progress_text(r)
        if column == Column.CPU:
            if alive:
                return f"{r.cpu_percent:.0f}%"
            return f"{r.cpu_time:.1f} s" if r.cpu_time else ""  # the CPU time it used, greyed
        if column == Column.RSS:
            if alive:
                return f"{r.rss / 2**20:,.0f} MiB" if r.rss else ""
            return f"{r.peak_rss / 2**20:,.0f} MiB" if r.peak_rss else ""  # its peak, greyed
        if column == Column.DAEMON:
            return None
        if column == Column.EXIT:
            return short_exit(r.exitcode)
        return (str(r.error) if r.error else r.last_message).replace("\n", " ")

    def sort_key(self, r: WorkerRecord, column: int) -> Any:
        if column == Column.PID:
            return r.pid or 0
        if column == Column.STATE:
            return _STATE_ORDER[r.state]
        if column == Column.PROGRESS:
            return r.fraction if r.fraction is not None else -1.0
        if column == Column.CPU:
            return r.cpu_percent if r.state.is_alive else r.cpu_time
        if column == Column.RSS:
            return r.rss if r.state.is_alive else r.peak_rss
        if column == Column.DAEMON:
            return int(r.daemon)
        if column == Column.EXIT:
            return -999 if r.exitcode is None else r.exitcode
        return self.display(r, column) or ""

    def tooltip(self, r: WorkerRecord, column: int, planned: bool, locked: bool) -> str:
        """The cell's tooltip; `planned`: the plan is shown; `locked`: daemon can't change."""
        if column == Column.DAEMON:
            if r.kind == "pool":
                return self.tr("The pool starts and ends its own processes "
                               "(multiprocessing.Pool makes them daemonic)")
            if locked:
                return self.tr("Locked: `daemon` must be set before start(); "
                               "this process has already started")
            return self.tr("Daemon processes are ended when mpscope exits; "
                           "non-daemon ones are waited for. Click to change before start.")
        if column == Column.STATE:
            text = translated(r.detail) or self.state_names[r.state]
            if planned:
                text = self.tr("planned: starts when you press Start")
            return text
        if column == Column.EXIT:
            return translated(explain_exit(r.exitcode)) if r.exitcode is not None else ""
        if column == Column.TASK:
            args = ", ".join(f"{k}={v!r}" for k, v in r.args.items())
            return f"{r.task}({args})"
        if column == Column.MESSAGE and r.error:
            return str(r.error)
        if column == Column.CPU and r.cpu_time:
            return self.tr("{name}: {seconds:.1f} s of CPU time used so far").format(
                name=r.name, seconds=r.cpu_time) if r.state.is_alive else self.tr(
                "{name}: ended; it used {seconds:.1f} s of CPU time").format(
                name=r.name, seconds=r.cpu_time)
        if column == Column.RSS and r.peak_rss:
            peak = r.peak_rss / 2**20
            if r.state.is_alive:
                return self.tr("{name}: {now:,.0f} MiB now, peak {peak:,.0f} MiB").format(
                    name=r.name, now=r.rss / 2**20, peak=peak)
            return self.tr("{name}: ended; its peak resident memory was {peak:,.0f} MiB").format(
                name=r.name, peak=peak)
        if column == Column.NAME and r.kind == "pool":
            return self.tr("{name}: a pool process (double-click for details)").format(name=r.name)
        shown = self.display(r, column)
        return self.tr("{name}: {value} (double-click for details)").format(
            name=r.name, value=shown) if shown else ""
