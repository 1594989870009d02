"""Starting worker processes: on a thread of their own (so the asking thread never waits),
shielded from a terminal Ctrl-C, through a fork server that already has the worker's modules.

A `Process.start()` can block for tens of milliseconds: under forkserver it
waits for the fork server to fork and report the pid, and on a loaded machine
that server waits for a CPU. On a GUI thread each such wait is a visible stall,
so the window's engine hands starts to a `Starter` and collects the results at
its next poll.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from mpscope.core.engine.channel_reader import FrameReader
from mpscope.core.engine.process_tree import place_in_own_group
from mpscope.core.worker.bootstrap import WorkerSpec, worker_main
from mpscope.core.worker.stop_flag import StopFlag

# Imported by the fork server once, so each forkserver worker starts without
# importing them itself (tens of ms of CPU each: 256 workers starting at once
# would otherwise crowd out the window on a small machine). All Qt-free.
# '__main__' first: it is the stdlib's default preload, which setting ours would drop.
FORKSERVER_PRELOAD = ["__main__", "mpscope.core.worker.bootstrap", "mpscope.core.tasks"]

# Held around every `Process.start()`, which polls every child of this process
# (`multiprocessing.process._cleanup`). A poll of one child from two threads at
# once loses its exit code: under forkserver the loser reads EOF from the
# sentinel and stores 255 over the real code. So whoever polls, joins or closes
# a Process while a start may be running on another thread holds it too (the
# engine tries it without blocking and reaps at its next poll if a start runs).
# Reentrant: an engine without a starter thread starts and reaps on one thread.
START_LOCK = threading.RLock()


class Starter:
    """Runs start jobs one at a time on a daemon thread that lives while there is work.

    The thread waits IDLE_S for more jobs before it ends: the engine hands over a
    couple of starts per poll, and a new thread for each would cost a thread start
    (a wait for it to run) on the caller's side every time.
    """

    IDLE_S = 1.0

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._jobs: deque[tuple[int, Callable[[], Any]]] = deque()
        self._done: deque[tuple[int, Any, BaseException | None]] = deque()
        self._running = False

    def submit(self, key: int, job: Callable[[], Any]) -> None:
        """Run `job()` on the starter thread; its result comes back from `finished()`."""
        with self._wake:
            self._jobs.append((key, job))
            if self._running:
                self._wake.notify()
                return
            self._running = True
            try:
                threading.Thread(target=self._run, name="mpscope-starter", daemon=True).start()
            except RuntimeError as exc:  # "can't start new thread": no thread will run them
                self._running = False
                while self._jobs:
                    self._done.append((self._jobs.popleft()[0], None, exc))

    def finished(self) -> list[tuple[int, Any, BaseException | None]]:
        """(key, result, error) of every job that ended since the last call, in order."""
        done = []
        while self._done:
            done.append(self._done.popleft())
        return done

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._jobs:
                    self._wake.wait(self.IDLE_S)
                if not self._jobs:
                    self._running = False
                    return
                key, job = self._jobs.popleft()
            try:
                result, error = job(), None
            except BaseException as exc:  # noqa: BLE001 - handed to the caller to report
                result, error = None, exc
            self._done.append((key, result, error))


def launch(context: Any, spec: WorkerSpec, name: str,
           daemon: bool) -> tuple[Any, FrameReader, Any, int]:
    """Start one worker process; → (process, its channel's reader, its stop flag, the read
    end of its output pipe: its stdout and stderr).

    Touches nothing shared, so it runs on the caller's thread or the starter's.
    """
    # Created just before start() so no earlier sibling inherits its write end.
    read_end, write_end = context.Pipe(duplex=False)
    output_end, output_write = context.Pipe(duplex=False)
    reader: FrameReader | None = None
    output_fd = -1
    try:
        # Duplicated before the start: once a child runs, nothing may fail (EMFILE) and
        # leave it untracked. The reader owns its own descriptor.
        reader = FrameReader(os.dup(read_end.fileno()))
        output_fd = os.dup(output_end.fileno())
        stop_flag = StopFlag()
        process = context.Process(target=worker_main,
                                  args=(spec, write_end, stop_flag, output_write),
                                  name=name, daemon=daemon)
        # Shielded: a terminal Ctrl-C during start-up must not hit it.
        with sigint_shielded(context), START_LOCK:
            process.start()
        place_in_own_group(process.pid)
    except BaseException:
        if reader is not None:
            reader.close()
        if output_fd >= 0:
            os.close(output_fd)
        raise
    finally:
        for end in (read_end, write_end, output_end, output_write):
            end.close()
    return process, reader, stop_flag, output_fd


@contextlib.contextmanager
def sigint_shielded(context: Any) -> Iterator[None]:
    """Start a child that a terminal Ctrl-C cannot reach before `worker_main` handles SIGINT.

    SIGINT is blocked in the calling thread's signal mask meanwhile, on any thread:
    children inherit the mask (exec keeps it), the signal stays pending in them, and
    `worker_main` unblocks it once its handler is in. A SIGINT meant for mpscope is
    never lost: blocked in this thread only, the kernel hands it to another thread
    or keeps it pending until the mask is restored (ignoring it, as this once did
    on the main thread, dropped a Ctrl-C that landed during a start). Launching the
    resource tracker unblocks SIGINT in the calling thread (on purpose, for the
    tracker), and forkserver children inherit the fork server's mask, not ours: so
    both are made to run first, or a start would (re)launch them with SIGINT blocked.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    method = context.get_start_method()
    if method == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()  # ensures the resource tracker as well
    elif method != "fork":
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def warm_up_forkserver() -> threading.Thread:
    """Start the fork server on a thread: its first start takes ~100 ms we must not block.

    Its children inherit its signal mask, so it must not be started while SIGINT is
    blocked (see `sigint_shielded`): threaded starts wait for this warm-up.
    """
    from multiprocessing import forkserver

    forkserver.set_forkserver_preload(FORKSERVER_PRELOAD)  # no effect once it runs
    thread = threading.Thread(target=forkserver.ensure_running, name="mpscope-forkserver",
                              daemon=True)
    thread.start()
    return thread
