"""Presenter mode: large text and thick chart lines for a projector, one toggle, remembered."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from mpscope.gui.theme import FontScaler
from mpscope.gui.widgets.charts import chart_style

PRESENTER_SCALE = 1.6
SHORTCUT = "Ctrl+Shift+P"
KEY = "view/presenter"
SCALE_KEY = "view/font_scale"  # the main window's own font-scale setting
PREVIOUS_KEY = "view/presenter_previous_scale"


class PresenterMode(QObject):
    """Owns the checkable "Presenter mode" action (Ctrl+Shift+P) for a window.

    On: the text grows to 1.6× (through the window's FontScaler, so Ctrl+= and
    Ctrl+- still adjust it) and every chart switches to the presenter style.
    Off: the text size from before comes back. The choice survives a restart.

    Signals:
        toggled(bool): presenter mode switched on or off.
    """

    toggled = Signal(bool)

    def __init__(self, window: QWidget, settings: QSettings | None = None,
                 font_scaler: FontScaler | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings or getattr(window, "settings", None) or QSettings()
        scaler = font_scaler or getattr(window, "font_scaler", None)
        self._scaler = scaler or FontScaler(QApplication.instance())  # type: ignore[arg-type]
        self.action = QAction(self.tr("&Presenter mode"), window, checkable=True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        key = self.action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = self.tr("Large text and thick chart lines for a projector ({key})").format(key=key)
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.action.setObjectName("presenterAction")
        window.addAction(self.action)  # the shortcut works before the action is in a menu
        if _as_bool(self._settings.value(KEY, False)):
            # The window restored the presenter's font scale already: only the charts follow.
            self.action.setChecked(True)
            chart_style().set_presenter(True)
        self.action.toggled.connect(self.set_enabled)

    @property
    def enabled(self) -> bool:
        return self.action.isChecked()

    def set_enabled(self, on: bool) -> None:
        """Switch presenter mode (the action follows); the text size and charts change at once."""
        if self.action.isChecked() != on:
            self.action.setChecked(on)  # comes back here through `toggled`
            return
        s = self._settings
        if on:
            s.setValue(PREVIOUS_KEY, self._scaler.scale)
            scale = self._scaler.set_scale(max(PRESENTER_SCALE, self._scaler.scale))
        else:
            scale = self._scaler.set_scale(float(str(s.value(PREVIOUS_KEY, 1.0))))
            s.remove(PREVIOUS_KEY)
        s.setValue(SCALE_KEY, scale)
        s.setValue(KEY, on)
        chart_style().set_presenter(on)
        if isinstance(self._window, QMainWindow):
            self._window.statusBar().showMessage(
                self.tr("Presenter mode on: large text, thick lines") if on
                else self.tr("Presenter mode off"), 5000)
        self.toggled.emit(on)


def _as_bool(value: object) -> bool:
    """QSettings hands back "true"/"false" strings from INI files."""
    return value in (True, "true", "1", 1)
