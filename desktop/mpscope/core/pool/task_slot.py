"""A pool process's current task, in a small file it maps: no system call per task.

The pool process writes the task it is about to run into its slot before running
it and clears the slot after; its reports to the parent go out in batches (see
child_tracker). When the process dies, the parent reads the slot to learn which
task it held, even if the report of that task's start never left the process.
The slot lies in the listener's private (0700) directory, beside its socket.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct

SLOT = struct.Struct("<qd")  # the task id running (-1: none), since when (epoch seconds)
IDLE = -1


def slot_path(directory: str, pid: int) -> str:
    """Where process `pid` keeps its slot."""
    return os.path.join(directory, f"task-{pid}")


class TaskSlot:
    """The writer's end, in the pool process; every method is a memory write, never raises."""

    def __init__(self, directory: str) -> None:
        self._map: mmap.mmap | None = None
        try:
            fd = os.open(slot_path(directory, os.getpid()), os.O_RDWR | os.O_CREAT | os.O_TRUNC,
                         0o600)
            try:
                os.ftruncate(fd, SLOT.size)
                self._map = mmap.mmap(fd, SLOT.size)
            finally:
                os.close(fd)
            self.release()
        except (OSError, ValueError):
            self._map = None  # no slot: a death is then judged from the reports alone

    @property
    def works(self) -> bool:
        return self._map is not None

    def hold(self, task_id: int, since: float) -> None:
        if self._map is not None:
            SLOT.pack_into(self._map, 0, task_id, since)

    def release(self) -> None:
        if self._map is not None:
            SLOT.pack_into(self._map, 0, IDLE, 0.0)


def read_slot(directory: str, pid: int) -> tuple[int, float] | None:
    """(task id, since) the dead process held, (IDLE, 0.0) if none; None if it kept no slot."""
    with contextlib.suppress(OSError, struct.error):
        fd = os.open(slot_path(directory, pid), os.O_RDONLY)
        try:
            data = os.pread(fd, SLOT.size, 0)
        finally:
            os.close(fd)
        task_id, since = SLOT.unpack(data)
        return int(task_id), float(since)
    return None
