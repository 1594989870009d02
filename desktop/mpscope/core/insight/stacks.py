"""Parent side of stacks on demand: ask a process for its stacks, collect the dump without waiting.

`StackProbe` owns a private directory the instrumented children write into
(see stack_dump.py). A request notes the size of the process's dump file,
sends the signal and returns; `collect()`, called from the owner's poll,
reads what was appended once the file has stopped growing for a moment
(faulthandler writes a dump in one go from its signal handler), or gives up
after TIMEOUT_S. Nothing here ever blocks.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass

from mpscope.core.insight.stack_dump import ANONYMOUS, dump_path

TIMEOUT_S = 1.0  # a process that has not answered by then will not
SETTLE_S = 0.03  # a dump that has not grown for this long is complete
MAX_DUMP = 256 * 1024  # faulthandler stops at 100 threads of 100 frames: far less than this


@dataclass(eq=False)
class _Pending:
    key: int
    path: str
    offset: int
    asked_at: float
    size: int
    grew_at: float


class StackProbe:
    """Requests and collects stack dumps; keys are the caller's (worker ids)."""

    def __init__(self) -> None:
        self.directory: str | None = None
        self._pending: dict[int, _Pending] = {}

    def open(self) -> str | None:
        """The private (0700) directory children write into, made on first use; None on
        Linux, where each child writes into an anonymous file of its own instead."""
        if ANONYMOUS:
            return None
        if self.directory is None:
            self.directory = tempfile.mkdtemp(prefix="mpscope-stacks-")
            # An owner that never polls the end (or exits first) still leaves nothing behind.
            self._finalizer = weakref.finalize(self, shutil.rmtree, self.directory, True)
        return self.directory

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def prepare(self, key: int, pid: int, fd: int = 0) -> bool:
        """Note where process `pid`'s next dump will start (in its descriptor `fd`, or in the
        directory); False when it has no dump file."""
        if fd > 0:
            path = f"/proc/{pid}/fd/{fd}"
        elif self.directory is not None:
            path = dump_path(self.directory, pid)
        else:
            return False
        try:
            offset = os.stat(path).st_size
        except OSError:
            return False
        now = time.monotonic()
        self._pending[key] = _Pending(key, path, offset, now, offset, now)
        return True

    def cancel(self, key: int) -> None:
        """Forget a request (the signal could not be sent)."""
        self._pending.pop(key, None)

    def collect(self) -> list[tuple[int, str | None]]:
        """Finished requests: (key, the dump) or (key, None) when no dump came in time."""
        done: list[tuple[int, str | None]] = []
        now = time.monotonic()
        for key, request in list(self._pending.items()):
            try:
                size = os.stat(request.path).st_size
            except OSError:
                size = request.size
            if size != request.size:
                request.size, request.grew_at = size, now
            elif size > request.offset and now - request.grew_at >= SETTLE_S:
                done.append((key, self._read(request)))
                del self._pending[key]
                continue
            if now - request.asked_at >= TIMEOUT_S:
                done.append((key, self._read(request) if size > request.offset else None))
                del self._pending[key]
        return done

    @staticmethod
    def _read(request: _Pending) -> str | None:
        try:
            with open(request.path, "rb") as handle:
                handle.seek(request.offset)
                data = handle.read(MAX_DUMP)
        except OSError:
            return None
        return data.decode("utf-8", "replace")

    def close(self) -> None:
        """Remove the directory (children that still run keep writing to unlinked files)."""
        self._pending.clear()
        if self.directory is not None:
            self._finalizer()
            self.directory = None


def thread_count(dump: str) -> int:
    """How many threads a faulthandler dump shows."""
    return sum(1 for line in dump.splitlines()
               if line.startswith(("Thread 0x", "Current thread 0x")))


# mpscope's own threads in its children, by the function their thread runs.
_OWN_THREADS = {re.compile(r'mpscope/core/worker/watchdog\.py", line \d+ in _watch$', re.M):
                "mpscope's orphan watchdog",
                re.compile(r'mpscope/core/worker/reporter\.py", line \d+ in _run$', re.M):
                "mpscope's reporter",
                re.compile(r'mpscope/core/insight/peak_memory\.py", line \d+ in _sample$', re.M):
                "mpscope's memory meter",
                re.compile(r'mpscope/core/watch/client\.py", line \d+ in _flush_loop$', re.M):
                "mpscope's report sender"}


def annotate(dump: str) -> str:
    """Name mpscope's own threads in a dump and put them last, so the task's threads lead."""
    tasks, own = [], []
    for block in dump.split("\n\n"):
        head, _, frames = block.partition("\n")
        owner = next((name for where, name in _OWN_THREADS.items() if where.search(frames)),
                     None)
        if owner and head.endswith(":"):
            own.append(f"{head[:-1]} — {owner}:\n{frames}")
        else:
            tasks.append(block)
    return "\n\n".join(tasks + own)
