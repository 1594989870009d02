"""The events table model: every event in arrival order, bounded, filtered without a proxy."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from mpscope.core.engine.run_state import Event
from mpscope.gui.i18n.language import translated
from mpscope.gui.theme import is_dark

MAX_EVENTS = 100_000  # about 30 MB of events at most; older ones are dropped in chunks
KINDS = ("state", "log", "error", "info", "callback", "error_callback", "task", "pool", "stack",
         "memory", "output")
NO_WORKER = 0  # the filter value for run- and pool-level events (wids start at 1)
COLUMNS = 4  # time, worker, kind, text
# (on light, on dark), the same hues as the worker states where they mean the same thing.
KIND_COLORS = {
    "state": ("#2563eb", "#60a5fa"), "log": ("#6b7280", "#9ca3af"),
    "error": ("#dc2626", "#f87171"), "info": ("#0891b2", "#22d3ee"),
    "callback": ("#15803d", "#4ade80"), "error_callback": ("#ea580c", "#fb923c"),
    "task": ("#7c3aed", "#a78bfa"), "pool": ("#0f766e", "#2dd4bf"),
    "stack": ("#4338ca", "#818cf8"), "memory": ("#b45309", "#fbbf24"),
    "output": ("#475569", "#cbd5e1"),
}  # fmt: skip
ERROR_KINDS = frozenset({"error", "error_callback"})
Index = QModelIndex | QPersistentModelIndex


def kind_color(kind: str, dark: bool | None = None) -> QColor:
    light, dark_color = KIND_COLORS.get(kind, KIND_COLORS["log"])
    return QColor(dark_color if (is_dark() if dark is None else dark) else light)


class EventsModel(QAbstractTableModel):
    """The last `capacity` events, oldest first, with a filter applied inside the model.

    A QSortFilterProxyModel would call Python once per row on every insert; here
    a batch is filtered in one comprehension and inserted with one
    beginInsertRows, so 10,000 events arrive in a few milliseconds.
    """

    def __init__(self, capacity: int = MAX_EVENTS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self._events: list[Event] = []
        self._base = 0  # absolute number of _events[0]: the count of events dropped so far
        self._rows: list[int] = []  # absolute numbers of the events shown, ascending
        self._kinds: frozenset[str] | None = None
        self._worker: int | None = None
        self._text = ""
        self.t0: float | None = None  # the run's start; times are shown relative to it
        self.names: dict[int, str] = {}
        self._strip = True  # drop the "name: " prefix of texts while the worker column shows
        self.icons_only = False  # kinds as their mark alone (see set_icons_only)
        self._icons: dict[tuple[str, bool], QIcon] = {}
        self._words = {
            "state": self.tr("state"), "log": self.tr("log"), "error": self.tr("error"),
            "info": self.tr("info"), "callback": self.tr("callback"),
            "error_callback": self.tr("error callback"), "task": self.tr("task"),
            "pool": self.tr("pool"), "stack": self.tr("stack"),
            "memory": self.tr("memory"), "output": self.tr("output"),
        }  # fmt: skip

    # -- contents ------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Events received since the last clear, including those dropped."""
        return self._base + len(self._events)

    @property
    def kept(self) -> int:
        return len(self._events)

    def clear(self, t0: float | None = None) -> None:
        self.beginResetModel()
        self._events, self._rows, self._base, self.t0 = [], [], 0, t0
        self.endResetModel()

    def append(self, events: Sequence[Event]) -> None:
        """Add a batch in order: one insert for the rows that pass the filter."""
        if not events:
            return
        if self.t0 is None:
            self.t0 = events[0].t
        start = self.total
        self._events.extend(events)
        if self._filtering:
            shown = [start + i for i, event in enumerate(events) if self._accepts(event)]
        else:
            shown = list(range(start, start + len(events)))
        if shown:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._rows.extend(shown)
            self.endInsertRows()
        # Drop a twentieth more than needed at once, so trimming (a list shift) is rare.
        if len(self._events) > self.capacity + self.capacity // 20:
            self._trim(len(self._events) - self.capacity)

    def _trim(self, count: int) -> None:
        new_base = self._base + count
        gone = bisect.bisect_left(self._rows, new_base)  # shown rows that refer to dropped events
        if gone:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
            del self._rows[:gone]
            self.endRemoveRows()
        del self._events[:count]
        self._base = new_base

    def event_at(self, row: int) -> Event:
        return self._events[self._rows[row] - self._base]

    def set_names(self, names: dict[int, str]) -> None:
        """wid → worker name, for the worker column."""
        if names != self.names:
            self.names = dict(names)
            if self._rows:
                self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 1))

    def set_icons_only(self, icons_only: bool) -> None:
        """Kinds as their coloured mark alone (a narrow panel: room for the text instead)."""
        if icons_only != self.icons_only:
            self.icons_only = icons_only
            if self._rows:
                self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2))

    def set_strip_names(self, strip: bool) -> None:
        if strip != self._strip:
            self._strip = strip
            if self._rows:
                self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 3))

    # -- filter ------------------------------------------------------------------
    def set_filter(self, kinds: Collection[str] | None = None, worker: int | None = None,
                   text: str = "") -> None:
        """Show only these kinds (None: all), one worker (None: all; NO_WORKER: run-level)
        and events whose text contains `text` (any case)."""
        self._kinds = None if kinds is None or set(kinds) >= set(KINDS) else frozenset(kinds)
        self._worker = worker
        self._text = text.strip().casefold()
        self.beginResetModel()
        if self._filtering:
            base = self._base
            self._rows = [base + i for i, e in enumerate(self._events) if self._accepts(e)]
        else:
            self._rows = list(range(self._base, self.total))
        self.endResetModel()

    @property
    def _filtering(self) -> bool:
        return self._kinds is not None or self._worker is not None or bool(self._text)

    def _accepts(self, event: Event) -> bool:
        if self._kinds is not None and event.kind not in self._kinds:
            return False
        if self._worker is not None and (event.wid or NO_WORKER) != self._worker:
            return False
        # Found by what the row shows and by the English (what the history keeps).
        return not self._text or self._text in event.text.casefold() or (
            self._text in translated(event.text).casefold())

    # -- Qt model ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == 2 and self.icons_only:
                return ""  # a column as wide as an icon has no room for its title
            return (self.tr("Time"), self.tr("Worker"), self.tr("Kind"), self.tr("What"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event = self.event_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if column == 2 and self.icons_only else self.cell_text(event, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            text = translated(event.text)
            return text if len(text) > 30 else None  # the whole text when a narrow cell cuts it
        if role == Qt.ItemDataRole.ToolTipRole and column == 2 and self.icons_only:
            return self.cell_text(event, 2)
        if role == Qt.ItemDataRole.ForegroundRole and (
            column == 2 or (column == 3 and event.kind in ERROR_KINDS)
        ):
            return kind_color(event.kind)
        if role == Qt.ItemDataRole.DecorationRole and column == 2:
            return self._icon(event.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_text(self, event: Event, column: int) -> str:
        if column == 0:
            seconds = event.t - (self.t0 if self.t0 is not None else event.t)
            minutes, rest = divmod(max(0.0, seconds), 60)
            return f"{int(minutes)}:{rest:06.3f}" if minutes else f"{rest:.3f}"
        if column == 1:
            if event.wid is None:
                return self.tr("pool") if event.kind in ("pool", "task") else self.tr("run")
            return self.names.get(event.wid, f"#{event.wid}")
        if column == 2:
            return self._words.get(event.kind, event.kind)
        # The engine starts texts with the worker's name; the worker column shows it already.
        text = translated(event.text)
        if not self._strip:
            return self._named_output(event, text)
        name = self.names.get(event.wid) if event.wid is not None else None
        for colon in (": ", "："):  # English, or a Chinese translation's full-width colon
            if name and text.startswith(name + colon):
                return text[len(name) + len(colon) :]
        return text

    def _named_output(self, event: Event, text: str) -> str:
        """Without the worker column, a watched program's output line (its own text, as the
        terminal got it) gets its process's name, as the engine's texts have."""
        name = self.names.get(event.wid) if event.wid is not None else None
        if event.kind != "output" or not name or text.startswith(name + ": "):
            return text
        return f"{name}: {text}"

    def rows_text(self, rows: Sequence[int]) -> str:
        """Rows as tab-separated lines (time, worker, kind, text), for the clipboard."""
        return "\n".join(
            "\t".join(self.cell_text(self.event_at(row), c) for c in range(COLUMNS))
            for row in sorted(rows)
        )

    def _icon(self, kind: str) -> QIcon:
        key = (kind, is_dark())
        if key not in self._icons:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(kind_color(kind, key[1]))
            if kind in ERROR_KINDS:
                painter.drawRect(1, 1, 10, 10)  # a square, not only a colour, for errors
            else:
                painter.drawEllipse(1, 1, 10, 10)
            painter.end()
            self._icons[key] = QIcon(pixmap)
        return self._icons[key]


class EventsView(QTableView):
    """A table view suited to many events: whole rows, one line each, sized to the font."""

    def __init__(self, model: EventsModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        rows = self.verticalHeader()
        rows.hide()
        # Fixed row heights: the view never asks 100,000 rows for their size.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(True)
        self.fit_to_font()

    def fit_to_font(self) -> None:
        """Row height and the first columns' widths for the current (maybe projected) font
        and the model's worker names."""
        model: EventsModel = self.model()  # type: ignore[assignment]
        metrics = self.fontMetrics()
        self.verticalHeader().setDefaultSectionSize(metrics.height() + 6)
        kind = max(metrics.horizontalAdvance(model.cell_text(Event(0, None, k, ""), 2))
                   for k in KINDS)
        self.setColumnWidth(0, metrics.horizontalAdvance("0:00.000") + 12)
        widest = max((metrics.horizontalAdvance(name) for name in model.names.values()), default=0)
        self.setColumnWidth(1, min(max(widest, metrics.horizontalAdvance("pool-00")) + 12,
                                   metrics.averageCharWidth() * 24))
        # The kind's icon (30 px) and its word, or the icon alone in a narrow panel.
        self.setColumnWidth(2, 30 if model.icons_only else kind + 30)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_to_font()  # Ctrl+= or presenter mode: rows must not clip the text


def events_view(model: EventsModel) -> EventsView:
    """A table view of the model (see EventsView)."""
    return EventsView(model)
