"""The rows a run's history is written as: workers, pool tasks, and the run's title and config."""

from __future__ import annotations

import json
import math
from typing import Any

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.jsonsafe import json_safe

ROWS_PER_SAMPLE = 64  # with more live workers, each one is sampled every n-th time
_TASK_FIELDS = ("task_id", "first_index", "count", "pid", "wid", "started", "ended", "outcome",
                "attempt", "error", "traceback")


def life_key(r: WorkerRecord) -> tuple[Any, ...]:
    # Progress and message counts change all the time and go to progress_samples;
    # a worker row is rewritten only when its life changes (and once at the end).
    return (r.state, r.pid, r.exitcode, r.restarts, r.running_at, r.ended_at)


def worker_row(r: WorkerRecord) -> tuple[Any, ...]:
    e = r.error
    return (r.wid, r.name, r.kind, r.group, r.index, r.task, r.pid, str(r.state), r.exitcode,
            r.detail, r.started_at, r.running_at, r.ended_at, r.received, r.sent, r.seq_gaps,
            r.done, r.total, r.restarts, json.dumps(json_safe(r.result)),
            e.exc_type if e else None, e.message if e else None, e.traceback if e else None)


def task_row(seq: int, task: Any) -> tuple[Any, ...]:
    try:  # a pool's TaskRecord, the many: its attributes read directly (µs count here)
        values: Any = (task.task_id, task.first_index, task.count, task.pid, task.wid,
                       task.started, task.ended, task.outcome, task.attempt, task.error,
                       task.traceback)
    except AttributeError:
        values = tuple(getattr(task, name, None) for name in _TASK_FIELDS)
    # outcome, error, traceback: text, whatever the pool keeps there (a Text, an exception)
    outcome, error, trace = values[7], values[9], values[10]
    if type(outcome) is not str or error is not None or trace is not None:
        values = list(values)
        for i in (7, 9, 10):
            values[i] = None if values[i] is None else str(values[i])
    spans = getattr(task, "history", None)
    return (seq, *values, json.dumps([list(s) for s in spans]) if spans else None)


def stride(live: int) -> int:
    return max(1, math.ceil(live / ROWS_PER_SAMPLE))


def run_title(config: Any) -> str:
    if config.title:
        return str(config.title)
    names = [f"{g.count}×{g.name}" for g in config.workers]
    if config.pool is not None:
        names.append(f"pool {config.pool.task}")
    return ", ".join(names) or "empty run"


def config_form(config: Any) -> dict[str, Any]:
    from mpscope.core.config import to_dict

    form = to_dict(config)
    items = (form.get("pool") or {}).get("items")
    if isinstance(items, list) and len(items) > 1000:  # a 10-million-item list is no config
        form["pool"]["items"] = {"truncated": True, "count": len(items), "head": items[:100]}
    return form


def run_summary(run: Any) -> Any:
    from mpscope.core.engine.summary import build_summary

    try:
        return json_safe(build_summary(run))
    except Exception:  # noqa: BLE001 - a summary must never cost the run its end record
        return None
