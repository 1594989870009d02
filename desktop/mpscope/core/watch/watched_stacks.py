"""Stacks on demand for a watched program's processes: found by name, asked by signal.

Each Python process of the program dumps its stacks into an unlinked file of
its own (core/watch/stack_hook.py); a request looks for that file among the
process's descriptors just before signalling, so a process that has none (not
Python, started with `python -I`, or its program took the signal over) is
never sent a signal it does not expect: asking says the stack is not available.
"""

from __future__ import annotations

from typing import Any

from mpscope.core.insight.stack_dump import STACK_SIGNAL
from mpscope.core.insight.stack_requests import StackRequests
from mpscope.core.text import Text
from mpscope.core.watch.stack_hook import dump_fd


class WatchedStacks(StackRequests):
    """StackRequests over a WatchedRun's process table (the run's private directory names
    the dump files)."""

    def __init__(self, run: Any) -> None:
        super().__init__(run)
        self.names_in: str | None = None  # the run's private directory, once it started

    def request(self, wid: int) -> Text | None:
        record = self.run.engine.records[wid]
        if record.state.is_alive and record.pid and self.names_in is not None:
            fd = dump_fd(self.names_in, record.pid)
            record.stack_ready, record.stack_fd = fd > 0, fd
            if not fd:
                return Text("{name}: stack not available: not a Python process mpscope could "
                            "instrument (or the program uses that signal itself)",
                            name=record.name)
        return super().request(wid)

    def _signal(self, record: Any) -> bool:
        return bool(self.run.processes.signal(record.wid, STACK_SIGNAL))
