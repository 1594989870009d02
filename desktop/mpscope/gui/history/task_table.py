"""A recorded run's every pool task in one sortable table (a model over the loaded rows).

The rows are the TaskRows the loader thread already read (capped at
MAX_TASKS_SHOWN), so nothing here touches the database. One model, one view:
no widget per row, cells are made only for the rows on screen, and sorting
reorders a list of references with one key function (a fraction of a second
for 200,000 tasks), never through a proxy that calls `data()` per comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mpscope.gui.history.run_data import RunData, TaskRow
from mpscope.gui.history.run_tables import details_pane
from mpscope.gui.pool.task_stream import outcome_color
from mpscope.gui.widgets.formatting import format_bytes, format_span

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = (0, 1, 3, 4, 6)


def _duration(task: TaskRow) -> float | None:
    return task.ended - task.started if task.started and task.ended else None


class TasksModel(QAbstractTableModel):
    """Rows: the run's tasks; columns: id, items, process, start, duration, outcome, peak,
    error. Sorted by `sort()` itself (the view's header clicks call it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks: list[TaskRow] = []
        self.names: dict[int, str] = {}
        self.t0 = 0.0
        self.headers = [self.tr("Task"), self.tr("Items"), self.tr("Process"), self.tr("Start"),
                        self.tr("Duration"), self.tr("Outcome"), self.tr("Peak memory"),
                        self.tr("Error")]
        self.outcomes = {"ok": self.tr("done"), "failed": self.tr("failed"),
                         "lost": self.tr("lost"), "cancelled": self.tr("cancelled"),
                         "running": self.tr("running at the end"),
                         "pending": self.tr("not started"),
                         "requeued": self.tr("abandoned with its pool")}
        self._keys: list[Callable[[TaskRow], Any]] = [
            lambda t: t.task_id, lambda t: t.first_index,
            lambda t: (self.names.get(t.wid, "") if t.wid is not None else "", t.pid or 0),
            lambda t: t.started, _duration, lambda t: self.outcome_text(t),
            lambda t: t.peak_rss, lambda t: t.error]

    def set_data(self, data: RunData) -> None:
        self.beginResetModel()
        self.tasks, self.names, self.t0 = list(data.tasks), data.names, data.t0
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.tasks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def task_at(self, row: int) -> TaskRow | None:
        return self.tasks[row] if 0 <= row < len(self.tasks) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        task = self.task_at(index.row()) if index.isValid() else None
        if task is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(task, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            return outcome_color(task.outcome)
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and task.error:
            return task.error
        return None

    def text(self, task: TaskRow, column: int) -> str:
        if column == 0:
            return str(task.task_id)
        if column == 1:
            last = task.first_index + task.count - 1
            return (f"{task.first_index:,}" if task.count <= 1 else
                    f"{task.first_index:,}–{last:,} ({task.count:,})")
        if column == 2:
            return self._process(task)
        if column == 3:
            return f"{task.started - self.t0:,.2f} s" if task.started else ""
        if column == 4:
            duration = _duration(task)
            return format_span(duration) if duration is not None else ""
        if column == 5:
            return self.outcome_text(task)
        if column == 6:
            return format_bytes(task.peak_rss) if task.peak_rss else ""
        return (task.error or "").partition("\n")[0]

    def outcome_text(self, task: TaskRow) -> str:
        text = self.outcomes.get(task.outcome, task.outcome)
        if task.attempt > 1:
            text = self.tr("{outcome} (attempt {attempt})").format(outcome=text,
                                                                   attempt=task.attempt)
        return text

    def _process(self, task: TaskRow) -> str:
        name = self.names.get(task.wid) if task.wid is not None else None
        if name and task.pid:
            return self.tr("{name} (pid {pid})").format(name=name, pid=task.pid)
        return name or (f"pid {task.pid}" if task.pid else "")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in place; tasks without a value (not started, no peak) go last."""
        if not 0 <= column < len(self._keys):
            return
        key = self._keys[column]
        descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        present = [t for t in self.tasks if key(t) is not None]
        missing = [t for t in self.tasks if key(t) is None]
        present.sort(key=key, reverse=descending)
        self.tasks = present + missing
        self.layoutChanged.emit()


class TaskTable(QWidget):
    """Every task of a recorded run: the table, and the selected task's error and attempts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TasksModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() + 6)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setToolTip(self.tr("Click a column's title to sort by it; again to reverse"))
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show(current.row()))
        self.count = QLabel()
        self.count.setIndent(6)
        self.details = details_pane(self.tr("Select a task to see its error and earlier "
                                            "attempts here."))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.count)
        layout.addWidget(split, 1)

    def set_data(self, data: RunData) -> None:
        self.model.set_data(data)
        header = self.view.horizontalHeader()
        self.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        shown, total = len(data.tasks), data.tasks_total
        self.count.setText(self.tr("{shown:,} tasks").format(shown=shown) if shown >= total else
                           self.tr("The first {shown:,} of {total:,} tasks (the rest are in "
                                   "the history and its exports)").format(shown=shown,
                                                                           total=total))
        chars = self.fontMetrics().averageCharWidth()
        titles = self.view.horizontalHeader().fontMetrics()
        for column, width in enumerate((7, 15, 22, 10, 9, 14, 10)):  # Error takes the rest
            title = titles.horizontalAdvance(self.model.headers[column]) + 28  # + sort arrow
            self.view.setColumnWidth(column, max(chars * width, title))

    def _show(self, row: int) -> None:
        task = self.model.task_at(row)
        if task is None:
            self.details.clear()
            return
        lines = [self.tr("Task {id}, items {items}: {outcome}").format(
            id=task.task_id, items=self.model.text(task, 1), outcome=self.model.outcome_text(task))]
        for number, span in enumerate(task.history, start=1):
            name = self.model.names.get(span.wid, "") if span.wid is not None else ""
            lines.append(self.tr("attempt {n}: {outcome} in {process}").format(
                n=number, outcome=self.model.outcomes.get(span.outcome, span.outcome),
                process=f"{name} (pid {span.pid})" if name else f"pid {span.pid}"))
        if task.error:
            lines += ["", task.error]
        if task.traceback:
            lines += ["", task.traceback.rstrip()]
        self.details.setPlainText("\n".join(lines))
