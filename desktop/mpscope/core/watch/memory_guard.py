"""The per-process memory limit of a watched run: the run's guard, acting through signals.

The same checks, warning and escalation as `mpscope run`'s guard
(core/insight/memory_guard.py), over every process of the watched tree. A
watched program's processes are its own, so "stop" is what Ctrl-C does
(SIGINT), then SIGTERM, then SIGKILL, each sent to that process only.
"""

from __future__ import annotations

from typing import Any

from mpscope.core.insight.memory_guard import MemoryGuard

STEPS = ("stop", "terminate", "kill")  # SIGINT, SIGTERM, SIGKILL (WatchedRun.control)


class WatchedMemoryGuard(MemoryGuard):
    """MemoryGuard whose actions are signals to one process of the watched program."""

    def _act(self, record: Any, step: int) -> None:
        self.run.control(STEPS[step], record.wid)
