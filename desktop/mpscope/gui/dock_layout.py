"""Where the docks go: a desk layout, a projector layout, and a first size that fits the screen.

Desk: the form, the events and the history are tabs of one full-height column
on the left (the form before a run, the events during it); CPU and Pool sit side
by side under the workers table. Projector (presenter mode): text is 1.6× as
large, so there is room for one row of panels only: the table on top, CPU on
the bottom left and Pool, Events, Launch and History as tabs beside it; on a
narrow projector (1024 pixels) CPU is one more tab and every panel gets the width.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QWidget

from mpscope.gui.bridge import RunBridge
from mpscope.gui.presenter import PresenterMode

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
HORIZONTAL, VERTICAL = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
DEFAULT_SIZE = QSize(1400, 860)  # on a screen that has room for it
DESK_COLUMN = ("launch", "events", "history")  # tabs of the desk layout's left column
PRESENTER_TABS = ("pool", "events", "launch", "history")  # tabs beside CPU on a projector
NARROW_LINES = 50  # presenter mode narrower than this many lines of text: CPU becomes a tab
DESK, PRESENTER, PRESENTER_NARROW = "desk", "presenter", "presenter-narrow"


def first_size(available: QRect) -> QRect:
    """The window's first geometry: the default size, or the screen's room if that is smaller."""
    size = DEFAULT_SIZE.boundedTo(available.size() - QSize(16, 40))  # room for a window frame
    x = available.x() + (available.width() - size.width()) // 2
    y = available.y() + (available.height() - size.height()) // 3
    return QRect(x, max(available.y(), y), size.width(), size.height())


class DockLayout(QObject):
    """Arranges a window's docks for its mode and size; sizes them; steps the form back at Start.

    The docks are named "launch", "cpu", "pool", "events", "history" and "lessons";
    Lessons keeps its place and visibility whatever the mode.
    """

    def __init__(self, window: QMainWindow, docks: Mapping[str, QDockWidget],
                 presenter: PresenterMode, bridge: RunBridge) -> None:
        super().__init__(window)
        self._window = window
        self._docks = docks
        self._presenter = presenter
        self._bridge = bridge
        self.mode = ""  # set by arrange()
        bridge.run_started.connect(self.after_start)

    def wanted_mode(self) -> str:
        """The layout the window needs now: DESK, PRESENTER or PRESENTER_NARROW."""
        if not self._presenter.enabled:
            return DESK
        narrow = self._window.width() < NARROW_LINES * self._window.fontMetrics().height()
        return PRESENTER_NARROW if narrow else PRESENTER

    def arrange(self) -> None:
        """Put every dock where the current mode wants it."""
        window, docks = self._window, self._docks
        self.mode = self.wanted_mode()
        shown = {name: not dock.isHidden() for name, dock in docks.items()}
        for name in (*DESK_COLUMN, "cpu", "pool"):
            docks[name].setFloating(False)
            window.removeDockWidget(docks[name])
        window.addDockWidget(BOTTOM, docks["cpu"])
        if self.mode == DESK:
            window.splitDockWidget(docks["cpu"], docks["pool"], HORIZONTAL)
            window.setTabPosition(LEFT, QTabWidget.TabPosition.North)
            window.addDockWidget(LEFT, docks[DESK_COLUMN[0]])
            for name in DESK_COLUMN[1:]:
                window.tabifyDockWidget(docks[DESK_COLUMN[0]], docks[name])
        else:
            window.setTabPosition(BOTTOM, QTabWidget.TabPosition.North)
            first = docks[PRESENTER_TABS[0]]
            if self.mode == PRESENTER:
                window.splitDockWidget(docks["cpu"], first, HORIZONTAL)
            else:
                window.tabifyDockWidget(docks["cpu"], first)
            for name in PRESENTER_TABS[1:]:
                window.tabifyDockWidget(first, docks[name])
        for name, dock in docks.items():
            dock.setVisible(shown[name])
            # A tab names its panel already: no title bar under it (two lines of height on
            # a projector). The others keep theirs: it is how a panel is moved or closed.
            untitled = name != "lessons" and (self.mode != DESK or name in DESK_COLUMN)
            if untitled != isinstance(dock.titleBarWidget(), _NoTitle):
                # None gives the dock its own title bar back (the stubs only allow a widget).
                dock.setTitleBarWidget(_NoTitle() if untitled else None)  # type: ignore[arg-type]
        docks["launch"].raise_()
        if self._bridge.running or self._bridge.records:
            self.after_start()
        # The form runs the full height on a desk; charts sit under the table only.
        window.setCorner(Qt.Corner.BottomLeftCorner, LEFT)
        window.setCorner(Qt.Corner.BottomRightCorner, RIGHT)

    def after_start(self) -> None:
        """A run started: the form steps back for what the run shows, if it was in front."""
        launch = self._docks["launch"]
        if launch.isHidden() or launch.visibleRegion().isEmpty():
            return  # another tab is in front (the user's choice), or the form is closed
        pooled = self._bridge.pool is not None
        if self.mode == DESK:
            self._docks["events"].raise_()
        else:
            self._docks["pool" if pooled else "events" if self.mode == PRESENTER
                        else "cpu"].raise_()

    def follow_size(self) -> None:
        """The window was resized or its text scaled: change the layout if it needs another."""
        if self.mode and self.mode != self.wanted_mode():
            self.arrange()
            self.default_sizes()

    def default_sizes(self) -> None:
        """Table biggest; the side column readable; charts about half the height."""
        window, docks = self._window, self._docks
        width, height = window.width(), window.height()
        line = window.fontMetrics().height()
        if self.mode != DESK:
            window.resizeDocks([docks["cpu"]], [max(13 * line, height * 11 // 20)], VERTICAL)
            if self.mode == PRESENTER:
                window.resizeDocks([docks["cpu"], docks["pool"]], [width // 2] * 2, HORIZONTAL)
            return
        side = min(max(17 * line, width * 6 // 25), 24 * line)
        window.resizeDocks([docks["launch"]], [side], HORIZONTAL)
        window.resizeDocks([docks["cpu"]], [max(13 * line, height * 9 // 20)], VERTICAL)
        rest = width - side
        window.resizeDocks([docks["cpu"], docks["pool"]], [rest * 11 // 20, rest * 9 // 20],
                           HORIZONTAL)


class _NoTitle(QWidget):
    """An empty title bar: a dock shown as a tab needs none."""
