"""The progress channel, parent side: complete frames read from a descriptor that never blocks.

The frame format and the writer are in core/worker/channel.py. A half frame
stays in the buffer and is discarded (and counted) once the writer is gone.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from typing import Any

from mpscope.core.worker.channel import HEADER

READ_CHUNK = 1 << 16


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
