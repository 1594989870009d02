"""The tasks that cost most: the top N pool tasks by time and by peak memory, with their arguments.

Like MPIRE's insights: when a run is slow or big, the first question is which
calls made it so, and with which arguments. One pass over the tasks with a
bounded heap, so it costs O(tasks), not a sort of them all.
"""

from __future__ import annotations

import heapq
import reprlib
from collections.abc import Sequence
from typing import Any, NamedTuple

TOP = 5
_short = reprlib.Repr()
_short.maxstring = _short.maxother = 60
_short.maxlist = _short.maxtuple = 4


class TopTask(NamedTuple):
    """One costly task: which, with what, where, how long and how much memory."""

    task_id: int
    first_index: int
    item_count: int
    call: str  # 'square(12)', or 'square over items 12–15: [12, 13, 14, 15]'
    pid: int | None
    seconds: float | None
    peak_rss: int | None
    outcome: str

    def as_dict(self) -> dict[str, Any]:
        """For the run summary (JSON)."""
        return {"task_id": self.task_id, "first_index": self.first_index, "items": self.item_count,
                "call": self.call, "pid": self.pid,
                "duration_s": None if self.seconds is None else round(self.seconds, 4),
                "peak_rss": self.peak_rss, "outcome": self.outcome}


def call_text(task_name: str, items: Sequence[Any], first: int, count: int, star: bool) -> str:
    """The call a task made, in Python words, shortened."""
    name = task_name.rpartition(":")[2] or task_name
    chunk = items[first:first + count]
    if not chunk:  # a recorded run keeps only the head of a very long item list
        return f"{name}(item {first})" if count == 1 else \
            f"{name} over items {first}–{first + count - 1}"
    if count == 1:
        item = chunk[0]
        args = ", ".join(_short.repr(a) for a in item) if star and isinstance(
            item, list | tuple) else _short.repr(item)
        return f"{name}({args})"
    return f"{name} over items {first}–{first + count - 1}: {_short.repr(list(chunk))}"


def top_tasks(tasks: Sequence[Any], items: Sequence[Any], task_name: str, by: str,
              star: bool = False, n: int = TOP) -> list[TopTask]:
    """The `n` tasks that ran longest (`by="time"`) or reached most memory (`by="memory"`)."""
    if by == "time":
        scored = ((t.ended - t.started, t) for t in tasks
                  if t.started is not None and t.ended is not None)
    elif by == "memory":
        scored = ((t.peak_rss, t) for t in tasks if t.peak_rss)
    else:
        raise ValueError(f"top tasks by {by!r}: say 'time' or 'memory'")
    best = heapq.nlargest(n, scored, key=lambda pair: pair[0])
    return [TopTask(t.task_id, t.first_index, t.count,
                    call_text(task_name, items, t.first_index, t.count, star), t.pid,
                    None if t.started is None or t.ended is None else t.ended - t.started,
                    t.peak_rss, t.outcome) for _score, t in best]


def recorded_items(config: Any) -> Sequence[Any]:
    """The items of a recorded run's `[pool]` (its config as stored): all, or the head kept."""
    items = ((config or {}).get("pool") or {}).get("items")
    if isinstance(items, int):
        return range(items)
    if isinstance(items, dict):  # a long list the recorder truncated
        return list(items.get("head") or [])
    return list(items or [])


def of_pool(pool: Any, by: str, n: int = TOP) -> list[TopTask]:
    """The top tasks of a live PoolRun."""
    return top_tasks(pool.tasks, pool.items, pool.config.task, by, pool.star, n)


def format_top(title: str, rows: Sequence[TopTask]) -> list[str]:
    """Lines for the terminal: a title, then one line per task."""
    if not rows:
        return []
    lines = [title]
    for row in rows:
        seconds = "-" if row.seconds is None else f"{row.seconds:.3f}s"
        memory = "-" if not row.peak_rss else f"{row.peak_rss / 2**20:,.0f} MiB"
        lines.append(f"  task {row.task_id:<6} {seconds:>9} {memory:>10}  pid {row.pid or '-':<7}"
                     f" {row.call}")
    return lines
