"""Reading a recorded run out: JSON and CSV export, JSON import, comparison, the history table."""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mpscope.core.history.json_export import write_document
from mpscope.core.history.store import COLUMNS, HistoryStore, pack_cpu
from mpscope.core.printable import printable

FORMAT, VERSION = "mpscope-run", 1
ROW_TABLES = ("workers", "events", "tasks", "core_samples", "worker_samples", "progress_samples")


class UnknownRun(KeyError):
    """No run has this id."""

    def __str__(self) -> str:
        return f"no run #{self.args[0]}"


def run_document(store: HistoryStore, run_id: int) -> dict[str, Any]:
    """Everything recorded for one run, as JSON-ready data (what run.json holds)."""
    run = store.get_run(run_id)
    if run is None:
        raise UnknownRun(run_id)
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION, "run": run}
    queries = {"workers": store.workers, "events": store.events, "tasks": store.tasks,
               "core_samples": store.core_samples, "worker_samples": store.worker_samples,
               "progress_samples": store.progress_samples}
    for table in ROW_TABLES:
        document[table] = queries[table](run_id)
    return document


def export_json(store: HistoryStore, run_id: int, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write `run.json` (the whole run) into `out_dir`; return the path in a list."""
    run = store.get_run(run_id)
    if run is None:
        raise UnknownRun(run_id)
    path = Path(out_dir) / "run.json"
    # Row by row off the cursor (the text json.dumps(run_document(...), indent=1) gives):
    # a run of a million tasks exports in bounded memory.
    write_document(store, {"format": FORMAT, "version": VERSION, "run": run}, ROW_TABLES,
                   run_id, path)
    return [path]


def export_csv(store: HistoryStore, run_id: int, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write run, workers, events, tasks, samples (cores wide), worker and progress CSVs.

    Rows stream off the database cursor, as for JSON: any run exports in bounded memory.
    """
    found = store.get_run(run_id)
    if found is None:
        raise UnknownRun(run_id)
    names = {w["wid"]: w["name"] for w in store.iter_rows("workers", run_id)}
    cores = store.db.execute("SELECT coalesce(max(length(per_core)), 0) / 2 FROM core_samples "
                             "WHERE run_id = ?", (run_id,)).fetchone()[0]  # 2 bytes a core
    run = {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in found.items()}
    tables: dict[str, tuple[list[str], Iterable[list[Any]]]] = {
        "run.csv": (list(run), [list(run.values())]),
        "workers.csv": _columns(store, run_id, "workers"),
        "events.csv": _columns(store, run_id, "events"),
        "tasks.csv": _columns(store, run_id, "tasks"),
        "samples.csv": (["t", *(f"cpu{i}" for i in range(cores)), "own_cpu", "own_rss"],
                        ([s["t"], *s["per_core"], *[None] * (cores - len(s["per_core"])),
                          s["own_cpu"], s["own_rss"]]
                         for s in store.iter_rows("core_samples", run_id))),
        "worker_samples.csv": (["t", "wid", "worker", "cpu", "rss"],
                               ([s["t"], s["wid"], names.get(s["wid"], ""), s["cpu"], s["rss"]]
                                for s in store.iter_rows("worker_samples", run_id))),
        "progress_samples.csv": _columns(store, run_id, "progress_samples"),
    }
    paths = []
    for name, (header, rows) in tables.items():
        path = Path(out_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(path)
    return paths


def _columns(store: HistoryStore, run_id: int,
             table: str) -> tuple[list[str], Iterator[list[Any]]]:
    header = [c[:-5] if c.endswith("_json") else c for c in COLUMNS[table] if c != "run_id"]
    if table in ("workers", "tasks"):
        header.append("peak_rss")  # from the peaks table
    body = ([json.dumps(r[c]) if c == "result" else r[c] for c in header]
            for r in store.iter_rows(table, run_id))
    return header, body


def import_json(store: HistoryStore, path: str | os.PathLike[str]) -> int:
    """Load a run.json written by export_json as a new run; return its id."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT or document.get("version", 0) > VERSION:
        raise ValueError(f"{path}: not an mpscope run export (version ≤ {VERSION})")
    run = dict(document["run"])
    if run.get("status") == "running":  # it was exported live; here it can never finish
        run["status"] = "interrupted"
    summary = run.pop("summary", None)
    fields = {k: v for k, v in run.items() if k in COLUMNS["runs"] and k != "id"}
    with store.transaction():
        run_id = store.begin_run(config=run.get("config"), **fields)
        store.update_run(run_id, summary=summary)
        for table in ROW_TABLES:
            store.insert(table, [_row(table, run_id, r) for r in document.get(table, [])])
        store.insert("peaks", [(run_id, kind, r[key], r["peak_rss"])
                               for table, kind, key in (("workers", "worker", "wid"),
                                                        ("tasks", "task", "seq"))
                               for r in document.get(table, []) if r.get("peak_rss")])
    return run_id


def _row(table: str, run_id: int, row: dict[str, Any]) -> tuple[Any, ...]:
    values: list[Any] = []
    for column in COLUMNS[table]:
        if column == "run_id":
            values.append(run_id)
        elif column.endswith("_json"):
            values.append(json.dumps(row.get(column[:-5])))
        elif column == "per_core":
            values.append(pack_cpu(row["per_core"]))
        else:
            values.append(row.get(column))
    return tuple(values)


# -- comparing runs ----------------------------------------------------------------
def run_metrics(store: HistoryStore, run_id: int) -> dict[str, Any]:
    """Duration, worker times, pool items and throughput, mean CPU of one run."""
    run = store.get_run(run_id)
    if run is None:
        raise UnknownRun(run_id)
    db = store.db
    workers, finished, mean_s, max_s, work = db.execute(
        "SELECT count(*), total(state = 'finished'), avg(ended_at - started_at), "
        "max(ended_at - started_at), total(done) FROM workers WHERE run_id = ? AND kind = 'worker'",
        (run_id,)).fetchone()
    tasks, items, first, last = db.execute(
        "SELECT count(*), total(CASE WHEN ended IS NOT NULL AND error IS NULL THEN count END), "
        "min(started), max(ended) FROM tasks WHERE run_id = ?", (run_id,)).fetchone()
    cpu = [sum(s["per_core"]) / len(s["per_core"]) for s in store.core_samples(run_id)
           if s["per_core"]]
    duration = run["duration"] or 0.0
    span = (last - first) if tasks and first is not None and last is not None else duration
    items_per_s = items / span if items and span > 0 else None
    work_per_s = work / duration if work and duration > 0 else None
    return {
        "id": run_id, "title": run["title"], "status": run["status"],
        "exit_code": run["exit_code"], "duration_s": duration, "workers": workers,
        "workers_finished": int(finished), "worker_mean_s": mean_s, "worker_max_s": max_s,
        "work_done": work, "work_per_s": work_per_s, "pool_tasks": tasks, "pool_items": int(items),
        "pool_span_s": span if tasks else None, "items_per_s": items_per_s,
        # Pool items when there is a pool, else the workers' own progress units.
        "throughput": items_per_s if items_per_s is not None else work_per_s,
        "cpu_mean": sum(cpu) / len(cpu) if cpu else None, "config": run["config"],
    }


def compare(store: HistoryStore, a: int, b: int) -> dict[str, Any]:
    """Metrics of runs a and b; `speedup` is a's duration over b's (> 1: b was faster)."""
    first, second = run_metrics(store, a), run_metrics(store, b)
    da, db_ = first["duration_s"], second["duration_s"]
    ta, tb = first["throughput"], second["throughput"]
    return {
        "a": first, "b": second,
        "speedup": da / db_ if da and db_ else None,
        "throughput_ratio": tb / ta if ta and tb else None,
        "same_config": _comparable(first["config"]) == _comparable(second["config"]),
    }


def _comparable(config: Any) -> Any:
    # Where the config file was, and its title, do not change what ran.
    return {k: v for k, v in (config or {}).items() if k not in ("source", "title")}


# -- the terminal table ---------------------------------------------------------------
# Terminal colours of the outcomes, the hues of the window's (green, red, violet, magenta).
OUTCOME_ANSI = {"succeeded": "32", "failed": "31", "stopped": "35", "interrupted": "95",
                "running": "34"}


def format_runs(runs: list[dict[str, Any]], color: bool = False) -> str:
    """The `mpscope history` table: id, started, title, outcome, exit, duration, workers, tasks.

    `color`: the outcome in its colour (ANSI), for a terminal.
    """
    headers = ("id", "started", "title", "outcome", "exit", "duration", "workers", "pool tasks")
    rows = [(
        str(r["id"]),
        time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["started_at"] or 0)),
        _clip(printable(r["title"] or ""), 40), r.get("outcome") or r["status"],
        "-" if r["exit_code"] is None else str(r["exit_code"]),
        "-" if r["duration"] is None else f"{r['duration']:.1f}s",
        str(r["workers"]), str(r["pool_tasks"]),
    ) for r in runs]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=True)]
        if color and row[3] in OUTCOME_ANSI:  # padded first: escapes take no columns
            cells[3] = f"\033[{OUTCOME_ANSI[row[3]]}m{cells[3]}\033[0m"
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
