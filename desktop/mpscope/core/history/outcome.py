"""A recorded run's outcome in one word: succeeded, failed, stopped, interrupted or running.

The status says whether the recording ended ("finished" means only that); the
outcome says how the run went, from its exit status and its workers' final states.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

OUTCOMES = ("running", "succeeded", "failed", "stopped", "interrupted")
FAILED_STATES = frozenset({"failed", "lost"})
STOPPED_STATES = frozenset({"stopped", "terminated", "killed"})
EXIT_INTERRUPTED = 130  # Ctrl-C: what `mpscope run` exits with, and the run records


def run_outcome(run: Mapping[str, Any], worker_states: Iterable[str] | None = None) -> str:
    """The outcome of a run row (`status`, `exit_code`; `worker_states` as listed, or given).

    A run with a failed or lost worker failed; one with workers stopped, terminated
    or killed (and none failed) was stopped; exit status 1 with every worker
    finished is a failed pool.
    """
    status = run.get("status")
    if status in ("running", "interrupted"):
        return str(status)
    code = run.get("exit_code")
    if code == 0:
        return "succeeded"
    if code == EXIT_INTERRUPTED:
        return "stopped"
    if worker_states is None:
        worker_states = (run.get("worker_states") or "").split(",")
    states = set(worker_states)
    if states & FAILED_STATES:
        return "failed"
    return "stopped" if states & STOPPED_STATES else "failed"
