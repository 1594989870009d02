"""The main window's actions, menu bar and toolbar, built from the panels it already has."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.widgets.actions import fill, make_action

# The texts keep the window's translation context, "MainWindow", so its translations apply.
translate = QCoreApplication.translate


def build_actions(window: QMainWindow,
                  slots: Mapping[str, Callable[[], object]]) -> dict[str, QAction]:
    """The window's own commands by name, each calling `slots[name]`, with shortcut and tooltip."""

    def action(text: str, tip: str, slot: str, key: str | None = None,
               icon_name: str | None = None, accent: State | None = None) -> QAction:
        return make_action(window, text, tip, slots[slot], key, icon_name, accent)

    a = {
        "open": action(translate("MainWindow", "&Open…"),
                       translate("MainWindow", "Open a TOML run configuration"),
                       "open", "Ctrl+O", "open"),
        "watch": action(translate("MainWindow", "&Watch a program…"),
                        translate("MainWindow", "Run your own program unchanged and watch its "
                                                "processes, pool tasks and output"),
                        "watch", "Ctrl+Shift+W"),
        "save": action(translate("MainWindow", "&Save"),
                       translate("MainWindow", "Save the configuration"),
                       "save", "Ctrl+S", "save"),
        "save_as": action(translate("MainWindow", "Save &As…"),
                          translate("MainWindow", "Save the configuration to a new file"),
                          "save_as", "Ctrl+Shift+S"),
        "quit": action(translate("MainWindow", "&Quit"),
                       translate("MainWindow", "Close mpscope (asks first if workers run)"),
                       "quit", "Ctrl+Q"),
        "start": action(translate("MainWindow", "&Start"), translate("MainWindow", "Start the run"),
                        "start", "F5", "start", State.FINISHED),
        "stop_all": action(translate("MainWindow", "S&top all"),
                           translate("MainWindow", "Ask every worker to stop"),
                           "stop_all", "Shift+F5", "stop", State.STOPPING),
        "terminate_all": action(translate("MainWindow", "&Terminate all"),
                                translate("MainWindow", "SIGTERM every process"),
                                "terminate_all", "Ctrl+Shift+T", "terminate",
                                State.TERMINATED),
        "kill_all": action(translate("MainWindow", "&Kill all"),
                           translate("MainWindow", "SIGKILL every process"),
                           "kill_all", "Ctrl+Shift+K", "kill", State.KILLED),
        "bigger": action(translate("MainWindow", "&Larger text"),
                         translate("MainWindow", "Larger text for a projector"),
                         "bigger", "Ctrl++"),
        "smaller": action(translate("MainWindow", "S&maller text"),
                          translate("MainWindow", "Smaller text"),
                          "smaller", "Ctrl+-"),
        "normal": action(translate("MainWindow", "&Normal text size"),
                         translate("MainWindow", "Text at its normal size"),
                         "normal", "Ctrl+0"),
        "reset_layout": action(translate("MainWindow", "&Reset layout"),
                               translate("MainWindow", "Put every panel back"),
                               "reset_layout"),
        "about": action(translate("MainWindow", "&About mpscope"),
                        translate("MainWindow", "Version and purpose"), "about"),
        "lessons": action(translate("MainWindow", "&Lessons"),
                          translate("MainWindow",
                                    "Guided lessons: every multiprocessing idea, live"),
                          "lessons", "Ctrl+L", "lessons"),
    }
    # Ctrl+= too: on many keyboards "+" needs Shift, and teachers reach for Ctrl+=.
    a["bigger"].setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
    return a


def build_menus(window: QMainWindow, a: dict[str, QAction], *, worker_actions: list[QAction],
                panel_toggles: list[QAction], presenter: QAction, language: QMenu,
                set_theme: Callable[[str], None],
                notifications: QMenu | None = None) -> QActionGroup:
    """File, Run, View and Help; → the theme choices, which call `set_theme(name)`."""
    bar = window.menuBar()
    fill(bar.addMenu(translate("MainWindow", "&File")), a,
         ("open", "watch", "save", "save_as", None, "quit"))
    run_menu = bar.addMenu(translate("MainWindow", "&Run"))
    for name in ("start", "stop_all", "terminate_all", "kill_all"):
        run_menu.addAction(a[name])
    run_menu.addSeparator()
    run_menu.addActions(worker_actions)
    view_menu = bar.addMenu(translate("MainWindow", "&View"))
    view_menu.addActions(panel_toggles)
    view_menu.addSeparator()
    view_menu.addActions([a["lessons"], presenter])
    view_menu.addActions([a["bigger"], a["smaller"], a["normal"]])
    theme_menu = view_menu.addMenu(translate("MainWindow", "&Theme"))
    group = QActionGroup(window)
    names = (translate("MainWindow", "Follow the system"), translate("MainWindow", "Light"),
             translate("MainWindow", "Dark"))
    for name, text in zip(theme.THEMES, names, strict=True):
        action = theme_menu.addAction(text)
        action.setCheckable(True)
        action.setData(name)
        action.setToolTip(translate("MainWindow", "Colours: {text}").format(text=text))
        group.addAction(action)
    group.triggered.connect(lambda action: set_theme(action.data()))
    view_menu.addMenu(language)
    if notifications is not None:
        view_menu.addMenu(notifications)
    view_menu.addSeparator()
    view_menu.addAction(a["reset_layout"])
    bar.addMenu(translate("MainWindow", "&Help")).addAction(a["about"])
    return group


def build_toolbar(window: QMainWindow, a: dict[str, QAction]) -> QToolBar:
    """The main toolbar: files, the run's commands and the lessons."""
    toolbar = QToolBar(translate("MainWindow", "Main toolbar"), window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    fill(toolbar, a, ("open", "save", None, "start", "stop_all", "terminate_all", "kill_all",
                      None, "lessons"))
    window.addToolBar(toolbar)
    return toolbar
