"""Paused processes: a worker or pool process stopped by a signal is shown as paused.

A SIGSTOPped process looks exactly like a frozen one from outside: no messages,
no CPU. Once a second (and at once after Pause or Resume) the run reads the
status of every running or paused process and moves it between RUNNING and
PAUSED, with an event each way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from mpscope.core.engine.process_tree import paused_pids
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State
from mpscope.core.text import Text

CHECK_EVERY_S = 1.0
SOON_S = 0.05  # after Pause or Resume: the signal lands within microseconds, not at once


class PauseWatch:
    """Moves records between RUNNING and PAUSED from their process's status."""

    def __init__(self, emit: Callable[[int | None, str, str], None]) -> None:
        self._emit = emit
        self._next = 0.0

    def soon(self) -> None:
        """Look again at the next poll (Pause or Resume was just asked)."""
        self._next = min(self._next, time.monotonic() + SOON_S)

    def check(self, records: Iterable[WorkerRecord]) -> None:
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + CHECK_EVERY_S
        watched = [r for r in records if r.pid and r.state in (State.RUNNING, State.PAUSED)]
        if not watched:
            return
        paused = paused_pids([r.pid for r in watched if r.pid])
        for record in watched:
            if record.pid in paused and record.state is State.RUNNING:
                record.state = State.PAUSED
                self._emit(record.wid, "state", Text(
                    "{name}: paused — stopped by a signal (SIGSTOP); Resume continues it",
                    name=record.name))
            elif record.pid not in paused and record.state is State.PAUSED:
                record.state = State.RUNNING
                self._emit(record.wid, "state", Text("{name}: running again", name=record.name))
