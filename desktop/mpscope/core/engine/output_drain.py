"""Worker output: each process's stdout and stderr read from its own pipe, as lines.

A worker's fds 1 and 2 go into one pipe per process (so its lines keep their
order); the parent reads every pipe without blocking at each poll, and keeps
reading past the per-run cap (discarding), so a task that prints a lot never
blocks on a full pipe and never fills the disk. Generic: whoever runs a process
with its output on a pipe can hand the read end to `watch`.
"""

from __future__ import annotations

import contextlib
import os
import select
from collections.abc import Callable

MAX_OUTPUT_BYTES = 8 << 20  # kept per run (events, history); beyond it output is read, dropped
MAX_LINE = 4000  # characters: a longer line is cut
READ_CHUNK = 1 << 16
READS_PER_POLL = 16  # per pipe: 1 MiB a poll; the rest waits for the next one


class OutputDrain:
    """Non-blocking reader of many output pipes; whole lines go to `emit(wid, line)`."""

    def __init__(self, emit: Callable[[int, str], None], on_cap: Callable[[int], None],
                 cap: int = MAX_OUTPUT_BYTES) -> None:
        self._emit = emit
        self._on_cap = on_cap
        self._cap = cap
        self._poller = select.poll()
        self._wids: dict[int, int] = {}  # fd → wid
        self._fds: dict[int, int] = {}  # wid → fd
        self._partial: dict[int, bytes] = {}  # wid → an unfinished line
        self.captured = 0
        self.capped = False

    def watch(self, wid: int, fd: int) -> None:
        """Own `fd` (the read end of a process's output pipe) until that process ends."""
        os.set_blocking(fd, False)
        self._wids[fd], self._fds[wid] = wid, fd
        self._poller.register(fd, select.POLLIN)

    def fds(self) -> list[int]:
        return list(self._wids)

    def drain(self) -> None:
        """Read every pipe that has something (one poll system call when none has)."""
        for fd, _events in self._poller.poll(0):
            if fd in self._wids:
                self._read(fd)

    def finish(self, wid: int) -> None:
        """The process is gone: read what is left, keep a last line without a newline."""
        fd = self._fds.get(wid)
        if fd is None:
            return
        while self._read(fd, READS_PER_POLL * 4):  # its writers are gone: EOF comes
            pass
        self._close(fd)

    def close_all(self) -> None:
        for fd in list(self._wids):
            self._close(fd)

    def _read(self, fd: int, reads: int = READS_PER_POLL) -> bool:
        """Up to `reads` chunks; True if the pipe may have more."""
        wid = self._wids[fd]
        for _ in range(reads):
            try:
                chunk = os.read(fd, READ_CHUNK)
            except BlockingIOError:
                return False
            except OSError:
                chunk = b""
            if not chunk:
                self._close(fd)
                return False
            self._feed(wid, chunk)
        return True

    def _feed(self, wid: int, chunk: bytes) -> None:
        if self.capped:
            return
        *lines, self._partial[wid] = (self._partial.get(wid, b"") + chunk).split(b"\n")
        for line in lines:
            self._line(wid, line)
        if len(self._partial[wid]) > MAX_LINE * 4:  # no newline for long: a line of its own
            self._line(wid, self._partial.pop(wid))

    def _line(self, wid: int, raw: bytes) -> None:
        if self.capped:
            return
        self.captured += len(raw) + 1
        if self.captured > self._cap:
            self.capped = True
            self._on_cap(self._cap)
            return
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        self._emit(wid, text[:MAX_LINE])

    def _close(self, fd: int) -> None:
        wid = self._wids.pop(fd, None)
        if wid is None:
            return
        self._fds.pop(wid, None)
        rest = self._partial.pop(wid, b"")
        if rest:
            self._line(wid, rest)
        self._poller.unregister(fd)
        with contextlib.suppress(OSError):
            os.close(fd)
