"""Frames a watched program's processes send to mpscope: small picklable tuples, stdlib only.

Each process of the program connects to mpscope's socket on its first frame
and writes on its own stream (see client.py). Tasks are named by the pid of the
process that ran them plus the pool's own ids: `(job, index)` for a
`multiprocessing.Pool` (job ids are unique in one program), the executor's
`work_id` for a `ProcessPoolExecutor` (unique per executor, so mpscope keys it
by the executor the process belongs to).
"""

from __future__ import annotations

from typing import NamedTuple

from mpscope.core.watch.tags import BEGAN as BEGAN  # the task frames' tags, for the reader
from mpscope.core.watch.tags import DONE as DONE
from mpscope.core.watch.tags import HELLO as HELLO
from mpscope.core.watch.tags import OUTPUT as OUTPUT
from mpscope.core.watch.tags import RAN as RAN


class Hello(NamedTuple):
    """A process of the program opened its stream (its first frame; sent as a HELLO tuple)."""

    pid: int
    ppid: int
    t: float


class Notice(NamedTuple):
    """One line the hooks want the operator to read (e.g. why tasks are not tracked)."""

    text: str
    t: float


class ProcessStarted(NamedTuple):
    """A multiprocessing Process was started: role pool | executor | process | helper."""

    pid: int
    ppid: int
    role: str
    name: str
    target: str
    pool: int  # id() of the pool's queue in the starting process, 0 when not a pool process
    t: float


class ProcessEnded(NamedTuple):
    """The program collected a child's exit code (multiprocessing's Popen saw it)."""

    pid: int
    exitcode: int
    t: float


class PoolCall(NamedTuple):
    """A pool method was called: `first`..`last` are the executor's work ids (or the Pool job)."""

    kind: str  # pool | executor
    pool: int
    method: str
    first: int
    last: int  # exclusive; for a Pool, first + 1 (one job)
    items: int | None  # None when the iterable has no length
    chunksize: int
    t: float


class TaskBegan(NamedTuple):
    """A pool process took a task (sent before running it, so a death shows what it held)."""

    kind: str  # pool | executor
    pool: int  # the pool's key: id() of its task queue in the main program
    job: int  # Pool job id, or executor work id
    part: int  # chunk index within the job (0 for executors and apply)
    items: int
    pid: int
    t: float


class TaskDone(NamedTuple):
    """A task ended in its pool process: ok, or failed with the error as text."""

    kind: str
    pool: int
    job: int
    part: int
    ok: bool
    error: str | None
    traceback: str | None
    pid: int
    t: float


class Progress(NamedTuple):
    """`mpscope.progress(done, total, note)` from any process of the program (coalesced)."""

    pid: int
    done: float
    total: float | None
    note: str | None
    t: float


class Log(NamedTuple):
    """`mpscope.log(text)` lines from one process."""

    pid: int
    lines: tuple[str, ...]
    t: float
