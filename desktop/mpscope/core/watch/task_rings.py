"""mpscope's end of the pool processes' slot files: the task each runs, and those it finished.

A watched pool process notes the task it runs in its slot file, and writes
every task it finishes into the ring after it (client.py), instead of sending
frames. Each tick mpscope maps the files of the pool processes it knows, reads
the slot, takes the ring's entries written since the last tick and says so in
the file (client.TAKEN_AT), so the process may write over them. A file that
does not exist yet (the process has not run a task) is looked for again at
most every RETRY_S.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import time

from mpscope.core.watch.client import (
    COUNT_AT,
    FINISHED,
    FINISHED_COUNT,
    GENERATION,
    RING_AT,
    RING_SIZE,
    SLOT,
    SLOT_AT,
    SLOT_FILE_SIZE,
    TAKEN_AT,
    slot_path,
)

RETRY_S = 0.1

Entry = tuple[int, int, int, int, int, int, float, float]  # ok, kind, pool, job, part, items,
# started, ended
Held = tuple[int, int, int, int, int, float]  # kind, pool, job, part, items, since


def held_task(slot: bytes | mmap.mmap) -> Held | None:
    """The task a slot says its process runs; None when none (or the slot is being written)."""
    if len(slot) < RING_AT:
        return None
    (generation,) = GENERATION.unpack_from(slot)
    running, kind, pool, job, part, items, since = SLOT.unpack_from(slot, SLOT_AT)
    if not running or generation & 1 or GENERATION.unpack_from(slot)[0] != generation:
        return None
    return kind, pool, job, part, items, since


def ring_entries(slot: bytes | mmap.mmap, since: int = 0) -> tuple[int, list[Entry]]:
    """(count, the entries after the first `since` still in the ring, oldest first)."""
    if len(slot) < SLOT_FILE_SIZE:
        return since, []
    (count,) = FINISHED_COUNT.unpack_from(slot, COUNT_AT)
    first = max(since, count - RING_SIZE)
    return count, [FINISHED.unpack_from(slot, RING_AT + (n % RING_SIZE) * FINISHED.size)
                   for n in range(first, count)]


class TaskRings:
    """The mapped slot files of a watched program's pool processes, by pid."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._maps: dict[int, mmap.mmap] = {}
        self._taken: dict[int, int] = {}
        self._retry_at: dict[int, float] = {}

    def take(self, pid: int, now: float | None = None) -> list[Entry]:
        """The entries process `pid` wrote since the last call, oldest first. With `now`
        (time.monotonic()), a file not found before is looked for again only RETRY_S later;
        without it, at once."""
        ring = self._maps.get(pid)
        if ring is None:
            ring = self._open(pid, now)
            if ring is None:
                return []
        count, entries = ring_entries(ring, self._taken[pid])
        if entries:
            self._taken[pid] = count
            FINISHED_COUNT.pack_into(ring, TAKEN_AT, count)
        return entries

    def held(self, pid: int) -> Held | None:
        """The task process `pid` runs now, as its slot says (None: none, or not known)."""
        ring = self._maps.get(pid)
        return None if ring is None else held_task(ring)

    def close(self, pid: int) -> None:
        """Stop reading `pid`'s ring (its process ended and the ring was read to the end)."""
        ring = self._maps.pop(pid, None)
        if ring is not None:
            ring.close()
        self._retry_at[pid] = float("inf")

    def close_all(self) -> None:
        for pid in list(self._maps):
            self.close(pid)

    def _open(self, pid: int, now: float | None) -> mmap.mmap | None:
        if now is not None and now < self._retry_at.get(pid, 0.0):
            return None
        if self._retry_at.get(pid) == float("inf"):
            return None  # closed for good
        try:
            fd = os.open(slot_path(self.address, pid), os.O_RDWR)
        except OSError:
            self._retry_at[pid] = time.monotonic() + RETRY_S
            return None
        try:
            if os.fstat(fd).st_size < SLOT_FILE_SIZE:  # created, not yet sized by its process
                self._retry_at[pid] = time.monotonic() + RETRY_S
                return None
            ring = mmap.mmap(fd, SLOT_FILE_SIZE)
        except (OSError, ValueError):
            self._retry_at[pid] = time.monotonic() + RETRY_S
            return None
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._maps[pid], self._taken[pid] = ring, 0
        return ring
