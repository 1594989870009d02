"""The events panel: every event in order, filtered by worker, kind and text, with tracebacks."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.run_state import Event
from mpscope.gui.bridge import RunBridge
from mpscope.gui.events.model import KINDS, MAX_EVENTS, NO_WORKER, EventsModel, events_view
from mpscope.gui.i18n.language import translated

NARROW_PX = 520
ICONS_ONLY_CHARS = 60  # narrower than this many characters: kinds shown by their mark
SEARCH_DELAY_MS = 250  # re-filter 100,000 events once typing pauses, not on every key


class EventsPanel(QWidget):
    """A table of every event (time since start, worker, kind, text) and a traceback viewer.

    The view follows new events while it is scrolled to the bottom, and stops
    following as soon as the user scrolls up ("Jump to latest" resumes). It also
    holds still while the pointer is over the list or a row is selected, so a click
    lands on the row aimed at; "N new events ↓" says what came meanwhile.
    """

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.model = EventsModel(parent=self)
        self._follow = True  # the user wants the newest events (was at the bottom)
        self._hovered = False
        self._unseen = 0  # rows added while the view held still or was scrolled up
        self._build_filters()
        self._build_table()
        self._build_detail()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self._detail_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._filter_bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._status_bar)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        bridge.events_arrived.connect(self.add_events)
        bridge.run_started.connect(self._on_run_started)
        bridge.refreshed.connect(self._on_refreshed)
        self._update_status()

    # -- construction --------------------------------------------------------------
    def _build_filters(self) -> None:
        self.worker_combo = QComboBox()
        self.worker_combo.setToolTip(self.tr("Show the events of one worker"))
        self.worker_combo.addItem(self.tr("All workers"), None)
        self.worker_combo.addItem(self.tr("Run and pool"), NO_WORKER)
        self.worker_combo.currentIndexChanged.connect(self._apply_filter)
        # A push button with a menu: its size leaves room for the arrow (a tool button's
        # arrow was drawn over "All kinds").
        self.kinds_button = QPushButton()
        self.kinds_button.setToolTip(self.tr("Show only some kinds of event"))
        menu = QMenu(self.kinds_button)
        self.kind_actions: dict[str, QAction] = {}
        for kind in KINDS:
            action = menu.addAction(self.model.cell_text(Event(0, None, kind, ""), 2))
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._apply_filter)
            self.kind_actions[kind] = action
        menu.addSeparator()
        menu.addAction(self.tr("Errors only"), self._on_errors_only)
        menu.addAction(self.tr("Everything"), lambda: self.set_kinds(KINDS))
        self.kinds_button.setMenu(menu)
        self.kinds_button.setText(self.tr("All kinds"))
        self.search = QLineEdit(placeholderText=self.tr("Search…"), clearButtonEnabled=True)
        self._filter_bar = QHBoxLayout()
        for widget, stretch in ((self.worker_combo, 0), (self.kinds_button, 0), (self.search, 1)):
            self._filter_bar.addWidget(widget, stretch)

    def _build_table(self) -> None:
        table = self.table = events_view(self.model)
        table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        scroll = table.verticalScrollBar()
        scroll.valueChanged.connect(self._on_scrolled)
        scroll.rangeChanged.connect(self._on_range_changed)
        table.viewport().installEventFilter(self)
        copy = QAction(self.tr("Copy rows"), table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_selected_rows)
        table.addAction(copy)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _build_detail(self) -> None:
        self.detail = QPlainTextEdit(readOnly=True)
        self._fit_detail_font()
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.detail.setPlaceholderText(self.tr("Select an error to see its traceback here."))
        self.copy_button = QPushButton(self.tr("Copy traceback"))
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_traceback)
        self._detail_box = QWidget()
        box = QVBoxLayout(self._detail_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.detail, 1)
        self.status = QLabel(wordWrap=True)  # wraps rather than widening a narrow dock
        self.jump_button = QPushButton(self.tr("Jump to latest"))
        self.jump_button.setVisible(False)
        self.jump_button.setToolTip(self.tr("Follow new events again"))
        self.jump_button.clicked.connect(self._on_jump)
        self._status_bar = QHBoxLayout()
        self._status_bar.addWidget(self.status, 1)
        self._status_bar.addWidget(self.jump_button)
        self._status_bar.addWidget(self.copy_button)

    def _fit_detail_font(self) -> None:
        """Tracebacks in a monospace font as large as the panel's (Ctrl+=, presenter mode)."""
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if self.font().pointSizeF() > 0:
            fixed.setPointSizeF(self.font().pointSizeF())
        self.detail.setFont(fixed)

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit_detail_font()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # Narrow (a third of the window): no worker column; the texts name the worker anyway.
        narrow = self.width() < NARROW_PX
        if narrow != self.table.isColumnHidden(1):
            self.table.setColumnHidden(1, narrow)
            self.model.set_strip_names(not narrow)
        # Narrower still (a side column): the kinds as their coloured marks, and the
        # room to the "What" text, which is what the rows are read for.
        icons_only = self.width() < ICONS_ONLY_CHARS * self.fontMetrics().averageCharWidth()
        if icons_only != self.model.icons_only:
            self.model.set_icons_only(icons_only)
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 2, 2)
            self.table.fit_to_font()

    # -- events ------------------------------------------------------------------
    def add_events(self, events: list[Event]) -> None:
        """Append a batch (one model insert); follow it if the view was at the bottom."""
        before = self.model.rowCount()
        self.model.append(events)
        if not self._follow or self.held:
            self._unseen += max(0, self.model.rowCount() - before)
            self._show_jump()
        self._update_status()

    def _on_run_started(self) -> None:
        run = self._bridge.run
        self.model.clear(run.started_at if run is not None else None)
        self.detail.clear()
        self.follow()
        self._update_status()

    def _on_refreshed(self) -> None:
        names = {r.wid: r.name for r in self._bridge.records}
        if names == self.model.names:
            return
        self.model.set_names(names)
        self.table.fit_to_font()  # the worker column fits the names
        combo = self.worker_combo
        current = combo.currentData()
        combo.blockSignals(True)  # rebuilding the list is not a choice of the user
        while combo.count() > 2:
            combo.removeItem(2)
        for wid, name in names.items():
            combo.addItem(name, wid)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _update_status(self) -> None:
        model = self.model
        text = self.tr("{0:,} events · {1:,} shown").format(model.total, model.rowCount())
        if model.total > model.kept:
            text += " · " + self.tr("the last {0:,} kept").format(MAX_EVENTS)
        self.status.setText(text)

    # -- filtering ---------------------------------------------------------------
    def set_kinds(self, kinds: Any) -> None:
        """Tick exactly these kinds (one re-filter)."""
        for kind, action in self.kind_actions.items():
            action.blockSignals(True)
            action.setChecked(kind in kinds)
            action.blockSignals(False)
        self._apply_filter()

    def _on_errors_only(self) -> None:
        self.set_kinds(("error", "error_callback"))

    def _apply_filter(self) -> None:
        kinds = [kind for kind, action in self.kind_actions.items() if action.isChecked()]
        self.kinds_button.setText(self.tr("All kinds") if len(kinds) == len(KINDS)
                                  else self.tr("{0} of {1} kinds").format(len(kinds), len(KINDS)))
        self.model.set_filter(kinds, self.worker_combo.currentData(), self.search.text())
        self.detail.clear()
        self.copy_button.setEnabled(False)
        if self._follow:
            self.table.scrollToBottom()
        self._update_status()

    # -- following ---------------------------------------------------------------
    @property
    def held(self) -> bool:
        """The view holds still: the pointer is over the list, or a row is selected."""
        return self._hovered or self.table.selectionModel().hasSelection()

    def follow(self) -> None:
        """Scroll to the newest event and keep following."""
        self._follow = True
        self._unseen = 0
        self.jump_button.hide()
        self.table.scrollToBottom()

    def _on_jump(self) -> None:
        self.table.clearSelection()  # a selection would hold the view again at once
        self.follow()

    def _release(self) -> None:
        """Neither pointer nor selection holds the view: catch up if it was following."""
        if self._follow and not self.held:
            self.follow()

    def _show_jump(self) -> None:
        self.jump_button.setText(self.tr("{0:,} new events ↓").format(self._unseen)
                                 if self._unseen else self.tr("Jump to latest"))
        self.jump_button.setVisible(self._unseen > 0 or not self._follow)

    def _on_scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        self._follow = value >= bar.maximum() - 1
        if self._follow and not self.held:
            self._unseen = 0
        self._show_jump()

    def _on_range_changed(self, _low: int, high: int) -> None:
        if self._follow and not self.held:
            self.table.verticalScrollBar().setValue(high)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.table.viewport():
            kind = event.type()
            if kind == event.Type.Enter:
                self._hovered = True
            elif kind == event.Type.Leave:
                self._hovered = False
                self._release()
        return super().eventFilter(watched, event)

    # -- details and clipboard -----------------------------------------------------
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        # The selected row, not the current index: selectRow() leaves the current index
        # invalid when no column lies at the view's left edge (a table not laid out yet).
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else self.table.currentIndex()
        event = self.model.event_at(index.row()) if index.isValid() else None
        # A traceback when there is one; otherwise the whole text, for long log lines.
        self.detail.setPlainText((event.detail or translated(event.text)) if event is not None
                                 else "")
        self.copy_button.setEnabled(bool(event is not None and event.detail))
        if event is None:
            self._release()

    def copy_selected_rows(self) -> None:
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        if rows:
            QGuiApplication.clipboard().setText(self.model.rows_text(rows))

    def copy_traceback(self) -> None:
        if self.detail.toPlainText():
            QGuiApplication.clipboard().setText(self.detail.toPlainText())

    def cleanup(self) -> None:
        """Stop listening to the bridge (the panel is being closed)."""
        self._search_timer.stop()
        for signal, slot in ((self._bridge.events_arrived, self.add_events),
                             (self._bridge.run_started, self._on_run_started),
                             (self._bridge.refreshed, self._on_refreshed)):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
