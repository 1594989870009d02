"""Typed messages a worker sends to the parent: small, immutable, picklable tuples.

Every message carries the worker id (`wid`) and a per-worker sequence number
(`seq`, from 0) so the parent can count what it received and spot gaps.
A final message (`Finished`, `Failed`, `Stopped`) also says how many messages
the worker sent in all, itself included.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Started(NamedTuple):
    """The worker's bootstrap ran and is about to call the task."""

    wid: int
    seq: int
    pid: int
    t: float
    stack: int = 0  # where its stacks go when asked (see mpscope.core.insight.stack_dump)


class Progress(NamedTuple):
    """Coalesced progress: the latest `done` of `total` (None when unknown)."""

    wid: int
    seq: int
    done: float
    total: float | None
    note: str | None
    t: float


class Log(NamedTuple):
    """One or more log lines, batched by the reporter."""

    wid: int
    seq: int
    lines: tuple[str, ...]
    t: float


class Data(NamedTuple):
    """One value the task sent on its own (not coalesced), e.g. by `stream`."""

    wid: int
    seq: int
    value: Any
    t: float


class Finished(NamedTuple):
    """The task returned; `result` is a JSON-safe form of its return value."""

    wid: int
    seq: int
    result: Any
    sent: int
    t: float
    peak_rss: int = 0  # bytes: the highest resident size while the task ran (0: unknown)


class Failed(NamedTuple):
    """The task raised (or its result could not be pickled); all fields are text."""

    wid: int
    seq: int
    exc_type: str
    message: str
    traceback: str
    sent: int
    t: float
    peak_rss: int = 0


class Stopped(NamedTuple):
    """The task ended because a cooperative stop was requested."""

    wid: int
    seq: int
    result: Any
    sent: int
    t: float
    peak_rss: int = 0


FINAL_MESSAGES = (Finished, Failed, Stopped)
Message = Started | Progress | Log | Data | Finished | Failed | Stopped
