"""The History panel: past runs from the history database, to open, compare, export or delete.

Every query runs on a worker thread with its own HistoryStore (HistoryJobs): a locked, slow or
broken database never freezes the window, and a problem is one line in the panel. The list
refreshes when a run starts, once its recording has ended, and on demand (Ctrl+R).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.history.compare_view import CompareView
from mpscope.gui.history.jobs import HistoryJobs
from mpscope.gui.history.run_data import delete_runs, export_runs
from mpscope.gui.history.run_view import RunView
from mpscope.gui.history.runs_model import RunFilter, RunsModel, RunsTable
from mpscope.gui.widgets.actions import make_action
from mpscope.gui.widgets.icons import themed

MAX_LISTED = 1000  # retention keeps 200 runs; this only bounds a hand-made database
MAX_OPENED = 4  # windows opened at once from one selection


class HistoryPanel(QWidget):
    """The runs table (newest first) with a text and status filter, and the actions on it.

    Signals:
        message(str): something to tell the user in the status bar.
        listed(): the list was read again (or failed: see `notice`).
    """

    message = Signal(str)
    listed = Signal()

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None,
                 path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.jobs = HistoryJobs(Path(path) if path else None, self)
        self.model = RunsModel(self)
        self.views: list[QWidget] = []  # open run and comparison windows
        self.error: str | None = None
        self._list_token: object | None = None
        self._build()
        self.filter.changed.connect(lambda: self.refresh())
        self.jobs.busy_changed.connect(self.filter.busy.setVisible)
        bridge.run_started.connect(self._on_run_started)
        bridge.run_finished.connect(self._on_run_finished)
        self._update_actions()
        self.refresh()

    # -- construction --------------------------------------------------------------
    def _build(self) -> None:
        self.filter = RunFilter(self)
        self.search, self.status_combo = self.filter.search, self.filter.status_combo
        self.view = view = RunsTable(self.model)
        view.doubleClicked.connect(lambda _index: self.open_selected())
        view.selectionModel().selectionChanged.connect(self._update_actions)
        self.toolbar = QToolBar(self.tr("History actions"), self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._build_actions()
        self.filter.row.insertWidget(2, self.refresh_button)
        self.notice = QLabel(wordWrap=True)
        self.notice.hide()
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.notice)
        layout.addWidget(view, 1)
        layout.addWidget(self.count)

    def _build_actions(self) -> None:
        local = Qt.ShortcutContext.WidgetWithChildrenShortcut
        specs = (
            ("open", self.tr("Open"),
             self.tr("Show the selected run's charts, workers and events as they were"),
             self.open_selected, "Return", "open"),
            ("compare", self.tr("Compare"),
             self.tr("Compare the two selected runs: durations, throughput, speedup"),
             self.compare_selected, "Ctrl+D", "details"),
            ("json", self.tr("Export JSON…"),
             self.tr("Write the selected runs as JSON into a folder"),
             lambda: self.export_selected("json"), "Ctrl+E", None),
            ("csv", self.tr("Export CSV…"),
             self.tr("Write the selected runs as CSV files into a folder"),
             lambda: self.export_selected("csv"), "Ctrl+Shift+E", None),
            ("delete", self.tr("Delete…"),
             self.tr("Delete the selected runs from the history (asks first)"),
             self.delete_selected, QKeySequence.StandardKey.Delete, "remove"),
            ("refresh", self.tr("Refresh"), self.tr("Read the run history again"), self.refresh,
             "Ctrl+R", "restart"),
        )
        # Keys act on the table only: Return or Delete typed in the search box stay its own.
        table = Qt.ShortcutContext.WidgetShortcut
        self.actions_by_name = {
            name: make_action(self if name == "refresh" else self.view, text, tip, slot, key,
                              icon_name, context=local if name == "refresh" else table)
            for name, text, tip, slot, key, icon_name in specs}
        a = self.actions_by_name
        a["open"].setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])  # and keypad's
        export = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        export.setText(self.tr("Export"))
        themed(export, "save")
        export.setToolTip(self.tr("Write the selected runs as JSON or CSV into a folder"))
        menu = QMenu(export)
        menu.addActions([a["json"], a["csv"]])
        export.setMenu(menu)
        self.export_button = export
        self.toolbar.addAction(a["open"])
        self.toolbar.addAction(a["compare"])
        self.toolbar.addWidget(export)
        self.toolbar.addAction(a["delete"])
        self.refresh_button = QToolButton(autoRaise=True)
        self.refresh_button.setDefaultAction(a["refresh"])

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # Tabbed beside the events the panel is narrow: icons only there (tooltips say what).
        styles = Qt.ToolButtonStyle
        for style in (styles.ToolButtonTextBesideIcon, styles.ToolButtonIconOnly):
            self.toolbar.setToolButtonStyle(style)
            self.export_button.setToolButtonStyle(style)
            if self.toolbar.sizeHint().width() <= self.width() - 8:
                break

    # -- the list ------------------------------------------------------------------
    def refresh(self, after: Callable[[Any], Any] | None = None,
                then: Callable[[], None] | None = None) -> None:
        """Read the runs again (matching the filter).

        `after(store)` runs first, on the worker thread (a delete, a wait for the
        recorder); `then()` runs on the GUI thread once the list is shown.
        """
        search, status = self.filter.values()
        token = self._list_token = object()  # only the newest listing is shown

        def work(store: Any) -> list[dict[str, Any]]:
            if after is not None:
                after(store)
            return store.list_runs(search=search, status=status, limit=MAX_LISTED)

        def done(runs: list[dict[str, Any]]) -> None:
            if token is self._list_token:
                self._on_listed(runs)
            if then is not None:
                then()

        self.jobs.submit(work, done, self._on_list_failed)

    def _on_listed(self, runs: list[dict[str, Any]]) -> None:
        selected = self.view.selected_ids()
        self.model.set_runs(runs)
        self.view.select_ids(selected)
        self.error = None
        self.notice.hide()
        filtered = any(self.filter.values())
        self.count.setText((self.tr("{n} matching run(s)") if filtered
                            else self.tr("{n} run(s) recorded")).format(n=len(runs)))
        self.count.setToolTip(str(self.jobs.path))
        self._update_actions()
        self.listed.emit()

    def _on_list_failed(self, reason: str) -> None:
        self.error = reason
        self.notice.setText(self.tr("The run history cannot be read: {reason}. Fix or move the "
                                    "file, then Refresh (Ctrl+R).").format(reason=reason))
        self.notice.setStyleSheet(f"color: {theme.state_color(State.FAILED).name()}")
        self.notice.show()
        self.count.setText(str(self.jobs.path))
        self.listed.emit()

    def _on_run_started(self) -> None:
        recorder = self._bridge.recorder
        if recorder is not None:  # list the new run once its row exists
            self.refresh(after=lambda _store: recorder.wait_ready())

    def _on_run_finished(self, _code: int) -> None:
        recorder = self._bridge.recorder
        # The recorder writes the end on its own thread: wait for it there, not here.
        self.refresh(after=(lambda _store: recorder.join()) if recorder is not None else None)

    # -- selection and commands ------------------------------------------------------
    def _update_actions(self, *_args: object) -> None:
        count = len(self.view.selectionModel().selectedRows())
        a = self.actions_by_name
        for name in ("open", "json", "csv", "delete"):
            a[name].setEnabled(count >= 1)
        a["compare"].setEnabled(count == 2)
        self.export_button.setEnabled(count >= 1)

    def open_run(self, run_id: int) -> RunView:
        """Open a run's window (it loads on a worker thread and shows a busy bar meanwhile)."""
        view = RunView(self.jobs, run_id, self)
        view.message.connect(self.message)
        self._keep(view)
        view.show()
        return view

    def open_selected(self) -> None:
        for run_id in self.view.selected_ids()[:MAX_OPENED]:
            self.open_run(run_id)

    def compare(self, a: int, b: int) -> CompareView:
        view = CompareView(self.jobs, a, b, self)
        self._keep(view)
        view.show()
        return view

    def compare_selected(self) -> None:
        ids = sorted(self.view.selected_ids())  # the older run is A: speedup > 1 means B is faster
        if len(ids) == 2:
            self.compare(*ids)

    def export_selected(self, fmt: str, folder: str | None = None) -> None:
        """Write each selected run into `folder`/run-ID (asks for the folder if None)."""
        ids = self.view.selected_ids()
        if not ids:
            return
        folder = folder or QFileDialog.getExistingDirectory(
            self, self.tr("Export the selected runs into…"), os.path.expanduser("~"))
        if folder:
            self.jobs.submit(lambda store: export_runs(store, ids, fmt, folder),
                             lambda paths: self.message.emit(self.tr(
                                 "Wrote {n} file(s) into {folder}").format(n=len(paths),
                                                                          folder=folder)),
                             lambda reason: self.message.emit(self.tr(
                                 "Export failed: {reason}").format(reason=reason)))

    def confirm_delete(self, run_ids: list[int]) -> bool:
        """Ask before deleting (tests replace this)."""
        names = ", ".join(f"#{i}" for i in run_ids)
        answer = QMessageBox.question(
            self, self.tr("Delete runs"),
            self.tr("Delete {names} from the run history? This cannot be undone.").format(
                names=names),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        ids = self.view.selected_ids()
        if not ids or not self.confirm_delete(ids):
            return
        kept: list[int] = []
        self.refresh(after=lambda store: kept.extend(delete_runs(store, ids)),
                     then=lambda: self._report_deleted(ids, kept))

    def _report_deleted(self, ids: list[int], kept: list[int]) -> None:
        names = ", ".join(f"#{i}" for i in kept)
        self.message.emit(self.tr("Not deleted (still being recorded): {names}").format(
            names=names) if kept else self.tr("Deleted {n} run(s)").format(n=len(ids)))

    def _keep(self, view: QWidget) -> None:
        self.views.append(view)
        view.destroyed.connect(lambda _obj=None, v=view: self.views.remove(v)
                               if v in self.views else None)

    def cleanup(self) -> None:
        """Close the run windows, stop listening, wait for queries (the window is closing)."""
        for view in list(self.views):
            view.close()
        self.filter.stop()
        self._bridge.run_started.disconnect(self._on_run_started)
        self._bridge.run_finished.disconnect(self._on_run_finished)
        self.jobs.cleanup()
