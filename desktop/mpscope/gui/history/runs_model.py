"""The past-runs table: its model (one row per recorded run), its view and its filter."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QTableView,
    QWidget,
)

from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.widgets.delegates import ChipDelegate
from mpscope.gui.widgets.formatting import format_span, format_when

SEARCH_DELAY_MS = 300  # list again once typing pauses, not on every key
RUN_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
# A run's outcome (and status) in the colour of the worker state that means the same.
STATUS_STATES = {"running": State.RUNNING, "finished": State.FINISHED,
                 "interrupted": State.KILLED, "succeeded": State.FINISHED,
                 "failed": State.FAILED, "stopped": State.STOPPED}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RunColumn(enum.IntEnum):
    """The past-runs table's columns, in order."""

    ID = 0
    TITLE = 1
    STATUS = 2
    DURATION = 3
    EXIT = 4
    STARTED = 5
    WORKERS = 6
    TASKS = 7


# Sample cell texts that size the columns (the font may be scaled for a projector).
_WIDTHS = {RunColumn.ID: "00000", RunColumn.TITLE: "Classroom demo run",
           RunColumn.STATUS: "  interrupted  ", RunColumn.DURATION: "1:00:00 ",
           RunColumn.EXIT: "Exit ", RunColumn.STARTED: "2024-12-31 23:59:59",
           RunColumn.WORKERS: "Workers", RunColumn.TASKS: "Pool tasks"}
_NUMERIC = frozenset({RunColumn.ID, RunColumn.EXIT, RunColumn.DURATION, RunColumn.WORKERS,
                      RunColumn.TASKS})


def outcome_names() -> dict[str, str]:
    """A run's outcome (and its status) in words (the list and the run view say the same)."""
    return {"running": QCoreApplication.translate("RunsModel", "running"),
            "finished": QCoreApplication.translate("RunsModel", "finished"),
            "interrupted": QCoreApplication.translate("RunsModel", "interrupted"),
            "succeeded": QCoreApplication.translate("RunsModel", "succeeded"),
            "failed": QCoreApplication.translate("RunsModel", "failed"),
            "stopped": QCoreApplication.translate("RunsModel", "stopped")}


def status_color(status: str, palette: QPalette | None = None) -> QColor | None:
    state = STATUS_STATES.get(status)
    return theme.state_color(state, palette) if state is not None else None


