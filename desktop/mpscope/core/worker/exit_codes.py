"""Exit codes a worker's bootstrap itself uses, so the parent can tell them from a task's own."""

from __future__ import annotations

EXIT_FAILED = 1  # the task raised, or its result could not be sent
EXIT_ORPHANED = 70  # the parent died; the watchdog ended this worker
