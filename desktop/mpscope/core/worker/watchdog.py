"""Orphan watchdog: a multiprocessing child ends itself once its parent process is gone."""

from __future__ import annotations

import multiprocessing

# `import multiprocessing` does not load `connection`; a spawned child that has
# not imported it yet would fail with AttributeError inside the thread.
import multiprocessing.connection
import os
import threading

from mpscope.core.worker.exit_codes import EXIT_ORPHANED


def start_orphan_watchdog() -> None:
    """Start a daemon thread that calls os._exit(70) when the parent process dies."""
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
    os._exit(EXIT_ORPHANED)