class RunsModel(QAbstractTableModel):
    """Rows are `HistoryStore.list_runs()` dicts, newest first; replaced whole on a refresh."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[dict[str, Any]] = []
        self.headers = [self.tr("#"), self.tr("Title"), self.tr("Outcome"), self.tr("Duration"),
                        self.tr("Exit"), self.tr("Started"), self.tr("Workers"),
                        self.tr("Pool tasks")]
        self._header_tips = [
            self.tr("Run number (never reused)"), self.tr("The run's title, or what it ran"),
            self.tr("succeeded: every worker and pool task succeeded; failed: something "
                    "failed or was lost; stopped: stopped, terminated or killed on request; "
                    "interrupted: mpscope died during it; running: being recorded now"),
            self.tr("From start to end (to the last heartbeat if interrupted)"),
            self.tr("Exit status: 0 all succeeded, 1 something failed, 130 stopped with Ctrl-C"),
            self.tr("When the run started (local time)"),
            self.tr("Worker processes (pool processes not counted)"),
            self.tr("Pool tasks recorded"),
        ]
        self.status_names = outcome_names()

    def set_runs(self, runs: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._runs = list(runs)
        self.endResetModel()

    def run(self, row: int) -> dict[str, Any]:
        return self._runs[row]

    def row_of(self, run_id: int) -> int:
        """The row of a run, or -1."""
        return next((i for i, r in enumerate(self._runs) if r["id"] == run_id), -1)

    # -- the model interface -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RunColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        run, column = self._runs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(run, column)
        if role == RUN_ROLE:
            return run
        if role == SORT_ROLE:
            return self._sort_key(run, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(run, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == RunColumn.EXIT and run["exit_code"]:
            return theme.state_color(State.FAILED)
        return None

    def text(self, run: dict[str, Any], column: int) -> str:
        if column == RunColumn.ID:
            return str(run["id"])
        if column == RunColumn.STARTED:
            return format_when(run["started_at"])
        if column == RunColumn.TITLE:
            return " ".join((run["title"] or "").split())
        if column == RunColumn.STATUS:
            outcome = run.get("outcome") or run["status"] or ""
            return self.status_names.get(outcome, outcome)
        if column == RunColumn.EXIT:
            return "—" if run["exit_code"] is None else str(run["exit_code"])
        if column == RunColumn.DURATION:
            return format_span(run["duration"])
        if column == RunColumn.WORKERS:
            return str(run["workers"])
        return f"{run['pool_tasks']:,}"

    def _sort_key(self, run: dict[str, Any], column: int) -> Any:
        keys = {RunColumn.ID: run["id"], RunColumn.STARTED: run["started_at"] or 0.0,
                RunColumn.EXIT: -1 if run["exit_code"] is None else run["exit_code"],
                RunColumn.DURATION: run["duration"] or 0.0, RunColumn.WORKERS: run["workers"],
                RunColumn.TASKS: run["pool_tasks"]}
        return keys.get(RunColumn(column), self.text(run, column).casefold())

    def _tooltip(self, run: dict[str, Any], column: int) -> str:
        if column == RunColumn.EXIT:
            code = run["exit_code"]
            if code is None:
                return self.tr("No exit status: the run has not ended, or mpscope died during it")
            return {0: self.tr("0: every worker and pool task succeeded"),
                    130: self.tr("130: stopped with Ctrl-C")}.get(
                code, self.tr("{code}: something failed, was stopped or was lost").format(
                    code=code))
        if column == RunColumn.STATUS and run.get("outcome") == "stopped":
            return self.tr("Workers were stopped, terminated or killed on request "
                           "(or with Ctrl-C); none failed")
        if column == RunColumn.STATUS and run["status"] == "interrupted":
            return self.tr("mpscope died during this run (killed, crashed or power cut); "
                           "everything up to its last heartbeat is kept")
        hint = self.tr("Run #{id}, {method} — double-click or Enter to open it").format(
            id=run["id"], method=run["start_method"] or "?")
        return f"{run['title']}\n{hint}" if column == RunColumn.TITLE and run["title"] else hint


class RunsTable(QTableView):
    """The runs table: whole rows, several selectable, sortable, the status as a chip."""

    def __init__(self, model: RunsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.setObjectName("historyTable")
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(True)
        self.setSortingEnabled(True)
        self.sortByColumn(RunColumn.ID, Qt.SortOrder.DescendingOrder)
        self.setItemDelegateForColumn(RunColumn.STATUS, ChipDelegate(
            lambda index, palette: status_color(
                index.data(RUN_ROLE).get("outcome") or index.data(RUN_ROLE)["status"] or "",
                palette),
            self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.resize_columns()

    def resize_columns(self) -> None:
        """Size columns for their usual text in the current (possibly scaled) font."""
        metrics = self.fontMetrics()
        for column, sample in _WIDTHS.items():
            self.setColumnWidth(column, metrics.horizontalAdvance(sample) + 18)
        self.verticalHeader().setDefaultSectionSize(metrics.height() + 10)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.resize_columns()

    def selected_ids(self) -> list[int]:
        """The selected runs' ids, in the order shown."""
        rows = sorted(self.selectionModel().selectedRows(), key=lambda index: index.row())
        return [self.proxy.data(index, RUN_ROLE)["id"] for index in rows]

    def select_ids(self, run_ids: list[int]) -> None:
        """Select these runs (those still listed), the first one current."""
        selection = self.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for position, run_id in enumerate(run_ids):
            row = self.runs.row_of(run_id)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.runs.index(row, 0))
            if position == 0:
                selection.setCurrentIndex(index, flags)
            else:
                selection.select(index, flags)


class RunFilter(QWidget):
    """The text and status filter over the runs, a busy bar while the history is read.

    Signals:
        changed(): the filter changed (typing is waited out); list the runs again.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText=self.tr("Search titles, tasks, #id…"),
                                clearButtonEnabled=True)
        self.search.setToolTip(self.tr("Show the runs whose title or configuration contains "
                                       "this text, or the run with this number"))
        self.status_combo = QComboBox()
        self.status_combo.setToolTip(self.tr("Show only runs with this status"))
        for text, status in ((self.tr("All runs"), None), (self.tr("Finished"), "finished"),
                             (self.tr("Interrupted"), "interrupted"),
                             (self.tr("Running"), "running")):
            self.status_combo.addItem(text, status)
        self.busy = QProgressBar(maximum=0, textVisible=False)
        self.busy.hide()
        self.busy.setFixedWidth(self.fontMetrics().averageCharWidth() * 10)
        self.busy.setToolTip(self.tr("Reading the run history…"))
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.search, 1), (self.status_combo, 0), (self.busy, 0)):
            self.row.addWidget(widget, stretch)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(self._timer.start)
        self.status_combo.currentIndexChanged.connect(lambda _index: self.changed.emit())

    def values(self) -> tuple[str | None, str | None]:
        """(search text or None, status or None), as `HistoryStore.list_runs` takes them."""
        return self.search.text().strip() or None, self.status_combo.currentData()

    def stop(self) -> None:
        self._timer.stop()
