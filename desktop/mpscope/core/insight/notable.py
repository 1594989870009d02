"""Which of a run's events someone away from the screen wants to hear about, as small dicts.

The window's tray notifications and `--notify-command` both ask here, so they
agree on what is worth an interruption: a worker or pool process that failed
or was lost, a memory warning or a crossed memory limit, and the run's end.
"""

from __future__ import annotations

import time
from typing import Any

from mpscope.core.engine.run_state import Event
from mpscope.core.engine.states import State

KINDS = ("run_ended", "worker_failed", "worker_lost", "memory_warning", "memory_limit")


def notable(event: Event, records: dict[int, Any], title: str) -> dict[str, Any] | None:
    """The notification an event makes (see KINDS), or None when it makes none."""
    record = records.get(event.wid) if event.wid is not None else None
    if event.kind == "memory":
        kind = "memory_warning"
    elif event.kind != "error" or record is None:
        return None
    elif record.state is State.FAILED:
        kind = "worker_failed"
    elif record.state is State.LOST:
        kind = "worker_lost"
    elif record.ended_because and record.state.is_alive:
        kind = "memory_limit"  # the guard's "over the limit: stopping it"
    else:
        return None
    return {"event": kind, "run": title, "time": event.t,
            "worker": record.name if record else None,
            "pid": record.pid if record else None, "text": str(event.text)}


def run_ended(title: str, exit_code: int, duration: float, failed: int,
              suppressed: int = 0) -> dict[str, Any]:
    """The notification of a run's end."""
    verdict = {0: "succeeded", 130: "interrupted"}.get(exit_code, "ended with failures")
    return {"event": "run_ended", "run": title, "time": time.time(), "exit_code": exit_code,
            "duration_s": round(duration, 3), "failed": failed,
            "text": f"{title}: {verdict} (exit status {exit_code}) in {duration:.1f} s",
            "suppressed": suppressed}
