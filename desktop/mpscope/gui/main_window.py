"""The main window: builds the panels around one RunBridge, docks them, owns menus and closing."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QWidget,
)

from mpscope import __version__
from mpscope.core.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.icons import app_icon, retint, themed
from mpscope.gui.panels.cpu import CpuPanel
from mpscope.gui.panels.events import EventsPanel
from mpscope.gui.panels.launch import LaunchPanel
from mpscope.gui.panels.pool import PoolPanel
from mpscope.gui.panels.workers import WorkersPanel

STATE_VERSION = 1  # bump when the dock layout changes incompatibly
CLOSE_WAIT, CLOSE_TERMINATE, CLOSE_CANCEL = "wait", "terminate", "cancel"
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


class MainWindow(QMainWindow):
    """The workers table in the middle, the other panels in movable docks around it.

    Signals:
        closed(): the window accepted a close; every process has ended.
    """

    closed = Signal()

    def __init__(self, bridge: RunBridge | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.bridge = bridge or RunBridge(self)
        self.settings = settings or QSettings()
        self.font_scaler = theme.FontScaler(QApplication.instance())  # type: ignore[arg-type]
        self.last_exit_code: int | None = None
        self.close_pending: str | None = None  # wait | terminate, chosen while workers ran
        self.setWindowIcon(app_icon())
        self.workers = WorkersPanel(self.bridge, self)
        self.setCentralWidget(self.workers)
        self.launch = LaunchPanel(self.bridge, self)
        self.cpu = CpuPanel(self.bridge, self)
        self.pool = PoolPanel(self.bridge, self)
        self.events = EventsPanel(self.bridge, self)
        self.docks = {
            "launch": self._dock("launch", self.tr("Launch"), self.launch, LEFT),
            "cpu": self._dock("cpu", self.tr("CPU"), self.cpu, BOTTOM),
            "pool": self._dock("pool", self.tr("Pool"), self.pool, BOTTOM),
            "events": self._dock("events", self.tr("Events"), self.events, BOTTOM),
        }
        self.splitDockWidget(self.docks["cpu"], self.docks["pool"], Qt.Orientation.Horizontal)
        self.splitDockWidget(self.docks["pool"], self.docks["events"], Qt.Orientation.Horizontal)
        # The form runs the full height; charts and events sit under the table only.
        self.setCorner(Qt.Corner.BottomLeftCorner, LEFT)
        self._default_state = self.saveState(STATE_VERSION)
        self._sized = False  # default dock sizes wait for the first show (they need a size)
        self._build_actions()
        self._build_status_bar()
        self.bridge.run_started.connect(self._on_run_started)
        self.bridge.run_finished.connect(self._on_run_finished)
        self.bridge.refreshed.connect(self._update_status)
        self.bridge.sampled.connect(self._on_sampled)
        self.launch.path_changed.connect(self._update_title)
        self.launch.validity_changed.connect(self._update_actions)
        self.launch.validity_changed.connect(self._update_title)
        self.launch.message.connect(self._show_message)
        self.restore_settings()
        self._update_title()
        self._update_actions()
        self._update_status()

    def _dock(self, name: str, title: str, panel: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}Dock")  # saveState() needs stable object names
        dock.setWidget(panel)
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        toggle.setToolTip(self.tr("Show or hide the {title} panel").format(title=title))
        return dock

    # -- actions and menus -----------------------------------------------------------
    def _action(self, text: str, tip: str, slot, key: str | QKeySequence.StandardKey | None = None,
                icon_name: str | None = None, accent: State | None = None) -> QAction:
        action = QAction(text, self)
        if icon_name:
            themed(action, icon_name, accent)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        tr = self.tr
        a = self.actions_by_name = {
            "open": self._action(tr("&Open…"), tr("Open a TOML run configuration"),
                                 self.launch.open_dialog, "Ctrl+O", "open"),
            "save": self._action(tr("&Save"), tr("Save the configuration"), self.save, "Ctrl+S",
                                 "save"),
            "save_as": self._action(tr("Save &As…"), tr("Save the configuration to a new file"),
                                    self.launch.save_dialog, "Ctrl+Shift+S"),
            "quit": self._action(tr("&Quit"), tr("Close mpscope (asks first if workers run)"),
                                 self.close, "Ctrl+Q"),
            "start": self._action(tr("&Start"), tr("Start the run"), self.launch.start, "F5",
                                  "start", State.FINISHED),
            "stop_all": self._action(tr("S&top all"), tr("Ask every worker to stop"),
                                     self.bridge.stop_all, "Shift+F5", "stop", State.STOPPING),
            "terminate_all": self._action(tr("&Terminate all"), tr("SIGTERM every process"),
                                          self.bridge.terminate_all, "Ctrl+Shift+T", "terminate",
                                          State.TERMINATED),
            "kill_all": self._action(tr("&Kill all"), tr("SIGKILL every process"),
                                     self.bridge.kill_all, "Ctrl+Shift+K", "kill", State.KILLED),
            "bigger": self._action(tr("&Larger text"), tr("Larger text for a projector"),
                                   lambda: self._scale_font(self.font_scaler.bigger()), "Ctrl++"),
            "smaller": self._action(tr("S&maller text"), tr("Smaller text"),
                                    lambda: self._scale_font(self.font_scaler.smaller()), "Ctrl+-"),
            "normal": self._action(tr("&Normal text size"), tr("Text at its normal size"),
                                   lambda: self._scale_font(self.font_scaler.set_scale(1.0)),
                                   "Ctrl+0"),
            "reset_layout": self._action(tr("&Reset layout"), tr("Put every panel back"),
                                         self.reset_layout),
            "about": self._action(tr("&About mpscope"), tr("Version and purpose"), self.about),
        }
        # Ctrl+= too: on many keyboards "+" needs Shift, and teachers reach for Ctrl+=.
        a["bigger"].setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        _fill(self.menuBar().addMenu(tr("&File")), a, ("open", "save", "save_as", None, "quit"))
        run_menu = self.menuBar().addMenu(tr("&Run"))
        for name in ("start", "stop_all", "terminate_all", "kill_all"):
            run_menu.addAction(a[name])
        run_menu.addSeparator()
        run_menu.addActions([self.workers.actions_by_name[n]
                             for n in ("stop", "terminate", "kill", "restart", "daemon")])
        view_menu = self.menuBar().addMenu(tr("&View"))
        view_menu.addActions([dock.toggleViewAction() for dock in self.docks.values()])
        view_menu.addSeparator()
        view_menu.addActions([a["bigger"], a["smaller"], a["normal"]])
        theme_menu = view_menu.addMenu(tr("&Theme"))
        self.theme_group = QActionGroup(self)
        for name, text in zip(theme.THEMES, (tr("Follow the system"), tr("Light"), tr("Dark")),
                              strict=True):
            action = theme_menu.addAction(text)
            action.setCheckable(True)
            action.setData(name)
            action.setToolTip(tr("Colours: {text}").format(text=text))
            self.theme_group.addAction(action)
        self.theme_group.triggered.connect(lambda action: self.set_theme(action.data()))
        view_menu.addSeparator()
        view_menu.addAction(a["reset_layout"])
        self.menuBar().addMenu(tr("&Help")).addAction(a["about"])
        toolbar = self.toolbar = QToolBar(tr("Main toolbar"), self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        _fill(toolbar, a, ("open", "save", None, "start", "stop_all", "terminate_all", "kill_all"))
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        self.counts_label = QLabel()
        self.counts_label.setToolTip(self.tr("Workers and pool processes by state"))
        self.rate_label = QLabel()
        self.rate_label.setToolTip(self.tr("Messages received from workers per second"))
        self.own_label = QLabel()
        self.own_label.setToolTip(self.tr("mpscope's own CPU use and memory (RSS)"))
        for label in (self.counts_label, self.rate_label, self.own_label):
            label.setContentsMargins(6, 0, 6, 0)
        bar = self.statusBar()
        # Permanent widgets: a passing message (left) must never hide the counts.
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.rate_label)
        bar.addPermanentWidget(self.own_label)

    # -- following the run -------------------------------------------------------------
    def _on_run_started(self) -> None:
        self.last_exit_code = None
        self._update_actions()
        self._update_title()
        self._show_message(self.tr("Run started"))

    def _on_run_finished(self, code: int) -> None:
        self.last_exit_code = code
        self._update_actions()
        self._update_title()
        self._update_status()
        verdict = self.tr("all workers succeeded") if code == 0 else self.tr(
            "some workers failed, were stopped or were lost")
        self._show_message(self.tr("Run ended: {verdict} (exit status {code})").format(
            verdict=verdict, code=code))
        if self.close_pending:
            QTimer.singleShot(0, self.close)

    def _update_actions(self) -> None:
        running = self.bridge.running
        a = self.actions_by_name
        a["start"].setEnabled(self.launch.can_start())
        a["save"].setEnabled(self.launch.config is not None)
        a["save_as"].setEnabled(self.launch.config is not None)
        for name in ("stop_all", "terminate_all", "kill_all"):
            a[name].setEnabled(running)

    def _update_title(self, *_args: object) -> None:
        config = self.launch.config
        path = self.launch.path
        name = (config.title if config and config.title else None) or (
            path.rsplit("/", 1)[-1] if path else self.tr("untitled"))
        if self.bridge.running:
            state = self.tr("running")
        elif self.last_exit_code is None:
            state = self.tr("ready")
        elif self.last_exit_code == 0:
            state = self.tr("finished")
        else:
            state = self.tr("ended with failures")
        self.setWindowTitle(f"{name} — {state} — mpscope")

    def _update_status(self) -> None:
        records = self.bridge.records if not self.workers.model.showing_plan else []
        if not records:
            planned = self.workers.model.rowCount()
            self.counts_label.setText(self.tr("{n} worker(s) planned").format(n=planned))
            return
        counts = Counter(r.state for r in records)
        parts = []
        for state in State:
            if counts[state]:
                color = theme.state_color(state).name()
                parts.append(f'<span style="color:{color}">●</span> {counts[state]} '
                             f"{self.workers.model.state_name(state)}")
        self.counts_label.setText("&nbsp;&nbsp;".join(parts))

    def _on_sampled(self, sample: object) -> None:
        own = self.bridge.last_sample
        self.rate_label.setText(self.tr("{rate:,.0f} msg/s").format(
            rate=self.bridge.messages_per_second))
        if own is not None:
            self.own_label.setText(self.tr("mpscope: CPU {cpu:.0f}% · {rss:,.0f} MiB").format(
                cpu=own.own_cpu, rss=own.own_rss / 2**20))

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- commands ----------------------------------------------------------------------
    def save(self) -> None:
        if self.launch.path:
            self.launch.save_file(self.launch.path)
        else:
            self.launch.save_dialog()

    def set_theme(self, name: str) -> None:
        theme.apply_theme(QApplication.instance(), name)  # type: ignore[arg-type]
        self.settings.setValue("view/theme", name)
        for action in self.theme_group.actions():
            action.setChecked(action.data() == name)

    def _scale_font(self, scale: float) -> None:
        self.settings.setValue("view/font_scale", scale)
        self._show_message(self.tr("Text size {percent:.0f}%").format(percent=100 * scale))

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, STATE_VERSION)
        for dock in self.docks.values():
            dock.show()
        self._default_sizes()

    def _default_sizes(self) -> None:
        """Table biggest; form and events readable at the sides; charts a third of the height."""
        width, height = self.width(), self.height()
        docks = self.docks
        side = max(320, width // 5)
        self.resizeDocks([docks["launch"]], [side], Qt.Orientation.Horizontal)
        self.resizeDocks([docks["cpu"]], [max(240, height * 9 // 20)], Qt.Orientation.Vertical)
        rest = width - side
        self.resizeDocks([docks["cpu"], docks["pool"], docks["events"]],
                         [rest * 2 // 5, rest * 3 // 10, rest * 3 // 10], Qt.Orientation.Horizontal)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            if not self.restored_layout:
                QTimer.singleShot(0, self._default_sizes)

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About mpscope"), self.tr(
            "<h3>mpscope {version}</h3><p>A desktop task monitor for Python multiprocessing: "
            "launch workers and pools, watch every process, and stop, terminate, kill or "
            "restart any of them.</p>").format(version=__version__))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            retint(self)  # monochrome icons follow the text colour (light ↔ dark)
            self._update_status()
        elif event.type() == QEvent.Type.FontChange:
            side = max(16, self.fontMetrics().height() + 4)
            self.toolbar.setIconSize(QSize(side, side))
        elif event.type() == QEvent.Type.WindowStateChange:
            # Nobody looks at a minimized window: stop sampling CPU for it.
            self.bridge.set_sampling_active(not self.isMinimized())

    # -- settings ----------------------------------------------------------------------
    def restore_settings(self) -> None:
        s = self.settings
        scale = float(s.value("view/font_scale", 1.0))
        if scale != 1.0:
            self.font_scaler.set_scale(scale)
        chosen = str(s.value("view/theme", "system"))
        if chosen != "system":
            theme.apply_theme(QApplication.instance(), chosen)  # type: ignore[arg-type]
        for action in self.theme_group.actions():
            action.setChecked(action.data() == chosen)
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        state = s.value("window/state")
        self.restored_layout = isinstance(state, QByteArray) and self.restoreState(
            state, STATE_VERSION)
        path, text = str(s.value("launch/path", "")), str(s.value("launch/text", ""))
        if not (path and self.launch.load_file(path)) and text:
            self.launch.load_text(text)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(STATE_VERSION))
        s.setValue("launch/path", self.launch.path)
        if self.launch.text():
            s.setValue("launch/text", self.launch.text())
        s.sync()

    # -- closing -----------------------------------------------------------------------
    def ask_close(self, daemons: int, others: int) -> str:
        """Ask what to do with running workers: CLOSE_WAIT, CLOSE_TERMINATE or CLOSE_CANCEL."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Workers are still running"),
                          self.tr("{n} process(es) are still running.").format(n=daemons + others),
                          parent=self)
        box.setInformativeText(self.tr(
            "As in Python: daemon processes ({daemons}, pool processes included) end with "
            "mpscope; the other {others} are waited for until they finish.\n\n"
            "Wait: end the daemons, let the others finish, then close.\n"
            "Terminate all: send SIGTERM to every process now, then close.").format(
                daemons=daemons, others=others))
        wait = box.addButton(self.tr("Wait for workers"), QMessageBox.ButtonRole.AcceptRole)
        terminate = box.addButton(self.tr("Terminate all"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return {wait: CLOSE_WAIT, terminate: CLOSE_TERMINATE}.get(clicked, CLOSE_CANCEL)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.bridge.running:
            event.ignore()
            alive = [r for r in self.bridge.records if r.state.is_alive or r.state is State.PENDING]
            daemons = [r for r in alive if r.daemon or r.kind == "pool"]
            choice = self.ask_close(len(daemons), len(alive) - len(daemons))
            if choice == CLOSE_CANCEL:
                return
            self.close_pending = choice
            if choice == CLOSE_TERMINATE:
                self.bridge.terminate_all()
                self._show_message(self.tr("Terminating every process, then closing…"))
            else:
                for record in daemons:
                    if record.kind == "worker":
                        self.bridge.control("terminate", record.wid)
                if self.bridge.pool is not None and self.bridge.pool.busy:
                    self.bridge.pool.kill()
                self._show_message(self.tr("Waiting for the non-daemon workers to finish, "
                                           "then closing (close again to choose otherwise)…"))
            if not self.bridge.running:  # the run ended while the question was open
                QTimer.singleShot(0, self.close)
            return
        self.save_settings()
        for panel in (self.workers, self.launch, self.cpu, self.pool, self.events):
            panel.cleanup()
        self.bridge.shutdown()
        event.accept()
        self.closed.emit()


def _fill(target: QMenu | QToolBar, actions: dict[str, QAction],
          names: tuple[str | None, ...]) -> None:
    """Add the named actions in order; None is a separator."""
    for name in names:
        if name is None:
            target.addSeparator()
        else:
            target.addAction(actions[name])
