"""The workers panel: the live table of processes, their controls, and a details view."""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State
from mpscope.gui.bridge import RunBridge
from mpscope.gui.i18n.language import translated
from mpscope.gui.widgets.delegates import (
    ProgressDelegate,
    ReadableCheckDelegate,
    StateDelegate,
)
from mpscope.gui.widgets.icons import themed
from mpscope.gui.workers.cells import SORT_ROLE, TREE_ROLE, Column
from mpscope.gui.workers.details_dialog import WorkerDetails
from mpscope.gui.workers.model import WorkersModel
from mpscope.gui.workers.stack_dialog import StackDialog

RESORT_S = 1.0

# Sample cell texts that size the columns (the font may be scaled for a projector).
_WIDTH_SAMPLES = {
    Column.NAME: "monte_carlo_pi-10", Column.PID: "4194304", Column.TASK: "monte_carlo_pi",
    Column.STATE: "  terminated ↻2  ", Column.PROGRESS: "100% · 12.3M/s · ETA 12:34   ",
    Column.CPU: "100%", Column.RSS: "1,024 MiB", Column.DAEMON: "Daemon  ",
    Column.EXIT: "SIGKILL",
}


class WorkersPanel(QWidget):
    """A QTableView over WorkersModel with Stop/Terminate/Kill/Restart/daemon actions."""

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.model = WorkersModel(bridge, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        # Re-sorting 256 rows on every refresh would cost more than drawing them: sorted
        # views re-sort once a second instead (clicking a header still sorts at once).
        self.proxy.setDynamicSortFilter(False)
        self._sorted_at = 0.0
        self.view = QTableView(self)
        self.view.setObjectName("workersTable")
        self._setup_view()
        self.actions_by_name: dict[str, QAction] = {}
        self.toolbar = QToolBar(self.tr("Worker actions"), self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._add_action("stop", "stop", self.tr("Stop"), "S", State.STOPPING,
                         self.tr("Ask the selected processes to stop (the task sees "
                                 "StopRequested); terminate after the grace period"))
        self._add_action("terminate", "terminate", self.tr("Terminate"), "T", State.TERMINATED,
                         self.tr("Send SIGTERM to the selected processes "
                                 "(Process.terminate()); kill after the grace period"))
        self._add_action("kill", "kill", self.tr("Kill"), "K", State.KILLED,
                         self.tr("Send SIGKILL to the selected processes (Process.kill()): "
                                 "they cannot refuse"))
        self._add_action("terminate_tree", "terminate", self.tr("Terminate tree"), "Shift+T",
                         State.TERMINATED,
                         self.tr("Send SIGTERM to the selected process and every process it "
                                 "started (its children, theirs, …); others are left alone"))
        self._add_action("kill_tree", "kill", self.tr("Kill tree"), "Shift+K", State.KILLED,
                         self.tr("Send SIGKILL to the selected process and every process it "
                                 "started (its children, theirs, …); others are left alone"))
        self._add_action("pause", "pause", self.tr("Pause"), "P", State.PAUSED,
                         self.tr("Pause the selected processes and everything they started "
                                 "(SIGSTOP): they keep their memory and do nothing until resumed"))
        self._add_action("resume", "resume", self.tr("Resume"), "Shift+P", State.RUNNING,
                         self.tr("Let paused processes go on (SIGCONT), with everything they "
                                 "started"))
        self._add_action("restart", "restart", self.tr("Restart"), "R", State.RUNNING,
                         self.tr("Run the selected ended workers again, same configuration"))
        self.toolbar.addSeparator()
        self._add_action("daemon", "daemon", self.tr("Daemon"), "D", None,
                         self.tr("Toggle `daemon` on the selected workers (before start only)"))
        self._add_action("details", "details", self.tr("Details…"), "Return", None,
                         self.tr("Show everything known about the selected process"))
        self._add_action("stack", "stack", self.tr("Stack…"), "W", None,
                         self.tr("What is it doing now? Show the Python stack of every thread "
                                 "of the selected process, without stopping it"))
        self._add_action("tree", "tree", self.tr("Tree"), "V", None,
                         self.tr("Show the processes as a tree: each one under the process that "
                                 "started it, as pstree does (clicking a column header sorts "
                                 "the table flat instead)"))
        self.tree_action = self.actions_by_name["tree"]
        self.tree_action.setCheckable(True)
        self.tree_action.setChecked(True)
        self.tree_action.triggered.disconnect()
        self.tree_action.toggled.connect(self.show_tree)
        # The tree actions act on a watched program's processes only (its own tree).
        for name in ("terminate_tree", "kill_tree"):
            self.toolbar.removeAction(self.actions_by_name[name])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.view.doubleClicked.connect(self._on_double_clicked)
        bridge.refreshed.connect(self._update_actions)
        bridge.refreshed.connect(self._resort)
        self.model.modelReset.connect(self._update_actions)
        self.model.modelReset.connect(self._sort_tree)
        self.model.tree_changed.connect(self._sort_tree)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_clicked)
        self.resize_columns()
        self._update_actions()
        self._sort_tree()

    def _setup_view(self) -> None:
        view = self.view
        view.setModel(self.proxy)
        view.setItemDelegateForColumn(Column.STATE, StateDelegate(view))
        view.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(view))
        view.setItemDelegateForColumn(Column.DAEMON, ReadableCheckDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.verticalHeader().hide()
        # Fixed row heights and no ResizeToContents: both would re-measure 256 rows per refresh.
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setToolTip("")

    def _add_action(self, name: str, icon_name: str, text: str, key: str, accent: State | None,
                    tip: str) -> None:
        action = QAction(text, self)
        themed(action, icon_name, accent)
        action.setShortcut(QKeySequence(key))
        # Single-letter keys only act while the table has focus, never while typing in a form.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({native})")
        action.setData(action.toolTip())  # the usual tip, restored when no Dask row is selected
        action.triggered.connect(lambda _checked=False, n=name: self.trigger(n))
        self.addAction(action)
        self.toolbar.addAction(action)
        self.actions_by_name[name] = action

    def resize_columns(self) -> None:
        """Size columns for their widest usual text in the current (possibly scaled) font."""
        metrics = self.view.fontMetrics()
        for column, sample in _WIDTH_SAMPLES.items():
            self.view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 18)
        self.view.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        # Icons grow with the text, so a projected lock or toolbar icon stays legible.
        side = metrics.height() + 6
        self.toolbar.setIconSize(QSize(side, side))
        self.view.setIconSize(QSize(side - 8, side - 8))

    def changeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.resize_columns()

    # -- selection and actions ---------------------------------------------------
    def selected_records(self) -> list[WorkerRecord]:
        rows = self.view.selectionModel().selectedRows()
        return [self.model.record(self.proxy.mapToSource(i).row()) for i in rows]

    def select_row(self, source_row: int) -> None:
        """Select one row by its position in the model (tests, keyboard users)."""
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        # Through the selection model: selectRow() follows the keyboard modifiers still
        # held (a Shift an earlier key click left behind would extend the selection).
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.view.selectionModel().select(index, flags)
        self.view.setFocus()

    def trigger(self, name: str) -> None:
        """Apply stop, terminate, kill, restart, daemon or details to the selected rows."""
        records = self.selected_records()
        if name == "details":
            if records:
                self.show_details(records[0])
            return
        if name == "stack":
            if records and not self.model.showing_plan:
                self.show_stack(records[0])
            return
        if name == "daemon":
            for record in records:
                self.model.set_daemon(self.model.row_of(record), not record.daemon)
            return
        if self.model.showing_plan:
            return
        for record in records:
            if name == "restart" and not (record.state.is_final and record.kind == "worker"):
                continue
            if name != "restart" and record.state.is_final:
                continue
            if (name, record.state) in (("pause", State.PAUSED), ("resume", State.RUNNING)):
                continue
            self.bridge.control(name, record.wid)
        self._update_actions()

    def show_tree(self, tree: bool) -> None:
        """List the processes as a tree (depth-first, indented names) or flat."""
        self.tree_action.setChecked(tree)
        self.model.set_tree(tree)
        if tree:
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self._sort_tree()
        else:
            self.proxy.setSortRole(SORT_ROLE)

    def _sort_tree(self, *_args: object) -> None:
        if self.model.tree:
            self.proxy.setSortRole(TREE_ROLE)
            self.proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)

    def _on_sort_clicked(self, section: int, order: Qt.SortOrder) -> None:
        if section >= 0 and self.model.tree:  # a header click: the user wants it flat
            self.show_tree(False)
            self.proxy.sort(section, order)

    def _resort(self) -> None:
        header = self.view.horizontalHeader()
        now = time.monotonic()
        if self.model.tree and header.sortIndicatorSection() < 0:
            return  # the tree's order changes only when rows come (rowsInserted)
        if header.sortIndicatorSection() >= 0 and now - self._sorted_at >= RESORT_S:
            self._sorted_at = now
            self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _on_selection_changed(self, *_args: object) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        records = self.selected_records()
        live = not self.model.showing_plan
        can_signal = live and any(not r.state.is_final for r in records)
        self.actions_by_name["stop"].setEnabled(can_signal)
        tree = can_signal and bool(getattr(self.bridge.run, "TREE_ACTIONS", ()))
        self.actions_by_name["terminate_tree"].setEnabled(tree)
        self.actions_by_name["kill_tree"].setEnabled(tree)
        self.actions_by_name["terminate"].setEnabled(can_signal)
        self.actions_by_name["kill"].setEnabled(can_signal)
        states = {r.state for r in records} if live else set()
        self.actions_by_name["pause"].setEnabled(State.RUNNING in states)
        self.actions_by_name["resume"].setEnabled(State.PAUSED in states)
        self.actions_by_name["restart"].setEnabled(
            live and any(r.state.is_final and r.kind == "worker" for r in records))
        self.actions_by_name["daemon"].setEnabled(
            any(r.kind == "worker" and not self.model.daemon_locked(r) for r in records))
        self.actions_by_name["details"].setEnabled(bool(records))
        dask = [r for r in records if r.kind == "pool" and self._dask_backend()]
        self.actions_by_name["stack"].setEnabled(
            live and any(r.state.is_alive and r not in dask for r in records))
        self._explain_dask_actions(bool(dask))
        self._explain_out_of_reach()

    def _explain_out_of_reach(self) -> None:
        """A followed run whose owner cannot be reached: its commands are off, and say why."""
        reason = getattr(self.bridge.run, "control_reason", None) if self.bridge.following \
            else None
        for name in ("stop", "terminate", "kill", "pause", "resume", "restart", "stack"):
            action = self.actions_by_name[name]
            if reason is not None:
                action.setEnabled(False)
                action.setToolTip(self.tr("Not available: {reason}").format(
                    reason=translated(reason)))
            elif action.toolTip() != action.data() and name not in ("stop", "terminate", "kill"):
                action.setToolTip(action.data())  # (stop, terminate, kill: the Dask tips' own)

    def _dask_backend(self) -> bool:
        config = self.bridge.config
        return bool(config and config.pool and config.pool.backend == "dask")

    def _explain_dask_actions(self, dask: bool) -> None:
        """On Dask worker rows, Stop, Terminate and Kill mean something else: say what."""
        own = dask and self.bridge.config.pool.scheduler is None  # type: ignore[union-attr]
        restart = self.tr("Dask worker: restart it through its nanny (Dask cannot stop a "
                          "running task); the task it runs is lost and Dask retries it "
                          "on another worker")
        kill = self.tr("Dask worker of mpscope's own cluster: SIGKILL it; its nanny starts a "
                       "new one, and the task it ran is lost and retried on another worker")
        tips = {"stop": restart, "terminate": restart, "kill": kill if own else restart}
        for name, tip in tips.items():
            action = self.actions_by_name[name]
            action.setToolTip(tip if dask else action.data())

    def _on_context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        tree = bool(getattr(self.bridge.run, "TREE_ACTIONS", ()))
        for name in ("stop", "terminate", "kill", *(("terminate_tree", "kill_tree") if tree
                                                    else ()),
                     "pause", "resume", "restart", None, "daemon", "details", "stack", "tree"):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[name])
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != Column.DAEMON:
            self.show_details(self.model.record(self.proxy.mapToSource(index).row()))

    def show_details(self, record: WorkerRecord) -> WorkerDetails:
        """A non-modal window with the record as a form, its traceback and its output."""
        dialog = WorkerDetails(record, self)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()  # Esc closes it at once, without a click into it first
        return dialog

    def show_stack(self, record: WorkerRecord) -> StackDialog:
        """A non-modal, copyable window with the process's stacks, filled when they arrive."""
        dialog = StackDialog(self.bridge, record, self)
        dialog.show()
        return dialog

    def cleanup(self) -> None:
        """Stop listening to the bridge (the window is closing)."""
        self.bridge.refreshed.disconnect(self._update_actions)
        self.bridge.refreshed.disconnect(self._resort)
        self.model.cleanup()
