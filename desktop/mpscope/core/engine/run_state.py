"""The run's state: one record per worker and an ordered stream of events."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from mpscope.core.engine.states import State


class ErrorInfo(NamedTuple):
    """A failure as text: exception type, message and full traceback."""

    exc_type: str
    message: str
    traceback: str

    def __str__(self) -> str:
        return f"{self.exc_type}: {self.message}" if self.message else self.exc_type


class Event(NamedTuple):
    """Something that happened, in order: a state change, a log line, a failure, a callback."""

    t: float
    wid: int | None
    kind: str  # state | log | error | callback | error_callback | task | pool | info
    text: str
    detail: str | None = None


@dataclass(eq=False)
class WorkerRecord:
    """Everything the parent knows about one worker process; views read it, the engine writes it."""

    wid: int
    name: str
    group: str
    index: int
    task: str
    args: dict[str, Any] = field(default_factory=dict)
    daemon: bool = False
    kind: str = "worker"  # worker | pool
    state: State = State.PENDING
    pid: int | None = None
    exitcode: int | None = None
    detail: str = ""  # how it ended, in words
    done: float = 0.0
    total: float | None = None
    note: str | None = None
    rate: float = 0.0  # progress units per second, smoothed
    started_at: float | None = None
    running_at: float | None = None
    ended_at: float | None = None
    received: int = 0
    sent: int | None = None
    seq_gaps: int = 0
    next_seq: int = 0
    data_messages: int = 0
    result: Any = None
    error: ErrorInfo | None = None
    last_message: str = ""
    restarts: int = 0
    output: list[str] = field(default_factory=list)  # its stdout/stderr lines (run's cap)
    cpu_percent: float = 0.0  # filled by a sampler
    rss: int = 0
    cpu_time: float = 0.0  # CPU seconds used, as last sampled (kept once it has ended)
    peak_rss: int = 0  # bytes: the highest resident size seen (samples and its own report)
    stack_ready: bool = False  # it said it dumps its stacks when asked
    stack_fd: int = 0  # …into this descriptor of its own (Linux; 0: into the run's directory)
    ended_because: str | None = None  # why mpscope ended it, when it did on its own (a limit)
    parent: int | None = None  # the parent's pid, where known (watched programs)
    remote: bool = False  # on another machine (a Dask worker): never sampled here, pid not ours

    @property
    def fraction(self) -> float | None:
        """Progress as 0..1 when the total is known; a finished worker is done, whatever it said."""
        if self.state is State.FINISHED:
            return 1.0
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate, when that can be known."""
        if not self.total or self.rate <= 0 or not self.state.is_alive:
            return None
        return max(0.0, (self.total - self.done) / self.rate)

    @property
    def elapsed(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.ended_at or time.time()) - self.started_at

    def reset(self) -> None:
        """Back to pending for a restart, keeping identity and configuration."""
        keep = {"wid", "name", "group", "index", "task", "args", "daemon", "kind", "restarts"}
        fresh = WorkerRecord(self.wid, self.name, self.group, self.index, self.task)
        for name in self.__dataclass_fields__:
            if name not in keep:
                setattr(self, name, getattr(fresh, name))
        self.restarts += 1
