"""The parent's end of pool tracking: a private Unix socket that pool processes connect to.

Pool processes are created by the stdlib, so the parent cannot hand them a
pipe before they start; each one connects here from its initializer instead.
Every process gets its own stream (a kill mid-frame only cuts that stream),
and every read is a non-blocking `FrameReader` read on the caller's thread.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from mpscope.core.engine.channel_reader import FrameReader

MAX_UNIX_PATH = 100  # sun_path holds 104–108 bytes depending on the platform
BACKLOG = 1024


@dataclass(eq=False)
class Connection:
    """One pool process's stream, identified by its Hello."""

    reader: FrameReader
    pid: int | None = None
    generation: int = 0
    wid: int | None = None
    bye: bool = False
    eof_at: float | None = None  # monotonic time the stream ended (the process exited)
    decided: bool = False  # its ending has been classified

    def read(self, limit: int) -> list[Any]:
        """Up to `limit` frames; sets `eof_at` once the process has closed its end."""
        frames = self.reader.read(limit)
        if self.reader.eof and self.eof_at is None:
            frames += self.reader.drain()
            self.eof_at = time.monotonic()
            self.reader.close()
        return frames


class Listener:
    """A listening AF_UNIX socket in a private (0700) temporary directory; never blocks."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="mpscope-pool-")  # mkdtemp makes it 0700
        if len(self.directory) > MAX_UNIX_PATH - 2:  # a long $TMPDIR: fall back to /tmp
            os.rmdir(self.directory)
            self.directory = tempfile.mkdtemp(prefix="mpscope-pool-", dir="/tmp")
        self.address = os.path.join(self.directory, "s")
        self._socket: socket.socket | None = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.bind(self.address)
        self._socket.listen(BACKLOG)
        self._socket.setblocking(False)
        self.connections: list[Connection] = []

    def fileno(self) -> int | None:
        """The listening descriptor (readable when a process is connecting), None once closed."""
        return self._socket.fileno() if self._socket is not None else None

    def accept(self) -> list[Connection]:
        """Accept every pending connection."""
        new = []
        while self._socket is not None:
            try:
                sock, _ = self._socket.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # e.g. EMFILE: leave it in the backlog for the next poll
                break
            sock.setblocking(False)
            connection = Connection(FrameReader(sock.detach()))
            self.connections.append(connection)
            new.append(connection)
        return new

    def ready(self) -> list[Connection]:
        """Open connections with something to read (data or EOF), found with one system call.

        Each system call lets the pool's busy threads take the GIL for up to a
        switch interval, so a poll reads only the streams that have data.
        """
        by_fd = {c.reader.fd: c for c in self.open_connections()}
        if not by_fd:
            return []
        poller = select.poll()
        for fd in by_fd:
            poller.register(fd, select.POLLIN)
        return [by_fd[fd] for fd, _ in poller.poll(0)]

    def open_connections(self) -> list[Connection]:
        """Connections whose process has not closed its end yet."""
        return [c for c in self.connections if c.eof_at is None]

    def close(self) -> None:
        """Stop listening, close every stream and remove the directory."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        for connection in self.connections:
            if connection.eof_at is None:
                connection.reader.close()
                connection.eof_at = time.monotonic()
        with contextlib.suppress(OSError):
            shutil.rmtree(self.directory)
