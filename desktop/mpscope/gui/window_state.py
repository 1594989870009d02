"""The main window's life around its panels: what it remembers between sessions, and closing.

`save_settings`/`restore_settings` keep the geometry, the dock layout, the theme,
the text size and the launch form; `CloseGuard` decides what closing means while
processes still run (ask; then wait for the non-daemon ones, or terminate all).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.dock_layout import first_size
from mpscope.gui.launch.panel import LaunchPanel

# Bump when the dock layout changes incompatibly (2: History, 3: Lessons, 4: desk and
# presenter layouts, remembered apart).
STATE_VERSION = 4
CLOSE_WAIT, CLOSE_TERMINATE, CLOSE_CANCEL = "wait", "terminate", "cancel"


# -- settings ----------------------------------------------------------------------
def restore_settings(window: QMainWindow, s: QSettings, font_scaler: theme.FontScaler,
                     theme_group: QActionGroup, launch: LaunchPanel, presenter: bool = False
                     ) -> bool:
    """Apply the saved text size, theme, geometry, layout and form; True if a layout was saved."""
    scale = float(str(s.value("view/font_scale", 1.0)))
    if scale != 1.0:
        font_scaler.set_scale(scale)
    chosen = str(s.value("view/theme", "system"))
    if chosen != "system":
        theme.apply_theme(QApplication.instance(), chosen)  # type: ignore[arg-type]
    for action in theme_group.actions():
        action.setChecked(action.data() == chosen)
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:  # the first start: as large as the screen has room for, up to the default size
        window.setGeometry(first_size(window.screen().availableGeometry()))
    state = s.value(_state_key(presenter))
    restored = isinstance(state, QByteArray) and window.restoreState(state, STATE_VERSION)
    path, text = str(s.value("launch/path", "")), str(s.value("launch/text", ""))
    if path and not os.path.exists(path) and text:
        # The file is gone: the form as it was at close, still named after its file (Save
        # writes it again), and one message that says so rather than a bare file error.
        launch.load_text(text)
        launch.path = path
        launch.path_changed.emit(path)
        launch.message.emit(QCoreApplication.translate(
            "WindowState", "{path} is gone: the form shows it as it was when mpscope closed "
            "(Save writes it again)").format(path=path))
    elif not (path and launch.load_file(path)) and text:
        launch.load_text(text)
    if launch.config is None:  # a restored form that cannot run: no other plan in the table
        launch.bridge.set_config(None)
    return restored


def _state_key(presenter: bool) -> str:
    """The desk and presenter layouts are remembered apart: each is its own arrangement."""
    return "window/presenter_state" if presenter else "window/state"


def save_settings(window: QMainWindow, s: QSettings, launch: LaunchPanel,
                  presenter: bool = False) -> None:
    """Remember the geometry, the dock layout and the form (theme and size are saved as set)."""
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue(_state_key(presenter), window.saveState(STATE_VERSION))
    s.setValue("launch/path", launch.path)
    if launch.text():
        s.setValue("launch/text", launch.text())
    s.sync()


# -- closing -----------------------------------------------------------------------
class CloseGuard(QObject):
    """What a close means while processes run: ask, then wait or terminate, then close.

    Signals:
        message(str): what is happening, for the status bar.
    """

    message = Signal(str)

    def __init__(self, window: QWidget, bridge: RunBridge) -> None:
        super().__init__(window)
        self._window = window
        self._bridge = bridge
        self.pending: str | None = None  # CLOSE_WAIT | CLOSE_TERMINATE, chosen during a run
        self.interrupted = False  # a SIGINT or SIGTERM is stopping the run

    def ask(self, daemons: int, others: int) -> str:
        """Ask what to do with running workers: CLOSE_WAIT, CLOSE_TERMINATE or CLOSE_CANCEL."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Workers are still running"),
                          self.tr("{n} process(es) are still running.").format(n=daemons + others),
                          parent=self._window)
        box.setInformativeText(self.tr(
            "As in Python: daemon processes ({daemons}, pool processes included) end with "
            "mpscope; the other {others} are waited for until they finish.\n\n"
            "Wait: end the daemons, let the others finish, then close.\n"
            "Terminate all: send SIGTERM to every process now, then close.").format(
                daemons=daemons, others=others))
        wait = box.addButton(self.tr("Wait for workers"), QMessageBox.ButtonRole.AcceptRole)
        terminate = box.addButton(self.tr("Terminate all"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)  # default
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is wait:
            return CLOSE_WAIT
        return CLOSE_TERMINATE if clicked is terminate else CLOSE_CANCEL

    def request(self, ask: Callable[[int, int], str]) -> None:
        """The window was asked to close during a run: ask (with `ask`), then act on the answer.

        The close itself happens later: when the run ends (the window calls
        `close()` again on `run_finished` while `pending` is set).
        """
        bridge = self._bridge
        alive = [r for r in bridge.records if r.state.is_alive or r.state is State.PENDING]
        daemons = [r for r in alive if r.daemon or r.kind == "pool"]
        choice = ask(len(daemons), len(alive) - len(daemons))
        if choice == CLOSE_CANCEL:
            return
        self.pending = choice
        if choice == CLOSE_TERMINATE:
            bridge.terminate_all()
            self.message.emit(self.tr("Terminating every process, then closing…"))
        else:
            for record in daemons:
                if record.kind == "worker":
                    bridge.control("terminate", record.wid)
            if bridge.pool is not None and bridge.pool.busy:
                bridge.pool.kill()
            self.message.emit(self.tr("Waiting for the non-daemon workers to finish, "
                                      "then closing (close again to choose otherwise)…"))
        if not bridge.running:  # the run ended while the question was open
            QTimer.singleShot(0, self._window.close)

    def interrupt(self) -> None:
        """SIGINT or SIGTERM (nobody may be at the screen to answer): stop the run as
        `mpscope run` does, without asking; again: kill it. The window closes once the
        run has ended, so the run is recorded whole."""
        bridge = self._bridge
        if not bridge.running or bridge.following:
            self._window.close()
            return
        if self.interrupted:
            self.message.emit(self.tr("Interrupted again: killing every process…"))
            bridge.kill_all()
            return
        self.interrupted = True
        self.pending = CLOSE_TERMINATE
        bridge.run.interrupted = True  # the run's exit status: 130, as `mpscope run` gives
        self.message.emit(self.tr("Interrupted: stopping every process, then closing "
                                  "(interrupt again to kill them now)…"))
        bridge.stop_all()
