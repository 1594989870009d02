"""A dock whose panel is built the first time it is shown, or when the program asks for it.

Lessons (hidden until the classroom opens it) and History (a tab behind Events)
cost more to build than everything visible at start-up together: the lessons
catalogue parses the lessons' sources, the history lists the database. The dock
itself exists from the start, so `restoreState()` finds it by its object name
and View menu toggles work; only its content waits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDockWidget, QWidget


class LazyDock(QDockWidget):
    """Builds its panel with `build()` when the dock first becomes visible (or on `panel()`).

    "Visible" as `visibilityChanged` means it: a dock in a tab behind another is
    shown with the window but reports itself invisible until its tab is chosen.
    """

    def __init__(self, title: str, parent: QWidget, build: Callable[[], QWidget]) -> None:
        super().__init__(title, parent)
        self._build: Callable[[], QWidget] | None = build
        self.visibilityChanged.connect(self._on_visibility_changed)

    @property
    def built(self) -> bool:
        return self._build is None

    def panel(self) -> QWidget:
        """The panel, built now if it was not yet."""
        if self._build is not None:
            build, self._build = self._build, None
            widget = build()
            self.setWidget(widget)
            if self.isVisible():
                widget.show()  # else Qt shows it one event-loop pass later: an empty frame
        widget = self.widget()
        assert widget is not None
        return widget

    def _on_visibility_changed(self, visible: bool) -> None:
        if visible and self._build is not None:
            self.panel()
