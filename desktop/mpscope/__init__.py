"""mpscope: a desktop task monitor for Python multiprocessing.

A program watched with `mpscope watch` may report progress and log lines from
its main process or any child. Both calls are cheap, never raise and do
nothing at all when the program is not run under mpscope::

    try:
        from mpscope import log, progress
    except ImportError:  # mpscope not installed: the same calls do nothing
        def progress(done, total=None, note=None): pass
        def log(text): pass
"""

import os as _os

__version__ = "0.1.0"
__all__ = ["log", "progress"]
_WATCH = "MPSCOPE_WATCH"


def progress(done: float, total: "float | None" = None, note: "str | None" = None) -> None:
    """Report `done` of `total` (coalesced: at most ten messages a second)."""
    if not _os.environ.get(_WATCH):
        return
    try:
        import time

        from mpscope.core.watch.client import channel
        from mpscope.core.watch.messages import Progress

        channel().progress(Progress(_os.getpid(), float(done),
                                    None if total is None else float(total),
                                    None if note is None else str(note)[:200], time.time()))
    except Exception:  # noqa: BLE001 - never disturb the program
        pass


def log(text: object) -> None:
    """Send a log line (or several) to mpscope's events."""
    if not _os.environ.get(_WATCH):
        return
    try:
        import time

        from mpscope.core.watch.client import channel, lines_of
        from mpscope.core.watch.messages import Log

        channel().send(Log(_os.getpid(), tuple(lines_of(text)), time.time()))
    except Exception:  # noqa: BLE001
        pass
