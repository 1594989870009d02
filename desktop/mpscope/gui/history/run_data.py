"""A recorded run read back for the History panel: its charts' arrays, tasks, events (no Qt).

Everything here runs on a loader thread with that thread's own HistoryStore;
the result is plain data (numpy arrays, tuples, dicts) that the GUI thread only
draws. Pool tasks are read straight into light rows (no dict per task) and
capped, so a week-long run's million tasks cannot fill the memory.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from mpscope.core.engine.run_state import Event
from mpscope.core.history import export
from mpscope.core.history.outcome import run_outcome
from mpscope.core.history.store import HistoryStore

MAX_TASKS_SHOWN = 200_000  # bars in the task stream; the rest are counted, not drawn
POOL_ITEMS = 0  # the wid of the pool's items as a whole in progress_samples
_TASK_COLUMNS = ("task_id", "first_index", "count", "pid", "wid", "started", "ended", "outcome",
                 "attempt", "error", "traceback", "history_json")


class SpanRow(NamedTuple):
    """An earlier attempt of a task, as the recorder stored it (like core.pool's Span)."""

    pid: int | None
    wid: int | None
    started: float | None
    ended: float | None
    outcome: str


@dataclass(slots=True)
class TaskRow:
    """A recorded pool task with the attributes the task stream reads of a live TaskRecord."""

    task_id: int
    first_index: int
    count: int
    pid: int | None
    wid: int | None
    started: float | None
    ended: float | None
    outcome: str
    attempt: int
    error: str | None
    traceback: str | None
    history: list[SpanRow] = field(default_factory=list)
    peak_rss: int | None = None


@dataclass
class RunData:
    """One recorded run, ready to draw. Times in the arrays are seconds since the run's start."""

    run: dict[str, Any]
    workers: list[dict[str, Any]]
    events: list[Event]
    tasks: list[TaskRow]
    tasks_total: int  # tasks recorded; more than len(tasks) when capped
    core_t: np.ndarray  # n sample times
    core_v: np.ndarray  # cores × n, CPU % per core
    progress: dict[int, tuple[np.ndarray, np.ndarray]]  # wid → (times, percent done)

    @property
    def t0(self) -> float:
        return float(self.run.get("started_at") or 0.0)

    @property
    def end(self) -> float:
        """When the run ended (for an interrupted run: its last heartbeat)."""
        run = self.run
        return float(run.get("ended_at") or run.get("heartbeat") or self.t0)

    @property
    def names(self) -> dict[int, str]:
        return {w["wid"]: w["name"] for w in self.workers}

    @property
    def pool_processes(self) -> list[dict[str, Any]]:
        return [w for w in self.workers if w["kind"] == "pool"]


def load_run(store: HistoryStore, run_id: int) -> RunData:
    """Read everything the run view shows; raises export.UnknownRun when there is no such run."""
    run = store.get_run(run_id)
    if run is None:
        raise export.UnknownRun(run_id)
    t0 = float(run.get("started_at") or 0.0)
    events = [Event(e["t"], e["wid"], e["kind"], e["text"] or "", e["detail"])
              for e in store.events(run_id)]
    tasks, total = task_rows(store, run_id)
    samples = store.core_samples(run_id)
    cores = max((len(s["per_core"]) for s in samples), default=0)
    core_t = np.array([s["t"] - t0 for s in samples], dtype=float)
    core_v = np.zeros((cores, len(samples)), dtype=float)
    for i, sample in enumerate(samples):
        core_v[: len(sample["per_core"]), i] = sample["per_core"]
    workers = store.workers(run_id)
    run["outcome"] = run_outcome(run, [w["state"] for w in workers if w["kind"] == "worker"])
    # Progress is recorded when it moves: each line starts at 0 % when its process began.
    starts = {w["wid"]: w["running_at"] or w["started_at"] for w in workers}
    starts[POOL_ITEMS] = min((t.started for t in tasks if t.started), default=t0)
    return RunData(run, workers, events, tasks, total, core_t, core_v,
                   progress_curves(store.progress_samples(run_id), t0, starts))


def progress_curves(rows: list[dict[str, Any]], t0: float,
                    starts: dict[int, float | None] | None = None,
                    ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per wid: times and percent done (of its total, or of its last count when it had none).

    A wid's line begins at 0 % at its time in `starts` (when it is before its first sample).
    """
    by_wid: dict[int, list[tuple[float, float, float | None]]] = {}
    for row in rows:
        by_wid.setdefault(row["wid"], []).append((row["t"], row["done"] or 0.0, row["total"]))
    curves = {}
    for wid, samples in by_wid.items():
        start = (starts or {}).get(wid)
        if start is not None and start < samples[0][0] and samples[0][1] > 0:
            samples.insert(0, (start, 0.0, None))
        done = np.array([done for _t, done, _total in samples], dtype=float)
        total = next((total for _t, _done, total in reversed(samples) if total), None)
        scale = total or (float(done.max()) if done.size else 0.0) or 1.0
        times = np.array([t - t0 for t, _done, _total in samples], dtype=float)
        curves[wid] = (times, np.minimum(done / scale * 100.0, 100.0))
    return curves


def task_rows(store: HistoryStore, run_id: int,
              limit: int = MAX_TASKS_SHOWN) -> tuple[list[TaskRow], int]:
    """The run's first `limit` pool tasks as TaskRows, and how many were recorded."""
    db = store.db
    total = db.execute("SELECT count(*) FROM tasks WHERE run_id = ?", (run_id,)).fetchone()[0]
    columns = ", ".join(f't."{c}"' for c in _TASK_COLUMNS)
    cursor = db.execute(f"SELECT {columns}, p.peak_rss FROM tasks t LEFT JOIN peaks p ON "
                        "p.run_id = t.run_id AND p.kind = 'task' AND p.key = t.seq "
                        "WHERE t.run_id = ? ORDER BY t.seq LIMIT ?", (run_id, limit))
    rows = []
    for task_id, first, count, pid, wid, started, ended, outcome, attempt, error, tb, spans, \
            peak in cursor:
        history = [SpanRow(*span) for span in json.loads(spans)] if spans else []
        rows.append(TaskRow(task_id, first, count, pid, wid, started, ended, outcome or "pending",
                            attempt or 1, error, tb, history, peak))
    return rows, int(total)


def compare_runs(store: HistoryStore, a: int, b: int) -> dict[str, Any]:
    """`export.compare` of runs a and b, with each run's worker outcomes counted by state,
    its outcome, and the curves the comparison overlays (`cpu`, `progress`: times, %)."""
    result = export.compare(store, a, b)
    for key, run_id in (("a", a), ("b", b)):
        workers = [w for w in store.workers(run_id) if w["kind"] == "worker"]
        result[key]["outcomes"] = dict(Counter(w["state"] for w in workers))
        result[key]["outcome"] = run_outcome(result[key], [w["state"] for w in workers])
        data = load_run(store, run_id)
        cores = data.core_v
        result[key]["cpu"] = (data.core_t, cores.mean(axis=0) if cores.size else cores[:0, 0])
        result[key]["progress"] = overall_progress(data.progress)
    return result


def overall_progress(curves: dict[int, tuple[np.ndarray, np.ndarray]]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The run's progress as one line: the pool's items if it had a pool, else the workers'
    mean (each held at its last value after its last sample)."""
    if POOL_ITEMS in curves:
        return curves[POOL_ITEMS]
    if not curves:
        return np.zeros(0), np.zeros(0)
    times = np.unique(np.concatenate([t for t, _p in curves.values()]))
    lines = [np.interp(times, t, p, left=0.0, right=float(p[-1])) for t, p in curves.values()
             if t.size]
    return times, np.mean(lines, axis=0) if lines else np.zeros(times.size)


def delete_runs(store: HistoryStore, run_ids: list[int]) -> list[int]:
    """Delete runs; return those that could not be (still being recorded, or gone already)."""
    return [run_id for run_id in run_ids if not store.delete_run(run_id)]


def export_runs(store: HistoryStore, run_ids: list[int], fmt: str,
                folder: str | Path) -> list[Path]:
    """Write each run as `fmt` (json | csv) into `folder/run-ID/`; return the files written."""
    write = export.export_json if fmt == "json" else export.export_csv
    return [path for run_id in run_ids for path in write(store, run_id, Path(folder) /
                                                           f"run-{run_id}")]
