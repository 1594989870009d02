"""Figures of a pool run: counts, per-process time split, the summary object and text lines."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.pool.pool_run import PoolRun


def counts(run: PoolRun) -> dict[str, int]:
    """Tasks by outcome (done = ended ok), plus loss and retry counters."""
    tally = run.tally.tasks
    return {
        "pending": tally["pending"],
        "running": tally["running"],
        "done": tally["ok"],
        "failed": tally["failed"],
        "lost": run.tracker.losses,  # every loss, including those retried successfully
        "retried": run.handler.retried,
        "cancelled": tally["cancelled"],
    }


def insights(run: PoolRun) -> dict[int, tuple[float, float, float]]:
    """wid → (startup_s, waiting_s, working_s), like MPIRE's worker insights."""
    now = time.time()
    split = {}
    for wid, record in run.tracker.records.items():
        if record.started_at is None:
            continue
        startup = max(0.0, (record.running_at or now) - record.started_at)
        working = run.tracker.working_time(wid, now)
        alive = max(0.0, (record.ended_at or now) - record.started_at)
        split[wid] = (startup, max(0.0, alive - startup - working), working)
    return split


def results_ok(run: PoolRun) -> bool | None:
    """True when the delivered results equal a plain serial run; None when not checked."""
    reference = run.handler.reference
    if reference is None or reference.outcomes is None:
        return None
    delivered: dict[int, Any] = {}
    for index, value in run.results:
        if index in delivered:
            return False  # an item delivered twice
        delivered[index] = value
    for index, (ok, expected) in enumerate(reference.outcomes):
        if ok:
            if index not in delivered or delivered[index] != expected:
                return False
        elif index in delivered or run.tasks[index // run.chunksize].outcome != "failed":
            return False  # the serial call raised, so this item must have failed too
    return True


def summary(run: PoolRun) -> dict[str, Any]:
    """The `pool` object of the headless summary."""
    tally = counts(run)
    config = run.config
    return {
        "backend": config.backend,
        "method": config.method,
        "processes": config.processes,
        "chunksize": run.chunksize,
        "maxtasksperchild": config.maxtasksperchild,
        "items": run.items_total,
        "items_done": run.items_done,
        "tasks": len(run.tasks),
        "done": tally["done"],
        "failed": tally["failed"],
        "lost": tally["lost"],
        "retried": tally["retried"],
        "cancelled": tally["cancelled"],
        "generations": run.handler.generation,
        "duration_s": round(duration(run), 3),
        "pids": pids(run),
        "results_ok": results_ok(run),
        "results_check": run.handler.reference.note if run.handler.reference else "not run",
    }


def duration(run: PoolRun) -> float:
    """Seconds from start() until the last pool generation ended (or until now)."""
    if run.started_at is None:
        return 0.0
    return (run.ended_at or time.time()) - run.started_at


def pids(run: PoolRun) -> list[int]:
    """Every pool process that ever ran, in the order first seen."""
    seen = [r.pid for r in run.tracker.records.values() if r.pid is not None]
    return list(dict.fromkeys(seen + run.book_pids()))


def summary_line(run: PoolRun) -> str:
    """One line for the terminal table."""
    tally = counts(run)
    config = run.config
    check = {True: Text("results match a serial run"),
             False: Text("results DIFFER from a serial run"),
             None: Text("results not checked")}[results_ok(run)]
    return Text(
        "pool: {backend} {method} ×{processes} (chunksize {chunksize}): {tasks} tasks — "
        "{done} ok, {failed} failed, {lost} lost, {retried} retried, {cancelled} cancelled · "
        "{items_done:,}/{items_total:,} items in {seconds:.2f} s · {pids} pids · {check}",
        backend=config.backend, method=config.method, processes=config.processes,
        chunksize=run.chunksize, tasks=len(run.tasks), done=tally["done"],
        failed=tally["failed"], lost=tally["lost"], retried=tally["retried"],
        cancelled=tally["cancelled"], items_done=run.items_done, items_total=run.items_total,
        seconds=duration(run), pids=len(pids(run)), check=check)


def progress_text(run: PoolRun) -> str:
    """E.g. 'pool 3,400/10,000 (34%) 1.2k/s'."""
    done, total = run.items_done, run.items_total
    share = f" ({100 * done // total}%)" if total else ""
    return f"pool {done:,}/{total:,}{share} {_si(run.rate)}/s"


def _si(value: float) -> str:
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"
