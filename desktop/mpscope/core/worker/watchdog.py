"""Orphan watchdog: a child ends itself, and all it started, once its parent is gone."""

from __future__ import annotations

import multiprocessing

# `import multiprocessing` does not load `connection`; a spawned child that has
# not imported it yet would fail with AttributeError inside the thread.
import multiprocessing.connection
import os
import signal
import threading

from mpscope.core.worker.exit_codes import EXIT_ORPHANED
from mpscope.core.worker.process_group import end_own_tree


def start_orphan_watchdog() -> None:
    """Start a daemon thread: once the parent dies, kill our descendants and os._exit(70)."""
    parent = multiprocessing.parent_process()
    if parent is None:  # the main process has no multiprocessing parent to watch
        return
    thread = threading.Thread(
        target=_watch, args=(parent.sentinel,), name="mpscope-orphan-watchdog", daemon=True
    )
    thread.start()


def _watch(sentinel: int) -> None:
    # The sentinel is the read end of a pipe whose write end only the parent
    # holds: it becomes readable (EOF) exactly when the parent is gone, however
    # it died, SIGKILL included.
    multiprocessing.connection.wait([sentinel])
    # Whatever this process started (a Pool, a subprocess) would outlive it otherwise.
    try:
        end_own_tree(signal.SIGKILL)
    finally:
        os._exit(EXIT_ORPHANED)
