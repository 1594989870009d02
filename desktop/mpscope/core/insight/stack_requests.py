"""A run's stack requests: which processes can answer, sending the signal, reporting the dump.

The dump is reported as a `stack` event (text: who and how many threads;
detail: the dump itself), so the window, `mpscope run`, the follow control
socket and the run's history all receive it the same way.
"""

from __future__ import annotations

from typing import Any

from mpscope.core.insight.stack_dump import STACK_SIGNAL
from mpscope.core.insight.stacks import TIMEOUT_S, StackProbe, annotate, thread_count
from mpscope.core.text import Text


class StackRequests:
    """Asks a run's processes for their Python stacks; drive it with `poll()`."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.probe = StackProbe()

    @property
    def directory(self) -> str | None:
        """Where instrumented children write their dumps (None once closed)."""
        return self.probe.directory

    @property
    def pending(self) -> bool:
        return self.probe.pending

    def request(self, wid: int) -> Text | None:
        """Ask one process for its stacks: None when asked (a `stack` event follows), else why."""
        record = self.run.engine.records[wid]
        if not record.state.is_alive or not record.pid:
            return Text("{name}: no stack: the process is not running", name=record.name)
        if not record.stack_ready:
            return Text("{name}: stack not available: mpscope did not instrument this "
                        "process (or it is still starting)", name=record.name)
        if not self.probe.prepare(wid, record.pid, record.stack_fd):
            return Text("{name}: stack not available: its dump file is missing",
                        name=record.name)
        if not self._signal(record):
            self.probe.cancel(wid)
            return Text("{name}: no stack: the process has just ended", name=record.name)
        return None

    def request_all(self) -> list[Text]:
        """Ask every running process; return the reasons of those that cannot answer."""
        reasons = []
        for wid, record in list(self.run.engine.records.items()):
            if record.state.is_alive:
                reason = self.request(wid)
                if reason is not None:
                    reasons.append(reason)
        return reasons

    def _signal(self, record: Any) -> bool:
        if record.kind == "pool":
            pool = self.run.pool
            return pool is not None and pool.send_signal(record.wid, STACK_SIGNAL)
        return bool(self.run.engine.send_signal(record.wid, STACK_SIGNAL))

    def poll(self) -> None:
        """Report the dumps that are complete (cheap when nothing was asked)."""
        if not self.probe.pending:
            return
        engine = self.run.engine
        for wid, dump in self.probe.collect():
            record = engine.records[wid]
            if dump is None:
                engine.emit(wid, "stack", Text(
                    "{name}: no stack: pid {pid} did not answer within {seconds:g} s",
                    name=record.name, pid=record.pid, seconds=TIMEOUT_S))
            else:
                engine.emit(wid, "stack", Text(
                    "{name}: Python stack of {threads} thread(s) (pid {pid})", name=record.name,
                    threads=thread_count(dump), pid=record.pid), annotate(dump.rstrip("\n")))

    def open(self) -> None:
        """Make the dump directory and tell the run's processes (at start, and on a restart)."""
        directory = self.probe.open()
        self.run.engine.stack_dir = directory
        if self.run.pool is not None:
            self.run.pool.stack_dir = directory

    def close(self) -> None:
        self.probe.close()
        self.run.engine.stack_dir = None
