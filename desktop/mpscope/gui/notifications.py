"""Desktop notifications: failures, losses, memory warnings and the run's end, in the system tray.

On by default only while nobody looks at the window (hidden or minimized);
the View menu's Notifications submenu changes that (always, never) and adds a
sound for presenters (off by default). What is notable is the core's choice
(mpscope.core.insight.notable), shared with `--notify-command`. Events that
arrive together make one notification, not a burst of them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QSystemTrayIcon

from mpscope.core.engine.run_state import Event
from mpscope.core.insight.notable import notable
from mpscope.gui.bridge import RunBridge
from mpscope.gui.i18n.language import translated
from mpscope.gui.widgets.icons import app_icon

WHEN = ("hidden", "always", "never")
SHOW_MS = 8000


class TrayNotifier(QObject):
    """Turns a run's notable events into tray messages (`shown` keeps them, for tests)."""

    def __init__(self, window: QMainWindow, bridge: RunBridge, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.bridge = bridge
        self.settings = settings
        when = str(settings.value("notify/when", "hidden"))
        self.when = when if when in WHEN else "hidden"
        self.sound = bool(settings.value("notify/sound", False, type=bool))
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("mpscope")
            self.tray.messageClicked.connect(self._raise_window)
        self.shown: list[tuple[str, str]] = []
        self.menu = self._build_menu()
        bridge.events_arrived.connect(self._on_events)
        bridge.run_finished.connect(self._on_finished)

    def _build_menu(self) -> QMenu:
        menu = QMenu(self.tr("&Notifications"), self.window)
        menu.setToolTip(self.tr("Desktop notifications when a worker fails or is lost, memory "
                                "runs short, or the run ends"))
        group = QActionGroup(menu)
        texts = (self.tr("While the window is hidden or minimized"), self.tr("Always"),
                 self.tr("Never"))
        for when, text in zip(WHEN, texts, strict=True):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(when == self.when)
            action.setData(when)
            group.addAction(action)
        group.triggered.connect(lambda action: self.set_when(action.data()))
        menu.addSeparator()
        sound = menu.addAction(self.tr("Play a sound"))
        sound.setCheckable(True)
        sound.setChecked(self.sound)
        sound.setToolTip(self.tr("A beep with each notification (for presenters)"))
        sound.toggled.connect(self.set_sound)
        return menu

    def set_when(self, when: str) -> None:
        self.when = when
        self.settings.setValue("notify/when", when)

    def set_sound(self, on: bool) -> None:
        self.sound = on
        self.settings.setValue("notify/sound", on)

    @property
    def wanted(self) -> bool:
        """Whether a notification would show now."""
        if self.when == "never":
            return False
        return self.when == "always" or not self.window.isVisible() or self.window.isMinimized()

    def _title(self) -> str:
        config = self.bridge.config
        return (config.title if config is not None and config.title else None) or "mpscope"

    def _on_events(self, events: list[Event]) -> None:
        if not self.wanted or self.bridge.run is None:
            return
        records = self.bridge.run.engine.records
        notes = [note for e in events if (note := notable(e, records, self._title()))]
        if len(notes) == 1:
            self.notify(self._headline(notes[0]["event"]), translated(_event_of(events, notes[0])),
                        critical=notes[0]["event"] != "memory_warning")
        elif notes:
            names = ", ".join(dict.fromkeys(str(n["worker"]) for n in notes))
            self.notify(self.tr("{count} problems in the run").format(count=len(notes)),
                        self.tr("Processes: {names}").format(names=names), critical=True)

    def _on_finished(self, code: int) -> None:
        if not self.wanted:
            return
        verdict = (self.tr("The run succeeded") if code == 0 else
                   self.tr("The run ended with failures (exit status {code})").format(code=code))
        self.notify(self._title(), verdict, critical=code != 0)

    def _headline(self, kind: str) -> str:
        return {"worker_failed": self.tr("A worker failed"),
                "worker_lost": self.tr("A process was lost"),
                "memory_warning": self.tr("Memory is running short"),
                "memory_limit": self.tr("A process crossed the memory limit")}.get(kind, kind)

    def notify(self, title: str, text: str, critical: bool = False) -> None:
        """Show one notification now (and beep when asked)."""
        self.shown.append((title, text))
        if self.tray is not None:
            self.tray.show()
            icon = (QSystemTrayIcon.MessageIcon.Critical if critical
                    else QSystemTrayIcon.MessageIcon.Information)
            self.tray.showMessage(title, text, icon, SHOW_MS)
        if self.sound:
            QApplication.beep()

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def cleanup(self) -> None:
        """Stop listening; hide the tray icon (the window is closing)."""
        self.bridge.events_arrived.disconnect(self._on_events)
        self.bridge.run_finished.disconnect(self._on_finished)
        if self.tray is not None:
            self.tray.hide()


def _event_of(events: list[Event], note: dict[str, Any]) -> Any:
    """The event a notification was made from (its Text translates; the dict's str does not)."""
    return next((e.text for e in events if e.t == note["time"]), note["text"])
