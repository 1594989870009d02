"""The run configuration's model: its keys, limits, and the frozen dataclasses of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

START_METHODS = ("spawn", "forkserver", "fork")
POOL_METHODS = (
    "map",
    "map_async",
    "imap",
    "imap_unordered",
    "apply_async",
    "starmap",
    "starmap_async",
)
STARMAP_METHODS = ("starmap", "starmap_async")
BACKENDS = ("multiprocessing", "executor", "dask")
DASK_EXTRA = 'pip install "mpscope[dask]"'  # what the "dask" backend needs installed

DEFAULT_START_METHOD = "spawn"
DEFAULT_GRACE_SECONDS = 3.0
DEFAULT_REPORT_INTERVAL = 0.1
REPORT_INTERVAL_RANGE = (0.01, 5.0)
MAX_COUNT = 1024  # per group and per pool: beyond this a desktop chokes on processes
MAX_PROCESSES = 2048  # in all, workers and pool processes: one run, one machine
# Descriptors the parent holds per process (channel, sentinel, a spare for the system's own)
# and for itself (history, sockets, Qt): a run that needs more than the limit cannot start.
FDS_PER_PROCESS = 3
FDS_RESERVED = 64
MAX_GRACE_SECONDS = 3600.0  # an hour: a longer wait is a hang, and the timers overflow
MAX_ITEMS = 10_000_000  # `item_list` materialises range(items); keep it within memory
WINDOWS_EXECUTOR_MAX = 61  # ProcessPoolExecutor's own limit on Windows

TOP_KEYS = ("title", "start_method", "grace_seconds", "report_interval", "memory_limit",
            "workers", "pool")
GROUP_KEYS = ("task", "count", "daemon", "name", "args")
POOL_KEYS = (
    "task", "items", "processes", "method", "chunksize", "maxtasksperchild", "backend", "scheduler",
)

KeyPath = tuple[str | int, ...]


class ConfigError(ValueError):
    """A problem in a run configuration, located by source, dotted key and line."""

    def __init__(self, source: str, key: str | None, line: int | None, problem: str) -> None:
        # Passing every field to ValueError keeps the exception picklable.
        super().__init__(source, key, line, problem)
        self.source = source
        self.key = key
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.key:
            parts.append(self.key)
        parts.append(self.problem)
        return ": ".join(parts)


@dataclass(frozen=True, slots=True)
class WorkerGroup:
    """One `[[workers]]` group: `count` processes running the same task."""

    task: str
    count: int
    daemon: bool
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """The optional `[pool]`: a task mapped over items by a process pool."""

    task: str
    items: list[Any] | int
    processes: int
    method: str = "map"
    chunksize: int | None = None
    maxtasksperchild: int | None = None
    backend: str = "multiprocessing"
    scheduler: str | None = None  # dask: a running scheduler's address; None: a LocalCluster

    @property
    def item_list(self) -> list[Any]:
        """The concrete items: range(items) for an integer, else a copy of the list."""
        if isinstance(self.items, int):
            return list(range(self.items))
        return list(self.items)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """A whole validated run: global settings, worker groups and an optional pool."""

    title: str | None = None
    start_method: str = DEFAULT_START_METHOD
    grace_seconds: float = DEFAULT_GRACE_SECONDS
    report_interval: float = DEFAULT_REPORT_INTERVAL
    workers: tuple[WorkerGroup, ...] = ()
    pool: PoolConfig | None = None
    memory_limit: int | None = None  # bytes, per process; None: no limit
    # Where the config came from is not part of its meaning: a round trip through
    # dumps/loads must compare equal.
    source: str | None = field(default=None, compare=False)


def short_name(task: str) -> str:
    """A task's default group name: the function name of "module:function"."""
    return task.rpartition(":")[2].strip() or task
