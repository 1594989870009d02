"""The workers table model: one row per worker or pool process, read from RunBridge.records.

Before a run starts the model shows the plan (the workers the configuration
will create) so `daemon` can still be chosen per worker (the choices reach the
run on `run_prepared`, before it starts); from `run_started` on it shows the
run's live records. Refreshes append new rows (pool processes
appear during a run) and emit one dataChanged for the rest: no model reset per
tick, so selection and scrolling survive and 256 rows stay cheap.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from mpscope.core.config import RunConfig
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.widgets.formatting import format_duration, format_rate, progress_text
from mpscope.gui.widgets.icons import icon
from mpscope.gui.workers.cells import (
    COLUMN_COUNT,
    NUMERIC,
    RECORD_ROLE,
    SORT_ROLE,
    TREE_ROLE,
    Column,
    WorkerCells,
)
from mpscope.gui.workers.tree import tree_layout

__all__ = ["RECORD_ROLE", "SORT_ROLE", "TREE_ROLE", "Column", "WorkersModel", "format_duration",
           "format_rate", "progress_text"]  # the formatting helpers are re-exported

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
Index = QModelIndex | QPersistentModelIndex


def _signature(r: WorkerRecord) -> tuple[Any, ...]:
    """What a row shows; a refresh repaints the row only when this changed."""
    return (r.state, r.pid, r.done, r.total, r.rate, r.cpu_percent, r.cpu_time, r.rss,
            r.peak_rss, r.daemon, r.exitcode, r.last_message, r.error, r.restarts, r.parent)


class WorkersModel(QAbstractTableModel):
    """Rows are WorkerRecords: the plan before a run, the run's records once it started."""

    tree_changed = Signal()  # a row came or a parent became known: the tree order moved

    def __init__(self, bridge: RunBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._rows: list[WorkerRecord] = []
        self._run: Any = None  # the Run shown; None while the plan is shown
        # Each row's signature and drawn cells at the last refresh (None: not yet drawn).
        self._seen: list[tuple[tuple[Any, ...], tuple[Any, ...]] | None] = []
        self.daemon_overrides: dict[str, bool] = {}  # planned worker name -> daemon
        self.cells = WorkerCells(self)
        # The process tree (watched programs): each row's depth and depth-first key.
        self.tree = True  # the Name column indents children under their parent
        self._layout: dict[int, tuple[int, str]] = {}
        self._parents: tuple[int | None, ...] = ()
        role = Qt.ItemDataRole
        self._roles: dict[int, Any] = {
            int(role.DisplayRole): self._display, RECORD_ROLE: lambda r, _c: r,
            SORT_ROLE: self.cells.sort_key, TREE_ROLE: self._tree_key,
            int(role.ToolTipRole): self._tooltip,
            int(role.CheckStateRole): self._check_state,
            int(role.DecorationRole): self._decoration,
            int(role.ForegroundRole): self._foreground,
            int(role.TextAlignmentRole): self._alignment,
        }
        bridge.config_changed.connect(self._on_config_changed)
        bridge.run_prepared.connect(self._on_run_prepared)
        bridge.run_started.connect(self._on_run_started)
        bridge.refreshed.connect(self._on_refreshed)
        if bridge.config is not None:
            self._on_config_changed(bridge.config)

    # -- what the panel reads ------------------------------------------------------
    def record(self, row: int) -> WorkerRecord:
        return self._rows[row]

    def row_of(self, record: WorkerRecord) -> int:
        return self._rows.index(record)

    def depth(self, record: WorkerRecord) -> int:
        """How far below the program's main process (0: a root) the record's process is."""
        return self._layout.get(record.wid, (0, ""))[0]

    def set_tree(self, tree: bool) -> None:
        """Indent the Name column by tree depth (True) or show plain names."""
        if tree != self.tree:
            self.tree = tree
            self._seen = [None] * len(self._rows)
            if self._rows:
                self.dataChanged.emit(self.index(0, Column.NAME),
                                      self.index(len(self._rows) - 1, Column.NAME))

    def state_name(self, state: State) -> str:
        return self.cells.state_names[state]

    @property
    def showing_plan(self) -> bool:
        return self._run is None

    def daemon_locked(self, record: WorkerRecord) -> bool:
        """`daemon` is fixed once start() was called, exactly as in multiprocessing."""
        return not self.showing_plan and record.state is not State.PENDING

    def cleanup(self) -> None:
        self._bridge.config_changed.disconnect(self._on_config_changed)
        self._bridge.run_prepared.disconnect(self._on_run_prepared)
        self._bridge.run_started.disconnect(self._on_run_started)
        self._bridge.refreshed.disconnect(self._on_refreshed)

    # -- following the bridge ------------------------------------------------------
    def _on_config_changed(self, config: RunConfig | None) -> None:
        # While a run is shown and alive, the table keeps telling the truth about it.
        if self._bridge.running:
            return
        self.beginResetModel()
        self._run = None
        rows: list[WorkerRecord] = []
        for group in config.workers if config is not None else ():
            for index in range(group.count):
                name = f"{group.name}-{index}"
                rows.append(WorkerRecord(
                    wid=-1 - len(rows), name=name, group=group.name, index=index,
                    task=group.task, args=dict(group.args),
                    daemon=self.daemon_overrides.get(name, group.daemon),
                ))
        self._rows = rows
        self._seen = [None] * len(rows)
        self._update_tree()
        known = {r.name for r in self._rows}
        self.daemon_overrides = {k: v for k, v in self.daemon_overrides.items() if k in known}
        self.endResetModel()

    def _on_run_prepared(self, run: Any) -> None:
        # The prepared run's records are all PENDING: the plan's daemon choices apply as is.
        for record in run.engine.records.values():
            if record.kind == "worker" and record.name in self.daemon_overrides:
                run.engine.set_daemon(record.wid, self.daemon_overrides[record.name])

    def _on_run_started(self) -> None:
        self.daemon_overrides.clear()
        self.beginResetModel()
        self._run = self._bridge.run
        self._rows = self._bridge.records
        self._seen = [None] * len(self._rows)
        self._update_tree()
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
        if self._update_tree():
            self._seen = [None] * len(self._rows)  # an indentation may have moved
            self.tree_changed.emit()
        # Tell the view only about the cells that changed, one range per run of rows
        # whose changed columns are alike: a sleeping worker's report repaints its
        # progress and message cells, not its row (rows were most of an idle window's CPU).
        first_row, runs = 0, None
        for row, record in enumerate(self._rows):
            changed = self._changed_columns(row, record)
            if changed != runs:
                self._emit_changed(first_row, row - 1, runs)
                first_row, runs = row, changed
        self._emit_changed(first_row, len(self._rows) - 1, runs)

    def _update_tree(self) -> bool:
        """Recompute the tree when a row came or a parent became known; True if it did."""
        parents = tuple(r.parent for r in self._rows)
        if parents == self._parents and len(self._layout) == len(self._rows):
            return False
        self._parents = parents
        self._layout = tree_layout(self._rows)
        return True

    def _tree_key(self, record: WorkerRecord, _column: int) -> str:
        return self._layout.get(record.wid, (0, ""))[1]

    def _display(self, record: WorkerRecord, column: int) -> str | None:
        text = self.cells.display(record, column)
        if column == Column.NAME and self.tree:
            depth = self._layout.get(record.wid, (0, ""))[0]
            if depth:  # pstree's look: children under their parent, one step in per level
                return "    " * (depth - 1) + "└─ " + (text or "")
        return text

    def _changed_columns(self, row: int, record: WorkerRecord) -> tuple[tuple[int, int], ...]:
        """Runs of adjacent columns, (first, last), whose cells changed since the last refresh."""
        signature = _signature(record)
        seen = self._seen[row]
        if seen is not None and signature == seen[0]:
            return ()  # the cheap test: nothing this row shows has moved
        cells = self._cells(record)
        self._seen[row] = (signature, cells)
        if seen is None:
            return ((0, COLUMN_COUNT - 1),)
        runs: list[tuple[int, int]] = []
        for column, (old, new) in enumerate(zip(seen[1], cells, strict=True)):
            if old == new:
                continue
            if runs and runs[-1][1] == column - 1:
                runs[-1] = (runs[-1][0], column)
            else:
                runs.append((column, column))
        return tuple(runs)

    def _cells(self, record: WorkerRecord) -> tuple[Any, ...]:
        """What each cell draws: its text, plus the bar, chip and lock that are not text."""
        drawn: list[Any] = [self._display(record, column) for column in range(COLUMN_COUNT)]
        drawn[Column.PROGRESS] = (drawn[Column.PROGRESS], round(record.fraction or 0.0, 3))
        drawn[Column.STATE] = (drawn[Column.STATE], record.state)
        drawn[Column.DAEMON] = (record.daemon, self.daemon_locked(record))
        return tuple(drawn)

    def _emit_changed(self, first_row: int, last_row: int,
                      runs: tuple[tuple[int, int], ...] | None) -> None:
        for first_column, last_column in runs or ():
            self.dataChanged.emit(self.index(first_row, first_column),
                                  self.index(last_row, last_column))

    # -- the model interface -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cells.header_tips[section]
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
        if record.state.is_final and column != Column.STATE:
            return theme.ended_color()  # ended rows stay for the whole run, greyed
        return theme.pool_color() if column == Column.NAME and record.kind == "pool" else None

    @staticmethod
    def _alignment(record: WorkerRecord, column: int) -> Any:
        return _RIGHT if column in NUMERIC else None

    def _tooltip(self, record: WorkerRecord, column: int) -> str:
        return self.cells.tooltip(record, column, self.showing_plan, self.daemon_locked(record))

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
