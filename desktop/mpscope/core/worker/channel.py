"""The progress channel: one private byte stream per worker, framed, read without blocking.

Why not one shared `multiprocessing.Queue` (see ../shared/DESIGN-NOTES.md §1)?
A shared queue has one write lock that a writer's feeder thread holds for the
whole `send_bytes()`; a writer killed while holding it stalls every other
writer for good (21% of random kills with 4 writers), and a message cut in
half by a kill makes even `get_nowait()` block the reader forever.

So the channel is a per-worker queue built from the same multiprocessing
primitives, without the shared parts:

* Each worker writes to its **own** pipe (a `multiprocessing.Pipe` created
  just before that worker's `start()`, the parent's write end closed right
  after) or, for pool processes, its own Unix socket. There is no lock
  shared between processes, so a kill can only ever affect the killed
  worker's own stream.
* Frames are `4-byte big-endian length + pickle`. The worker writes whole
  frames; a kill may leave the last frame half-written.
* The parent reads with `os.read` on a **non-blocking** descriptor into a
  per-channel buffer and unpickles only complete frames. A half frame stays
  in the buffer and is discarded (and counted) once the writer is gone, so
  no read in the parent can ever block, whatever state a writer died in.
* Backpressure instead of unbounded buffering: when the parent falls behind,
  the pipe fills and the *worker* waits in `write()`; the reporter coalesces
  progress, so this only happens to tasks that send raw data on purpose.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import threading
from typing import Any

HEADER = struct.Struct("!I")
MAX_FRAME = 64 << 20  # a frame larger than this is refused by the writer
READ_CHUNK = 1 << 16


class FrameTooLarge(ValueError):
    """A message pickled to more than MAX_FRAME bytes."""


class FrameWriter:
    """Child side: writes whole frames to a descriptor; thread-safe within one process."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._lock = threading.Lock()

    def send(self, message: Any) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > MAX_FRAME:
            raise FrameTooLarge(f"message of {len(payload)} bytes exceeds {MAX_FRAME}")
        view = memoryview(HEADER.pack(len(payload)) + payload)
        with self._lock:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]


class FrameReader:
    """Parent side: reads complete frames from a descriptor that never blocks."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self._buffer = bytearray()
        self.eof = False
        self.bytes_read = 0
        self.truncated_bytes = 0  # bytes of a half frame left by a writer that died
        self.corrupt_frames = 0  # complete frames that did not unpickle

    def read(self, max_messages: int, max_bytes: int = 1 << 20) -> list[Any]:
        """Return up to `max_messages` complete messages; never blocks.

        Fewer than `max_messages` means no whole frame is left in the buffer; a full
        batch may leave some there with the descriptor no longer readable.
        """
        messages = self._parse(max_messages)
        budget = max_bytes
        while len(messages) < max_messages and budget > 0 and not self.eof:
            try:
                chunk = os.read(self.fd, READ_CHUNK)
            except BlockingIOError:
                break
            except OSError:  # e.g. ECONNRESET on a socket: the writer is gone
                chunk = b""
            if not chunk:
                self.eof = True
                break
            self.bytes_read += len(chunk)
            budget -= len(chunk)
            self._buffer += chunk
            messages += self._parse(max_messages - len(messages))
            if len(chunk) < READ_CHUNK and messages:
                # Drained for now: the read that would say so (EAGAIN) is skipped. Every
                # system call lets busy threads take the GIL from the GUI thread.
                break
        return messages

    def drain(self) -> list[Any]:
        """Read everything already written (the writer is known to be dead)."""
        messages: list[Any] = []
        while True:
            batch = self.read(1 << 30, max_bytes=1 << 30)
            messages += batch
            if not batch:
                break
        self.truncated_bytes = len(self._buffer)
        self._buffer.clear()
        return messages

    def _parse(self, limit: int) -> list[Any]:
        messages: list[Any] = []
        buffer = self._buffer
        offset = 0
        while len(messages) < limit and len(buffer) - offset >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer, offset)
            end = offset + HEADER.size + size
            if len(buffer) < end:
                break
            try:
                messages.append(pickle.loads(buffer[offset + HEADER.size : end]))
            except Exception:  # noqa: BLE001 - a bad frame must not stop the others
                self.corrupt_frames += 1
            offset = end
        if offset:
            del buffer[:offset]
        return messages

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)
