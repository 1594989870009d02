"""SIGINT and SIGTERM from a terminal or `kill`, delivered to the GUI thread as a Qt signal.

A Python signal handler runs only when the interpreter runs bytecode, and an
idle Qt event loop runs none: the window would not hear Ctrl-C until the mouse
moved, and the default SIGTERM would end it without recording its run. The C
handler writes the signal's number to a socket (`signal.set_wakeup_fd`), and a
QSocketNotifier wakes the event loop on it.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class SignalRelay(QObject):
    """Turns SIGINT and SIGTERM into `received(signum)` on the GUI thread, until `uninstall`.

    Signals:
        received(int): a signal arrived (its number).
    """

    received = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous: dict[int, Any] = {}
        self._previous_fd = -1
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    def install(self) -> None:
        """Handle SIGINT and SIGTERM (call on the main thread)."""
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        for signum in SIGNALS:
            # The Python handler does nothing: the byte on the socket is what counts.
            self._previous[signum] = signal.signal(signum, lambda *_: None)

    def uninstall(self) -> None:
        """Give back the handlers and the wake-up descriptor found at `install`."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        for end in (self._read, self._write):
            end.close()

    def _on_readable(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            for signum in self._read.recv(64):
                if signum in SIGNALS:
                    self.received.emit(signum)
