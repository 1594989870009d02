"""The workers table model: one row per worker or pool process, read from RunBridge.records.

Before a run starts the model shows the plan (the workers the configuration
will create) so `daemon` can still be chosen per worker; from `run_started` on
it shows the run's live records. Refreshes append new rows (pool processes
appear during a run) and emit one dataChanged for the rest: no model reset per
tick, so selection and scrolling survive and 256 rows stay cheap.
"""

from __future__ import annotations

import contextlib
import enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from mpscope.core.config import RunConfig
from mpscope.core.records import WorkerRecord
from mpscope.core.states import State, explain_exit, signal_name
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.icons import icon

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


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


def format_rate(rate: float) -> str:
    if rate >= 1e6:
        return f"{rate / 1e6:.1f}M/s"
    if rate >= 1e3:
        return f"{rate / 1e3:.1f}k/s"
    return f"{rate:.0f}/s" if rate >= 10 else f"{rate:.1f}/s"


def format_duration(seconds: float) -> str:
    """`0:12`, `3:07`, `1:02:03`: short enough for a table cell."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(record: WorkerRecord) -> str:
    """`42% · 1.2k/s · ETA 0:12` while running; the percentage and duration once ended."""
    parts = []
    fraction = record.fraction
    if fraction is not None:
        parts.append(f"{100 * fraction:.0f}%")
    elif record.done:
        parts.append(f"{record.done:,.0f}")
    if record.state.is_alive:
        if record.rate > 0:
            parts.append(format_rate(record.rate))
        if record.eta is not None:
            parts.append(QCoreApplication.translate("WorkersModel", "ETA {eta}").format(
                eta=format_duration(record.eta)))
    elif record.state.is_final and record.elapsed is not None:
        parts.append(format_duration(record.elapsed))
    return " · ".join(parts)


def short_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return ""
    return signal_name(-exitcode) if exitcode < 0 else str(exitcode)


_COLUMN_COUNT = len(Column)
_STATE_ORDER = {state: position for position, state in enumerate(State)}
_NUMERIC = frozenset({Column.PID, Column.CPU, Column.RSS, Column.EXIT})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _signature(r: WorkerRecord) -> tuple[Any, ...]:
    """What a row shows; a refresh repaints the row only when this changed."""
    return (r.state, r.pid, r.done, r.total, r.rate, r.cpu_percent, r.rss, r.daemon,
            r.exitcode, r.last_message, r.error, r.restarts)


class WorkersModel(QAbstractTableModel):
    """Rows are WorkerRecords: the plan before a run, the run's records once it started."""

    def __init__(self, bridge: RunBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._rows: list[WorkerRecord] = []
        self._run: Any = None  # the Run shown; None while the plan is shown
        self._seen: list[tuple[Any, ...] | None] = []  # each row's signature at the last refresh
        self.daemon_overrides: dict[str, bool] = {}  # planned worker name -> daemon
        self._headers = [
            self.tr("Name"), self.tr("PID"), self.tr("Task"), self.tr("State"),
            self.tr("Progress"), self.tr("CPU"), self.tr("Memory"), self.tr("Daemon"),
            self.tr("Exit"), self.tr("Last message"),
        ]
        self._header_tips = [
            self.tr("Worker name: group name and index"),
            self.tr("Operating-system process id"),
            self.tr("The function this process runs"),
            self.tr("Where the process is in its life, as the parent sees it"),
            self.tr("Progress reported by the task, its rate and the time left"),
            self.tr("CPU use of this process (100% = one core)"),
            self.tr("Resident memory (RSS) of this process"),
            self.tr("Daemon processes end with mpscope; set before start() only"),
            self.tr("Exit code, or the signal that ended the process"),
            self.tr("The last log line, note or error from the task"),
        ]
        self._state_names = {
            State.PENDING: self.tr("pending"), State.STARTING: self.tr("starting"),
            State.RUNNING: self.tr("running"), State.STOPPING: self.tr("stopping"),
            State.FINISHED: self.tr("finished"), State.FAILED: self.tr("failed"),
            State.STOPPED: self.tr("stopped"), State.TERMINATED: self.tr("terminated"),
            State.KILLED: self.tr("killed"), State.LOST: self.tr("lost"),
        }
        role = Qt.ItemDataRole
        self._roles: dict[int, Any] = {
            int(role.DisplayRole): self._display, RECORD_ROLE: lambda r, _c: r,
            SORT_ROLE: self._sort_key, int(role.ToolTipRole): self._tooltip,
            int(role.CheckStateRole): self._check_state,
            int(role.DecorationRole): self._decoration,
            int(role.ForegroundRole): self._foreground,
            int(role.TextAlignmentRole): self._alignment,
        }
        bridge.config_changed.connect(self._on_config_changed)
        bridge.run_started.connect(self._on_run_started)
        bridge.refreshed.connect(self._on_refreshed)
        if bridge.config is not None:
            self._on_config_changed(bridge.config)

    # -- what the panel reads ------------------------------------------------------
    def record(self, row: int) -> WorkerRecord:
        return self._rows[row]

    def row_of(self, record: WorkerRecord) -> int:
        return self._rows.index(record)

    def state_name(self, state: State) -> str:
        return self._state_names[state]

    @property
    def showing_plan(self) -> bool:
        return self._run is None

    def daemon_locked(self, record: WorkerRecord) -> bool:
        """`daemon` is fixed once start() was called, exactly as in multiprocessing."""
        return not self.showing_plan and record.state is not State.PENDING

    def cleanup(self) -> None:
        self._bridge.config_changed.disconnect(self._on_config_changed)
        self._bridge.run_started.disconnect(self._on_run_started)
        self._bridge.refreshed.disconnect(self._on_refreshed)

    # -- following the bridge ------------------------------------------------------
    def _on_config_changed(self, config: RunConfig) -> None:
        # While a run is shown and alive, the table keeps telling the truth about it.
        if self._bridge.running:
            return
        self.beginResetModel()
        self._run = None
        rows: list[WorkerRecord] = []
        for group in config.workers:
            for index in range(group.count):
                name = f"{group.name}-{index}"
                rows.append(WorkerRecord(
                    wid=-1 - len(rows), name=name, group=group.name, index=index,
                    task=group.task, args=dict(group.args),
                    daemon=self.daemon_overrides.get(name, group.daemon),
                ))
        self._rows = rows
        self._seen = [None] * len(rows)
        known = {r.name for r in self._rows}
        self.daemon_overrides = {k: v for k, v in self.daemon_overrides.items() if k in known}
        self.endResetModel()

    def _on_run_started(self) -> None:
        # The records are still pending (spawns happen on the next drain tick):
        # the daemon choices made on the plan can still be applied.
        for record in self._bridge.records:
            if record.kind == "worker" and record.name in self.daemon_overrides:
                # ValueError: already spawned, nothing to change any more.
                with contextlib.suppress(ValueError):
                    self._bridge.set_daemon(record.wid, self.daemon_overrides[record.name])
        self.daemon_overrides.clear()
        self.beginResetModel()
        self._run = self._bridge.run
        self._rows = self._bridge.records
        self._seen = [None] * len(self._rows)
        self.endResetModel()

    def _on_refreshed(self) -> None:
        if self._run is None or self._bridge.run is not self._run:
            return
        records = self._bridge.records
        old = len(self._rows)
        if len(records) > old:  # records are only ever appended (pool processes)
            self.beginInsertRows(QModelIndex(), old, len(records) - 1)
            self._rows = records
            self._seen += [None] * (len(records) - old)
            self.endInsertRows()
        # Tell the view only about rows that changed, as contiguous ranges: finished
        # or idle rows cost nothing, and the view repaints just what moved.
        last = _COLUMN_COUNT - 1
        start = None
        for row, record in enumerate(self._rows):
            now = _signature(record)
            changed = now != self._seen[row]
            self._seen[row] = now
            if changed and start is None:
                start = row
            elif not changed and start is not None:
                self.dataChanged.emit(self.index(start, 0), self.index(row - 1, last))
                start = None
        if start is not None:
            self.dataChanged.emit(self.index(start, 0), self.index(len(self._rows) - 1, last))

    # -- the model interface -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.DAEMON:
            record = self._rows[index.row()]
            if self.daemon_locked(record) or record.kind == "pool":
                return Qt.ItemFlag.ItemIsSelectable  # drawn disabled: the lock is the point
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called thousands of times per repaint: one dict lookup, then plain int compares.
        handler = self._roles.get(role)
        if handler is None or not index.isValid():
            return None
        return handler(self._rows[index.row()], index.column())

    def _check_state(self, record: WorkerRecord, column: int) -> Any:
        if column != Column.DAEMON or record.kind == "pool":
            return None  # the pool starts and ends its own processes: nothing to choose
        return Qt.CheckState.Checked if record.daemon else Qt.CheckState.Unchecked

    def _decoration(self, record: WorkerRecord, column: int) -> Any:
        if column == Column.DAEMON and record.kind != "pool" and self.daemon_locked(record):
            return icon("lock")
        return None

    def _foreground(self, record: WorkerRecord, column: int) -> Any:
        return theme.pool_color() if column == Column.NAME and record.kind == "pool" else None

    @staticmethod
    def _alignment(record: WorkerRecord, column: int) -> Any:
        return _RIGHT if column in _NUMERIC else None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != Column.DAEMON:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
        return self.set_daemon(index.row(), checked)

    def set_daemon(self, row: int, daemon: bool) -> bool:
        """Change one worker's daemon flag; False when it is locked (already started)."""
        record = self._rows[row]
        if record.kind == "pool" or self.daemon_locked(record):
            return False
        if self.showing_plan:
            record.daemon = daemon
            self.daemon_overrides[record.name] = daemon
        else:
            try:
                self._bridge.set_daemon(record.wid, daemon)
            except ValueError:
                return False
        changed = self.index(row, Column.DAEMON)
        self.dataChanged.emit(changed, changed)
        return True

    # -- cell contents -------------------------------------------------------------
    def _display(self, r: WorkerRecord, column: int) -> str | None:
        alive = r.state.is_alive
        if column == Column.NAME:
            return r.name
        if column == Column.PID:
            return str(r.pid) if r.pid else "—"
        if column == Column.TASK:
            task = r.task.rpartition(":")[2] or r.task
            return self.tr("{task} (pool)").format(task=task) if r.kind == "pool" else task
        if column == Column.STATE:
            name = self._state_names[r.state]
            return f"{name} ↻{r.restarts}" if r.restarts else name
        if column == Column.PROGRESS:
            return progress_text(r)
        if column == Column.CPU:
            return f"{r.cpu_percent:.0f}%" if alive else ""
        if column == Column.RSS:
            return f"{r.rss / 2**20:,.0f} MiB" if alive and r.rss else ""
        if column == Column.DAEMON:
            return None
        if column == Column.EXIT:
            return short_exit(r.exitcode)
        return (str(r.error) if r.error else r.last_message).replace("\n", " ")

    def _sort_key(self, r: WorkerRecord, column: int) -> Any:
        if column == Column.PID:
            return r.pid or 0
        if column == Column.STATE:
            return _STATE_ORDER[r.state]
        if column == Column.PROGRESS:
            return r.fraction if r.fraction is not None else -1.0
        if column == Column.CPU:
            return r.cpu_percent
        if column == Column.RSS:
            return r.rss
        if column == Column.DAEMON:
            return int(r.daemon)
        if column == Column.EXIT:
            return -999 if r.exitcode is None else r.exitcode
        return self._display(r, column) or ""

    def _tooltip(self, r: WorkerRecord, column: int) -> str:
        if column == Column.DAEMON:
            if r.kind == "pool":
                return self.tr("The pool starts and ends its own processes "
                               "(multiprocessing.Pool makes them daemonic)")
            if self.daemon_locked(r):
                return self.tr("Locked: `daemon` must be set before start(); "
                               "this process has already started")
            return self.tr("Daemon processes are ended when mpscope exits; "
                           "non-daemon ones are waited for. Click to change before start.")
        if column == Column.STATE:
            text = r.detail or self._state_names[r.state]
            if self.showing_plan:
                text = self.tr("planned: starts when you press Start")
            return text
        if column == Column.EXIT:
            return explain_exit(r.exitcode) if r.exitcode is not None else ""
        if column == Column.TASK:
            args = ", ".join(f"{k}={v!r}" for k, v in r.args.items())
            return f"{r.task}({args})"
        if column == Column.MESSAGE and r.error:
            return str(r.error)
        if column == Column.NAME and r.kind == "pool":
            return self.tr("{name}: a pool process (double-click for details)").format(name=r.name)
        shown = self._display(r, column)
        return self.tr("{name}: {value} (double-click for details)").format(
            name=r.name, value=shown) if shown else ""
