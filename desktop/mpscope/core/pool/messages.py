"""What crosses process and thread boundaries in a pool run: frames, chunks and driver notes.

Frames (`Hello`, `Reports`, `Bye`) travel from each pool
process to the parent on that process's own socket. Notes (`PoolStarted` …
`DriverDone`) travel from the driver thread to the caller thread through a
`queue.SimpleQueue`; they never leave the parent process.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# -- pool process → parent (pickled frames on a per-process socket) ----------------------------


class Hello(NamedTuple):
    """A pool process finished its initializer: it is tracked from now on."""

    pid: int
    generation: int
    t: float
    stack: int = 0  # where its stacks go when asked (see mpscope.core.insight.stack_dump)


class Reports(NamedTuple):
    """A batch of task reports from one pool process (sent within FLUSH_S, see child_tracker).

    `running`: (task id, started) of the task it runs now, if that one has not ended yet;
    `ended`: one (task id, started, ended, peak_rss, error, traceback) per task that
    ended, in order — `error` None for "ok", else the failure as one line.
    """

    running: tuple[int, float] | None
    ended: tuple[tuple[int, float, float, int, str | None, str | None], ...]


class Bye(NamedTuple):
    """The pool process is exiting normally (retired by maxtasksperchild, or the pool closed)."""

    pid: int
    t: float


# -- parent → pool process (the argument of each submitted call) -------------------------------


class Chunk(NamedTuple):
    """One task as submitted: consecutive items starting at `first_index`."""

    task_id: int
    first_index: int
    items: tuple[Any, ...]
    star: bool  # starmap: call fn(*item) instead of fn(item)

    def plain(self) -> PlainChunk:
        """As a plain tuple, the way backends submit it: it pickles in half the time (a
        named tuple's class is looked up again at every unpickle, once per task)."""
        return (self.task_id, self.first_index, self.items, self.star)


PlainChunk = tuple[int, int, tuple[Any, ...], bool]  # a Chunk's fields, in order


# -- driver thread → caller thread ---------------------------------------------------------------


class PoolStarted(NamedTuple):
    """A generation's pool exists and its tasks are submitted."""

    generation: int
    tasks: int


class Delivered(NamedTuple):
    """Results reached the caller the way the method delivers them: (task_id, values) parts."""

    generation: int
    parts: tuple[tuple[int, list[Any]], ...]
    via: str  # map | imap | imap_unordered | callback


class TaskError(NamedTuple):
    """A task's exception reached the caller (raised by get/next, or passed to error_callback)."""

    generation: int
    task_id: int | None  # None when the method does not say which task raised
    text: str
    via: str  # map | imap | imap_unordered | error_callback


class Cancelled(NamedTuple):
    """Tasks the backend cancelled before they ran (executor.map stops at an exception)."""

    generation: int
    task_ids: tuple[int, ...]
    why: str


class Notice(NamedTuple):
    """Something the user should see as an event (kind: info | pool | error)."""

    generation: int
    kind: str
    text: str


class GenerationEnded(NamedTuple):
    """A generation's pool is gone: "done" (closed normally) or "abandoned" (killed, reaped)."""

    generation: int
    how: str
    note: str = ""


class Reference(NamedTuple):
    """Outcomes of a plain serial run, per item: (True, value) or (False, exception type name)."""

    outcomes: list[tuple[bool, Any]] | None
    note: str


class DriverDone(NamedTuple):
    """The driver thread has ended; `error` is a traceback if it crashed."""

    error: str | None = None
