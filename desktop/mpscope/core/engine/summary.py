"""The end-of-run summary: a JSON object for scripts and a table for people."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from mpscope.core.engine.run import Run
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State
from mpscope.core.insight import top_tasks as top
from mpscope.core.printable import printable


def build_summary(run: Run) -> dict[str, Any]:
    """The summary object written by `--summary-json`."""
    summary: dict[str, Any] = {
        "exit_code": run.exit_code(),
        "duration_s": round(run.duration, 3),
        "title": run.config.title,
        "start_method": run.config.start_method,
        "workers": [_worker(r) for r in run.engine.records.values() if r.kind == "worker"],
    }
    if run.pool is not None:
        from mpscope.core.pool import results_file

        summary["pool"] = run.pool.summary()
        summary["pool"]["results"] = results_file.kept(run.pool)  # also the history's record
        summary["pool"]["top_tasks"] = {
            by: [row.as_dict() for row in top.of_pool(run.pool, by)] for by in ("time", "memory")}
    return summary


def _worker(record: WorkerRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "index": record.index,
        "pid": record.pid,
        "task": record.task,
        "state": str(record.state),
        "exitcode": record.exitcode,
        "detail": record.detail,
        "received": record.received,
        "sent": record.sent,
        "seq_gaps": record.seq_gaps,
        "result": record.result,
        "error": str(record.error) if record.error else None,
        "duration_s": round(record.elapsed, 3) if record.elapsed is not None else None,
        "peak_rss": record.peak_rss or None,
    }


def output_problem(path: str | os.PathLike[str]) -> str | None:
    """Why a file could not be written at `path` at the end of a run (None: it can).

    Tried for real (a temporary file in its folder), so it holds whoever runs it.
    """
    target = Path(path)
    if target.is_dir():
        return "is a folder, not a file"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        os.close(fd)
        os.unlink(temp)
    except OSError as exc:
        return f"cannot write there ({exc.strerror or exc})"
    return None


def write_summary(path: str | os.PathLike[str], summary: dict[str, Any]) -> None:
    """Write atomically, so a reader never sees half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
        handle.write("\n")
    os.replace(temp, target)


def format_table(run: Run) -> str:
    """A plain-text table of every worker's outcome."""
    headers = ("worker", "pid", "task", "state", "exit", "msgs", "time", "peak", "result / error")
    rows = []
    for r in run.engine.records.values():
        if r.kind != "worker":
            continue
        if r.state is State.FINISHED:
            outcome = "" if r.result is None else json.dumps(r.result)
        else:
            outcome = str(r.error) if r.error else r.detail
        rows.append((
            printable(r.name), str(r.pid or "-"), printable(r.task), str(r.state),
            "-" if r.exitcode is None else str(r.exitcode),
            f"{r.received}/{'?' if r.sent is None else r.sent}",
            "-" if r.elapsed is None else f"{r.elapsed:.1f}s",
            f"{r.peak_rss / 2**20:,.0f} MiB" if r.peak_rss else "-",
            _clip(outcome, 60),
        ))
    lines: list[str] = []
    if rows:
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                  for row in rows]
    if run.pool is not None:
        pool_line = printable(run.pool.summary_line())
        lines += ["", pool_line] if lines else [pool_line]
        for by, title in (("time", "top 5 tasks by time:"), ("memory", "top 5 tasks by memory:")):
            lines += top.format_top(title, top.of_pool(run.pool, by))
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = printable(text.replace("\n", " "))
    return text if len(text) <= width else text[: width - 1] + "…"
