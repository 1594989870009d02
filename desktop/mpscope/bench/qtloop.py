"""Qt helpers for benchmarks: an offscreen application and a timer-lateness probe."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def application():  # type: ignore[no-untyped-def]
    """The QApplication (offscreen unless a display is set)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


class LatenessProbe:
    """A 5 ms QTimer that records how late each tick fires: the GUI's responsiveness."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last - self.interval)
        self._last = now


def spin_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Run the Qt event loop until `condition()` holds; False on timeout."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.0005)
    return True
