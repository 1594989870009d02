"""mpscope's own background work at a lower CPU priority: the programs it watches come first.

On Linux a thread has a nice value of its own (`setpriority(PRIO_PROCESS, tid)`
sets one thread), so a thread can step back without the process's children,
started before or by other threads, inheriting it. Elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

BACKGROUND = 10  # nice steps below the process's own priority (the range ends at 19)
_LINUX = sys.platform.startswith("linux")
_base: int | None = None


def step_back(native_id: int | None = None) -> None:
    """Lower one thread (the calling one by default) to BACKGROUND below the process's priority;
    a thread already that low is left alone."""
    global _base
    if not _LINUX:
        return
    with contextlib.suppress(OSError, AttributeError):
        if _base is None:
            _base = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the main thread's
        tid = native_id if native_id is not None else threading.get_native_id()
        target = min(19, _base + BACKGROUND)
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)


def step_back_all() -> None:
    """Lower every thread of this process (threads started later inherit it from their maker)."""
    step_back()  # first the calling thread, which reads the process's priority as it was
    for thread in threading.enumerate():
        if thread.native_id is not None:
            step_back(thread.native_id)
