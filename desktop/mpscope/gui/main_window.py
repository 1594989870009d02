"""The main window: builds the panels around one RunBridge, docks them and wires the menus."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from mpscope import __version__
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.cpu.panel import CpuPanel
from mpscope.gui.dock_layout import DockLayout
from mpscope.gui.events.panel import EventsPanel
from mpscope.gui.follow.attach import FollowActions
from mpscope.gui.i18n.language import language_menu
from mpscope.gui.launch.panel import LaunchPanel
from mpscope.gui.menus import build_actions, build_menus, build_toolbar
from mpscope.gui.notifications import TrayNotifier
from mpscope.gui.pool.panel import PoolPanel
from mpscope.gui.presenter import PresenterMode
from mpscope.gui.status_bar import RunStatusBar
from mpscope.gui.widgets.icons import app_icon, retint
from mpscope.gui.widgets.lazy_dock import LazyDock
from mpscope.gui.window_state import (
    CLOSE_CANCEL,
    CLOSE_TERMINATE,
    CLOSE_WAIT,
    CloseGuard,
    restore_settings,
    save_settings,
)
from mpscope.gui.workers.panel import WorkersPanel

if TYPE_CHECKING:
    from mpscope.gui.history.panel import HistoryPanel
    from mpscope.gui.lessons.panel import LessonsPanel

__all__ = ["CLOSE_CANCEL", "CLOSE_TERMINATE", "CLOSE_WAIT", "MainWindow"]
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


class MainWindow(QMainWindow):
    """The workers table in the middle, the other panels in movable docks around it.

    History (a tab behind Events) and Lessons (hidden until opened) are built the
    first time they are shown or read (`window.history`, `window.lessons`): they cost
    more than the visible panels together, and start-up must not wait for them.

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
        self.closing = CloseGuard(self, self.bridge)
        self.setWindowIcon(app_icon())
        self.workers = WorkersPanel(self.bridge, self)
        self.setCentralWidget(self.workers)
        self.launch = LaunchPanel(self.bridge, self)
        self.cpu = CpuPanel(self.bridge, self)
        self.pool = PoolPanel(self.bridge, self)
        self.events = EventsPanel(self.bridge, self)
        self.docks: dict[str, QDockWidget] = {
            "launch": self._dock("launch", self.tr("Launch"), self.launch, LEFT),
            "cpu": self._dock("cpu", self.tr("CPU"), self.cpu, BOTTOM),
            "pool": self._dock("pool", self.tr("Pool"), self.pool, BOTTOM),
            "events": self._dock("events", self.tr("Events"), self.events, BOTTOM),
            "history": self._dock("history", self.tr("History"), self._build_history, BOTTOM),
            "lessons": self._dock("lessons", self.tr("Lessons"), self._build_lessons, RIGHT),
        }
        self.docks["lessons"].hide()  # the classroom opens it (Ctrl+L); operators never need to
        self._sized = False  # default dock sizes wait for the first show (they need a size)
        self._painted = False
        self.presenter = PresenterMode(self)
        # Presenter mode is a layout too, not only larger text: one row of panels.
        self.dock_layout = DockLayout(self, self.docks, self.presenter, self.bridge)
        self.dock_layout.arrange()
        self.presenter.toggled.connect(self._on_presenter_toggled)
        scale = self.font_scaler
        self.actions_by_name = build_actions(self, {
            "open": self.launch.open_dialog, "watch": self.watch_dialog, "save": self.save,
            "save_as": self.launch.save_dialog, "quit": self.close, "start": self.launch.start,
            "stop_all": self.bridge.stop_all, "terminate_all": self.bridge.terminate_all,
            "kill_all": self.bridge.kill_all, "bigger": lambda: self.scale_font(scale.bigger()),
            "smaller": lambda: self.scale_font(scale.smaller()),
            "normal": lambda: self.scale_font(scale.set_scale(1.0)),
            "reset_layout": self.reset_layout, "about": self.about, "lessons": self.show_lessons})
        self.notifier = TrayNotifier(self, self.bridge, self.settings)
        self.theme_group = build_menus(
            self, self.actions_by_name,
            worker_actions=[self.workers.actions_by_name[n]
                            for n in ("stop", "terminate", "kill", "restart", "daemon", "stack")],
            # Lessons has its own entry (Ctrl+L, sized to be read): not a second one here.
            panel_toggles=[dock.toggleViewAction() for name, dock in self.docks.items()
                           if name != "lessons"],
            presenter=self.presenter.action, language=language_menu(self, self.settings),
            set_theme=self.set_theme, notifications=self.notifier.menu)
        file_menu = self.menuBar().actions()[0].menu()
        assert isinstance(file_menu, QMenu)
        self.follow = FollowActions(self, self.bridge, file_menu,
                                    before=self.actions_by_name["quit"])
        self.toolbar = build_toolbar(self, self.actions_by_name)
        self.status = RunStatusBar(self.bridge, self.workers.model, self)
        self.setStatusBar(self.status)
        self.counts_label = self.status.counts_label
        self.bridge.run_started.connect(self._on_run_started)
        self.bridge.run_finished.connect(self._on_run_finished)
        self.launch.path_changed.connect(self._update_title)
        self.launch.validity_changed.connect(self._update_actions)
        self.launch.validity_changed.connect(self._update_title)
        self.launch.message.connect(self._show_message)
        self.closing.message.connect(self._show_message)
        self.restored_layout = restore_settings(self, self.settings, self.font_scaler,
                                                self.theme_group, self.launch,
                                                presenter=self.presenter.enabled)
        self._update_title()
        self._update_actions()
        self.status.update_counts()

    def _dock(self, name: str, title: str, panel: QWidget | Callable[[], QWidget],
              area: Qt.DockWidgetArea) -> QDockWidget:
        if isinstance(panel, QWidget):
            dock = QDockWidget(title, self)
            dock.setWidget(panel)
        else:
            dock = LazyDock(title, self, panel)
        dock.setObjectName(f"{name}Dock")  # saveState() needs stable object names
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        toggle.setToolTip(self.tr("Show or hide the {title} panel").format(title=title))
        return dock

    # -- panels built on first use ----------------------------------------------------
    def _build_history(self) -> QWidget:
        from mpscope.gui.history.panel import HistoryPanel

        panel = HistoryPanel(self.bridge, self)
        panel.message.connect(self._show_message)
        return panel

    def _build_lessons(self) -> QWidget:
        from mpscope.gui.lessons.panel import LessonsPanel

        panel = LessonsPanel(self.bridge, self)
        panel.show_panel.connect(self.raise_panel)
        panel.run_config.connect(self.launch.load_text)  # the Launch form shows the lesson's run
        panel.message.connect(self._show_message)
        return panel

    @property
    def history(self) -> HistoryPanel:
        """The History panel (built now if it was not shown yet)."""
        return self._lazy_panel("history")  # type: ignore[return-value]

    @property
    def lessons(self) -> LessonsPanel:
        """The Lessons panel (built now if it was not shown yet)."""
        return self._lazy_panel("lessons")  # type: ignore[return-value]

    def _lazy_panel(self, name: str) -> QWidget:
        dock = self.docks[name]
        assert isinstance(dock, LazyDock)
        return dock.panel()

    def _built_panels(self) -> list[Any]:
        lazy = [dock.panel() for dock in self.docks.values()
                if isinstance(dock, LazyDock) and dock.built]
        return [self.workers, self.launch, self.cpu, self.pool, self.events, *lazy, self.status,
                self.notifier]

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
        self.status.update_counts()
        verdict = self.tr("all workers succeeded") if code == 0 else self.tr(
            "some workers failed, were stopped or were lost")
        self._show_message(self.tr("Run ended: {verdict} (exit status {code})").format(
            verdict=verdict, code=code))
        if self.closing.pending:
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

    def _show_message(self, text: str) -> None:
        self.status.show_message(text)

    # -- commands ----------------------------------------------------------------------
    def watch_dialog(self) -> None:
        """File → Watch a program…: ask what to run, then watch it."""
        from mpscope.gui.launch.watch_dialog import WatchDialog

        dialog = WatchDialog(self.settings, self)
        if dialog.exec() == WatchDialog.DialogCode.Accepted:
            self.watch(dialog.argv(), dialog.cwd.text() or None, dialog.environment(),
                       memory_limit=dialog.memory_limit())

    def watch(self, argv: list[str], cwd: str | None = None, env: dict[str, str] | None = None,
              title: str | None = None, memory_limit: int | None = None) -> bool:
        """Watch a program in this window (the dialog, `mpscope watch --window`); → started."""
        from mpscope.core.watch.watched_run import build_watched_run

        problem = self.bridge.start_watched(build_watched_run(argv, cwd, env, title,
                                                              memory_limit=memory_limit))
        if problem:
            self._show_message(problem)
        return problem is None

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

    def scale_font(self, scale: float) -> None:
        self.settings.setValue("view/font_scale", scale)
        self._show_message(self.tr("Text size {percent:.0f}%").format(percent=100 * scale))

    def show_lessons(self) -> None:
        """Open the Lessons dock at a width where text, code and results can be read."""
        dock = self.docks["lessons"]
        first = dock.isHidden()
        dock.show()
        dock.raise_()
        if first:
            self.resizeDocks([dock], [max(560, self.width() * 9 // 20)], Qt.Orientation.Horizontal)

    def raise_panel(self, name: str) -> None:
        """Bring a panel to the front: "workers" (the central table) or a dock's name."""
        if name == "workers":
            self.workers.setFocus()
            return
        dock = self.docks.get(name)
        if dock is not None:
            dock.show()
            dock.raise_()

    def reset_layout(self) -> None:
        for name, dock in self.docks.items():
            dock.setFloating(False)
            dock.setVisible(name != "lessons")
        self.dock_layout.arrange()
        self.dock_layout.default_sizes()

    def _on_presenter_toggled(self, _on: bool) -> None:
        self.dock_layout.arrange()
        QTimer.singleShot(0, self.dock_layout.default_sizes)  # at the new text size

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.dock_layout.follow_size()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_watched()
        if not self._sized:
            self._sized = True
            if not self.restored_layout:
                QTimer.singleShot(0, self.dock_layout.default_sizes)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.UpdateRequest and not self._painted:
            self._painted = True  # the first frame is out: now what can wait for it
            QTimer.singleShot(0, _import_run_modules)
        return handled

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About mpscope"), self.tr(
            "<h3>mpscope {version}</h3><p>A desktop task monitor for Python multiprocessing: "
            "launch workers and pools, watch every process, and stop, terminate, kill or "
            "restart any of them.</p>").format(version=__version__))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            retint(self)  # monochrome icons follow the text colour (light ↔ dark)
            self.status.update_counts()
        elif event.type() == QEvent.Type.FontChange:
            side = max(16, self.fontMetrics().height() + 4)
            self.toolbar.setIconSize(QSize(side, side))
            self.dock_layout.follow_size()  # larger text may need the narrow layout
        elif event.type() == QEvent.Type.WindowStateChange:
            self._update_watched()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_watched()

    def _update_watched(self) -> None:
        # Nobody looks at a hidden or minimized window: the bridge wakes up less often.
        self.bridge.set_watched(self.isVisible() and not self.isMinimized())

    # -- closing -----------------------------------------------------------------------
    def ask_close(self, daemons: int, others: int) -> str:
        """Ask what to do with running workers: CLOSE_WAIT, CLOSE_TERMINATE or CLOSE_CANCEL."""
        return self.closing.ask(daemons, others)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.bridge.running and not self.bridge.following:  # a followed run goes on
            event.ignore()
            self.closing.request(self.ask_close)  # may close later, when the run has ended
            return
        save_settings(self, self.settings, self.launch, presenter=self.presenter.enabled)
        for panel in self._built_panels():
            panel.cleanup()
        self.bridge.shutdown()
        event.accept()
        self.closed.emit()


def _import_run_modules() -> None:
    """Import, once the window is up, what the first Start would otherwise import on the spot.

    The pool engine and the history paths are needed only when a run starts; imported
    then, they would add tens of milliseconds to that click, on the GUI thread.
    """
