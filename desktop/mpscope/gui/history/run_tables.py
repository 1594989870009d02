"""A recorded run's tables: the workers' outcomes and the event log, each with a details pane."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from mpscope.core.engine.run_state import Event
from mpscope.core.engine.states import State, explain_exit
from mpscope.gui import theme
from mpscope.gui.events.model import MAX_EVENTS, EventsModel, events_view
from mpscope.gui.i18n.language import translated
from mpscope.gui.widgets.delegates import ChipDelegate
from mpscope.gui.widgets.formatting import format_span, short_exit
from mpscope.gui.workers.cells import WorkerCells

STATE_ROLE = Qt.ItemDataRole.UserRole + 1
_NUMERIC = (4, 5, 6, 7)


def details_pane(placeholder: str) -> QPlainTextEdit:
    text = QPlainTextEdit(readOnly=True)
    text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    text.setPlaceholderText(placeholder)
    return text


def as_state(value: Any) -> State | None:
    """The State a stored text names, or None (an unknown or missing state)."""
    try:
        return State(value)
    except ValueError:
        return None


def _state_color(index: QModelIndex | QPersistentModelIndex, palette: QPalette) -> QColor | None:
    state = as_state(index.data(STATE_ROLE))
    return theme.state_color(state, palette) if state is not None else None


class WorkersOutcomes(QSplitter):
    """One row per worker and pool process: how it ended, when, how far; its traceback below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.cells = WorkerCells(self)
        headers = [self.tr("Name"), self.tr("Task"), self.tr("State"), self.tr("Exit"),
                   self.tr("PID"), self.tr("Time"), self.tr("Progress"), self.tr("Restarts"),
                   self.tr("How it ended")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setItemDelegateForColumn(2, ChipDelegate(_state_color, self.table))
        self.details = details_pane(self.tr("Select a worker to see how it ended here."))
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.addWidget(self.table)
        self.addWidget(self.details)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)
        self.workers: list[dict[str, Any]] = []

    def set_workers(self, workers: list[dict[str, Any]]) -> None:
        self.workers = workers
        self.table.setRowCount(len(workers))
        for row, w in enumerate(workers):
            state = w["state"] or ""
            known = as_state(state)
            name = self.cells.state_names[known] if known is not None else state
            elapsed = (w["ended_at"] - w["started_at"]) if w["ended_at"] and w["started_at"] \
                else None
            progress = f"{100 * w['done'] / w['total']:.0f}%" if w["total"] else (
                f"{w['done']:,.0f}" if w["done"] else "")
            error = f"{w['error_type']}: {w['error_message']}" if w["error_type"] else ""
            task = (w["task"] or "").rpartition(":")[2] or (w["task"] or "")
            if w["kind"] == "pool":
                task = self.tr("{task} (pool)").format(task=task)
            texts = [w["name"], task, name, short_exit(w["exitcode"]), str(w["pid"] or "—"),
                     format_span(elapsed) if elapsed is not None else "", progress,
                     str(w["restarts"] or 0), (error or w["detail"] or "").replace("\n", " ")]
            items = [QTableWidgetItem(text) for text in texts]
            for column, item in enumerate(items):
                if column in _NUMERIC:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            items[2].setData(STATE_ROLE, state)
            if w["exitcode"] is not None:
                items[3].setToolTip(translated(explain_exit(w["exitcode"])))
            if w["kind"] == "pool":
                items[0].setForeground(theme.pool_color())
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, self.table.columnWidth(2) + 24)  # room around the chip
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.workers):
            self.details.clear()
            return
        w = self.workers[row]
        # The detail comes from the history as plain English; the exit is explained anew.
        lines = [f"{w['name']} ({w['kind']}), {w['task']}, pid {w['pid'] or '—'}",
                 f"{w['state']}: {w['detail'] or ''}".rstrip(": "),
                 translated(explain_exit(w["exitcode"])) if w["exitcode"] is not None else ""]
        if w["error_type"]:
            lines.append(f"{w['error_type']}: {w['error_message']}")
        self.details.setPlainText("\n".join(line for line in lines if line)
                                  + ("\n\n" + w["traceback"].rstrip() if w["traceback"] else ""))


class EventLog(QSplitter):
    """Every recorded event (time since the start, worker, kind, text); a traceback below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.model = EventsModel(parent=self)
        self.table = events_view(self.model)
        self.details = details_pane(self.tr("Select an error to see its traceback here."))
        self.table.selectionModel().currentRowChanged.connect(self._show)
        self.addWidget(self.table)
        self.addWidget(self.details)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)

    def set_events(self, events: list[Event], names: dict[int, str], t0: float) -> None:
        # Events read back from the history are plain English strings (SQLite keeps no
        # template): they are shown as recorded, in English, whatever the UI language.
        self.model.capacity = max(MAX_EVENTS, len(events))  # a recorded run is shown whole
        self.model.clear(t0)
        self.model.set_names(names)
        self.model.append(events)
        metrics = self.table.fontMetrics()
        widest = max((metrics.horizontalAdvance(n) for n in names.values()), default=0)
        self.table.setColumnWidth(1, min(widest + 16, metrics.averageCharWidth() * 24))

    def _show(self, index: QModelIndex, _previous: QModelIndex) -> None:
        event = self.model.event_at(index.row()) if index.isValid() else None
        self.details.setPlainText((event.detail or event.text) if event is not None else "")
