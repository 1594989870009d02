"""Figures of a pool run: counts, per-process time split, the summary object and text lines."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mpscope.core.pool import messages as pm
from mpscope.core.pool.parent_tracking import Tracker
from mpscope.core.pool.plan import Tally, TaskRecord
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig
    from mpscope.core.pool.dask_tracking import DaskTracker


@dataclass(frozen=True)
class PoolFigures:
    """What a pool run's summary object and summary line are made of."""

    config: PoolConfig
    chunksize: int
    items_total: int
    items_done: int
    tasks: int
    counts: dict[str, int]
    generations: int
    duration: float
    pids: list[int]
    results_ok: bool | None
    results_check: str


def counts(tally: Tally, losses: int, retried: int) -> dict[str, int]:
    """Tasks by outcome (done = ended ok), plus loss and retry counters."""
    tasks = tally.tasks
    return {
        "pending": tasks["pending"],
        "running": tasks["running"],
        "done": tasks["ok"],
        "failed": tasks["failed"],
        "lost": losses,  # every loss, including those retried successfully
        "retried": retried,
        "cancelled": tasks["cancelled"],
    }


def insights(tracker: Tracker | DaskTracker) -> dict[int, tuple[float, float, float]]:
    """wid → (startup_s, waiting_s, working_s), like MPIRE's worker insights."""
    now = time.time()
    split = {}
    for wid, record in tracker.records.items():
        if record.started_at is None:
            continue
        startup = max(0.0, (record.running_at or now) - record.started_at)
        working = tracker.working_time(wid, now)
        alive = max(0.0, (record.ended_at or now) - record.started_at)
        split[wid] = (startup, max(0.0, alive - startup - working), working)
    return split


def results_ok(reference: pm.Reference | None, results: Iterable[tuple[int, Any]],
               tasks: Sequence[TaskRecord], chunksize: int) -> bool | None:
    """True when the delivered results equal a plain serial run; None when not checked."""
    if reference is None or reference.outcomes is None:
        return None
    delivered: dict[int, Any] = {}
    for index, value in results:
        if index in delivered:
            return False  # an item delivered twice
        delivered[index] = value
    for index, (ok, expected) in enumerate(reference.outcomes):
        if ok:
            if index not in delivered or delivered[index] != expected:
                return False
        elif index in delivered or tasks[index // chunksize].outcome != "failed":
            return False  # the serial call raised, so this item must have failed too
    return True


def summary(f: PoolFigures) -> dict[str, Any]:
    """The `pool` object of the headless summary."""
    config, tally = f.config, f.counts
    return {
        "backend": config.backend,
        "method": config.method,
        "processes": config.processes,
        "chunksize": f.chunksize,
        "maxtasksperchild": config.maxtasksperchild,
        "items": f.items_total,
        "items_done": f.items_done,
        "tasks": f.tasks,
        "done": tally["done"],
        "failed": tally["failed"],
        "lost": tally["lost"],
        "retried": tally["retried"],
        "cancelled": tally["cancelled"],
        "generations": f.generations,
        "duration_s": round(f.duration, 3),
        "pids": f.pids,
        "results_ok": f.results_ok,
        "results_check": f.results_check,
    }


def summary_line(f: PoolFigures) -> str:
    """One line for the terminal table."""
    config, tally = f.config, f.counts
    check = {True: Text("results match a serial run"),
             False: Text("results DIFFER from a serial run"),
             None: Text("results not checked")}[f.results_ok]
    return Text(
        "pool: {backend} {method} ×{processes} (chunksize {chunksize}): {tasks} tasks — "
        "{done} ok, {failed} failed, {lost} lost, {retried} retried, {cancelled} cancelled · "
        "{items_done:,}/{items_total:,} items in {seconds:.2f} s · {pids} pids · {check}",
        backend=config.backend, method=config.method, processes=config.processes,
        chunksize=f.chunksize, tasks=f.tasks, done=tally["done"],
        failed=tally["failed"], lost=tally["lost"], retried=tally["retried"],
        cancelled=tally["cancelled"], items_done=f.items_done, items_total=f.items_total,
        seconds=f.duration, pids=len(f.pids), check=check)


def progress_text(done: int, total: int, rate: float) -> str:
    """E.g. 'pool 3,400/10,000 (34%) 1.2k/s'."""
    share = f" ({100 * done // total}%)" if total else ""
    return f"pool {done:,}/{total:,}{share} {_si(rate)}/s"


def _si(value: float) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"
