"""This machine's live runs: the one listing behind File → Open a live run… and `follow --list`.

`mpscope follow --list` prints them as a short table; with `--jsonl` one
`live_run` object a line (schema version 1, docs/follow.md), which is what a
window on another machine reads over SSH to offer a choice.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from typing import Any, TextIO

from mpscope.core.follow.feed import SCHEMA
from mpscope.core.history.store import HistoryError, HistoryStore

EXIT_NO_LIVE_RUN = 3  # `follow --list` found nothing running (distinct from a usage problem)
MAX_LISTED = 50
RECENT_PROGRESS = 2_000  # progress rows read per run, newest first (each process's latest)
# A live_run's `run` object: the fields, in order.
LIST_FIELDS = ("id", "title", "host", "pid", "started_at", "status", "workers", "tasks", "done",
               "total")


def live_runs() -> list[dict[str, Any]]:
    """Runs being recorded on this machine now, newest first (dead recorders' runs are marked
    first), each with `workers`, `pool_tasks` and its progress (`done`, `total`)."""
    from mpscope.core.history.paths import history_path

    path = history_path()
    if not path.exists():
        return []
    try:
        with HistoryStore(path) as store:  # opening marks runs whose recorder is gone
            host = socket.gethostname()
            runs = [run for run in store.list_runs(status="running", limit=MAX_LISTED)
                    if run["host"] == host]
            for run in runs:
                run["done"], run["total"] = _progress(store, int(run["id"]))
    except HistoryError:
        return []
    return runs


def _progress(store: HistoryStore, run_id: int) -> tuple[float | None, float | None]:
    """(done, total) of the run: its pool's items, else the sum of its workers' latest
    progress; total None when any is unknown."""
    rows = store.db.execute("SELECT wid, done, total FROM progress_samples WHERE run_id = ? "
                            "ORDER BY t DESC LIMIT ?", (run_id, RECENT_PROGRESS)).fetchall()
    latest: dict[int, tuple[float, float | None]] = {}
    for wid, done, total in rows:
        latest.setdefault(wid, (done or 0.0, total))
    if 0 in latest:  # the pool's items as a whole
        return latest[0]
    if not latest:
        return None, None
    totals = [total for _done, total in latest.values()]
    return (sum(done for done, _total in latest.values()),
            None if None in totals else sum(t for t in totals if t is not None))


def list_item(run: dict[str, Any]) -> dict[str, Any]:
    """One `live_run` line of `follow --list --jsonl`."""
    values = {**run, "tasks": run.get("pool_tasks")}
    return {"v": SCHEMA, "type": "live_run", "run": {key: values.get(key) for key in LIST_FIELDS}}


def progress_text(done: float | None, total: float | None) -> str:
    """`37 %`, `1,234 done`, or `—` when the run has said nothing about its progress."""
    if done is None:
        return "—"
    if total:
        return f"{min(100.0, 100 * done / total):.0f} %"
    return f"{done:,.0f} done"


def print_listing(jsonl: bool, out: TextIO = sys.stdout) -> int:
    """`mpscope follow --list [--jsonl]`; → 0, or EXIT_NO_LIVE_RUN (said on stderr)."""
    runs = live_runs()
    if not runs:
        print(f"mpscope: no run is being recorded on {socket.gethostname()} now (start one "
              "with `mpscope run CONFIG.toml`; ended runs: `mpscope history`)", file=sys.stderr)
        return EXIT_NO_LIVE_RUN
    write_listing([list_item(run)["run"] for run in runs], jsonl, out)
    return 0


def write_listing(runs: list[dict[str, Any]], jsonl: bool, out: TextIO) -> None:
    """`runs` (live_run objects' `run`) as JSON lines, or as the short table."""
    if jsonl:
        for run in runs:
            item = {"v": SCHEMA, "type": "live_run", "run": run}
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        return
    rows = [("RUN", "TITLE", "STARTED", "WORKERS/TASKS", "PROGRESS", "PID")]
    for run in runs:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run["started_at"] or 0))
        title = run["title"] or ""
        rows.append((f"#{run['id']}", title if len(title) <= 40 else title[:39] + "…", started,
                     f"{run['workers']}/{run['tasks']}", progress_text(run["done"], run["total"]),
                     str(run["pid"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")
