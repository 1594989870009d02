"""The progress channel, worker side: one private byte stream per worker, whole frames written.

Why not one shared `multiprocessing.Queue` (see docs/design.md,
"A shared queue dies with its writer")?
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
* The parent reads with `os.read` on a **non-blocking** descriptor and
  unpickles only complete frames (core/engine/channel_reader.py), so no read
  in the parent can ever block, whatever state a writer died in.
* Backpressure instead of unbounded buffering: when the parent falls behind,
  the pipe fills and the *worker* waits in `write()`; the reporter coalesces
  progress, so this only happens to tasks that send raw data on purpose.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading

TYPE_CHECKING = False  # `typing` itself is not imported: every child process loads this
if TYPE_CHECKING:
    from typing import Any


HEADER = struct.Struct("!I")
MAX_FRAME = 64 << 20  # a frame larger than this is refused by the writer


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
