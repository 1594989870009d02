"""Pseudo-terminals for a watched program whose output goes to a terminal.

When mpscope's stdout (or stderr) is a terminal, the program gets a pty for
that stream instead of a pipe, so `isatty()`, line buffering, colours,
progress bars and `os.get_terminal_size()` behave as they would without
mpscope. The pty only carries output: the program gets no new session and no
controlling terminal, so it stays in the terminal's foreground process group
and Ctrl-C reaches it exactly as before. Output post-processing (OPOST) is off
on the pty, so bytes reach the real terminal unchanged (the real terminal turns
`\\n` into `\\r\\n` itself, once).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import termios

WINSIZE_BYTES = 8  # struct winsize: four unsigned shorts


def is_terminal(fd: int) -> bool:
    """Whether mpscope's own `fd` (1 or 2) is a terminal."""
    try:
        return os.isatty(fd)
    except OSError:
        return False


def open_output_pty(like: int) -> tuple[int, int]:
    """A pty for one output stream → (master, slave): OPOST off, `like`'s window size."""
    master, slave = os.openpty()
    try:
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.OPOST  # oflag: pass `\n` through; the real terminal adds the `\r`
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        copy_window_size(like, master)
    except BaseException:
        os.close(master)
        os.close(slave)
        raise
    return master, slave


def copy_window_size(source: int, pty: int) -> None:
    """Give `pty` the window size of the terminal `source` (nothing if it has none)."""
    with contextlib.suppress(OSError):
        size = fcntl.ioctl(source, termios.TIOCGWINSZ, bytes(WINSIZE_BYTES))
        fcntl.ioctl(pty, termios.TIOCSWINSZ, size)
