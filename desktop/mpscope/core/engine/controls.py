"""What a person can do to a worker: stop, pause, resume, terminate, kill, restart.

The Engine inherits these; they only send signals and mark requests, and the
engine's poll() does the rest (escalation after the grace period, reaping).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mpscope.core.engine.live import Live, send_signal
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.start_slots import Launching
from mpscope.core.engine.states import State
from mpscope.core.text import Text

_SIGNAL_SENT = {"terminate": "SIGTERM", "kill": "SIGKILL"}


class WorkerControls:
    """The per-worker actions of the Engine (a mixin: the Engine owns the state they touch)."""

    records: dict[int, WorkerRecord]
    grace_seconds: float
    _live: dict[int, Live]
    _start_queue: list[int]
    _launching: Launching

    if TYPE_CHECKING:
        def emit(self, wid: int | None, kind: str, text: str,
                 detail: str | None = None) -> None: ...
        def start(self, wid: int) -> None: ...
        def _end(self, record: WorkerRecord, state: State, detail: str) -> None: ...

    def stop(self, wid: int) -> None:
        """Ask the task to stop (it sees StopRequested); escalate to terminate, then kill."""
        record = self.records[wid]
        if record.state is State.PENDING:
            self._cancel_pending(record)
            return
        if self._launching.ask(wid, "stop"):
            return
        live = self._live.get(wid)
        if live is None or live.requested is not None:
            return
        live.stop_flag.value = 1
        if record.state in (State.RUNNING, State.PAUSED) and record.pid:
            send_signal(live, signal.SIGINT)  # wakes the task now; it only acts on the flag
            if record.state is State.PAUSED or live.paused:  # stopped, it can act on nothing
                send_signal(live, signal.SIGCONT, tree=True)
        self._request(record, live, "stop", Text("stop requested"))

    def pause(self, wid: int) -> None:
        """SIGSTOP the worker and everything it started (as htop's tree actions do)."""
        self._pause(wid, signal.SIGSTOP)

    def resume(self, wid: int) -> None:
        """SIGCONT the worker and everything it started."""
        self._pause(wid, signal.SIGCONT)

    def _pause(self, wid: int, signum: int) -> None:
        record, live = self.records[wid], self._live.get(wid)
        if live is not None and send_signal(live, signum, tree=True):
            live.paused = signum == signal.SIGSTOP
            self.emit(wid, "state", Text("{name}: {signal} sent", name=record.name,
                                         signal=signal.Signals(signum).name))

    def terminate(self, wid: int) -> None:
        """Send SIGTERM; escalate to kill after the grace period."""
        self._force(wid, "terminate")

    def kill(self, wid: int) -> None:
        """Send SIGKILL: the process cannot ignore it."""
        self._force(wid, "kill")

    def _force(self, wid: int, what: str) -> None:
        record = self.records[wid]
        live = self._live.get(wid)
        if record.state is State.PENDING:
            self._cancel_pending(record)
        elif self._launching.ask(wid, what):
            return
        elif live is not None and live.requested not in ("kill", what):
            # The whole tree, as htop's tree kill: whatever the task started goes with it.
            send_signal(live, signal.SIGKILL if what == "kill" else signal.SIGTERM, tree=True)
            if record.state is State.PAUSED or live.paused:  # SIGTERM waits for it to go on
                send_signal(live, signal.SIGCONT, tree=True)
            self._request(record, live, what, Text("{signal} sent", signal=_SIGNAL_SENT[what]))

    def restart(self, wid: int) -> None:
        """Run an ended worker again with the same configuration."""
        record = self.records[wid]
        if not record.state.is_final:
            raise ValueError(f"{record.name} is {record.state}; only an ended worker can restart")
        record.reset()
        self.emit(wid, "state", Text("{name}: restart #{count}", name=record.name,
                                      count=record.restarts))
        self.start(wid)

    def stop_all(self) -> None:
        self._each_worker(self.stop)

    def terminate_all(self) -> None:
        self._each_worker(self.terminate)

    def kill_all(self) -> None:
        self._each_worker(self.kill)

    def _each_worker(self, action: Callable[[int], None]) -> None:
        for wid, record in list(self.records.items()):
            if record.kind == "worker":
                action(wid)

    def _cancel_pending(self, record: WorkerRecord) -> None:
        if record.wid in self._start_queue:
            self._start_queue.remove(record.wid)
        self._end(record, State.STOPPED, Text("stopped before it started"))

    def _request(self, record: WorkerRecord, live: Live, what: str, text: str) -> None:
        live.requested = what
        live.escalate_at = time.monotonic() + self.grace_seconds
        if record.state is not State.STOPPING:
            record.state = State.STOPPING
        self.emit(record.wid, "state", Text("{name}: stopping — {why}", name=record.name, why=text))

    def send_signal(self, wid: int, signum: int) -> bool:
        """Send a signal to a running worker (never to a reaped one); True when sent."""
        live = self._live.get(wid)
        return live is not None and send_signal(live, signum)
