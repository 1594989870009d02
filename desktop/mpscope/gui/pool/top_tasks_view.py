"""The costliest pool tasks: top 5 by time and by peak memory, with the call each one made."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.insight.top_tasks import TOP, TopTask, top_tasks
from mpscope.gui.bridge import RunBridge

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
REFRESH_MS = 1000


class TopTasksView(QWidget):
    """Two small tables, longest tasks and hungriest tasks; `show_tasks` fills both."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [self.tr("Task"), self.tr("Call"), self.tr("PID"), self.tr("Time"),
                        self.tr("Peak memory")]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.by_time = self._table()
        self.by_memory = self._table()
        self.empty = QLabel(self.tr("No task has ended yet."))
        for title, table in ((self.tr("Top {n} tasks by time").format(n=TOP), self.by_time),
                             (self.tr("Top {n} tasks by peak memory").format(n=TOP),
                              self.by_memory)):
            label = QLabel(f"<b>{title}</b>")
            layout.addWidget(label)
            layout.addWidget(table)
        layout.addWidget(self.empty)
        layout.addStretch(1)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, len(self.headers), self)
        table.setHorizontalHeaderLabels(self.headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setToolTip(self.tr("Each task with the arguments it was called with; a chunk "
                                 "shows its items"))
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # read, select and copy; no cell cursor
        row_height = table.fontMetrics().height() + 8
        table.verticalHeader().setDefaultSectionSize(row_height)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + TOP * row_height
                             + 2 * table.frameWidth() + 2)
        return table

    def show_tasks(self, tasks: Sequence[Any], items: Sequence[Any], task_name: str,
                   star: bool = False) -> None:
        """Fill both tables from task records (live TaskRecords or recorded TaskRows)."""
        by_time = top_tasks(tasks, items, task_name, "time", star)
        by_memory = top_tasks(tasks, items, task_name, "memory", star)
        self._fill(self.by_time, by_time)
        self._fill(self.by_memory, by_memory)
        self.empty.setVisible(not by_time)

    def rows(self, table: QTableWidget) -> list[list[str]]:
        """The texts a table shows, row by row (for tests and copying)."""
        return [[item.text() if (item := table.item(r, c)) else ""
                 for c in range(table.columnCount())] for r in range(table.rowCount())]

    def _fill(self, table: QTableWidget, rows: list[TopTask]) -> None:
        table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            texts = [str(row.task_id), row.call, str(row.pid or "—"),
                     "—" if row.seconds is None else self.tr("{0:.3f} s").format(row.seconds),
                     "—" if not row.peak_rss else
                     self.tr("{0:,.0f} MiB").format(row.peak_rss / 2**20)]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(_RIGHT)
                else:
                    item.setToolTip(text)
                table.setItem(number, column, item)


class TopTasksDialog(QDialog):
    """The live pool's top tasks, refreshed every second while the dialog is open."""

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setObjectName("topTasksDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Top tasks — mpscope"))
        self.view = TopTasksView(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.resize(820, 480)
        self.refresh()

    def refresh(self) -> None:
        pool = self.bridge.pool
        if pool is not None:
            self.view.show_tasks(pool.tasks, pool.items, pool.config.task, pool.star)
        if not self.bridge.running:
            self.timer.stop()  # nothing changes any more
