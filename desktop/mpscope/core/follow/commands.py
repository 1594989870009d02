"""Applies a control command to the Run this process owns (on the owner's thread)."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from typing import Any

from mpscope.core.follow.control import Command
from mpscope.core.insight.stack_replies import StackReplies
from mpscope.core.text import Text


class RunControl:
    """Resolves a command's worker and applies it; pause and resume are SIGSTOP and SIGCONT."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.paused: set[int] = set()  # pids we stopped with SIGSTOP
        self.stacks = StackReplies(run)

    def __call__(self, command: Command) -> dict[str, Any] | None:
        engine = self.run.engine
        if command.worker is None:
            records = list(engine.records.values())
            target: str = Text("the whole run")
        else:
            record = self._find(command.worker)
            if record is None:
                names = ", ".join(r.name for r in list(engine.records.values())[:20])
                return {"ok": False, "error": f"no worker {command.worker!r} in this run "
                                              f"(workers: {names})"}
            records, target = [record], record.name
        action = command.action
        if action == "restart" and (command.worker is None or records[0].kind != "worker"
                                    or not records[0].state.is_final):
            return {"ok": False, "error": "restart takes one ended worker (not the run, "
                                          "not a pool process)"}
        if action == "stack":  # answered when the dumps arrive (the stack events)
            return self.stacks.ask(command, records)
        if action in ("pause", "resume"):
            self._pause(records, action == "pause")
        elif command.worker is None:
            self._resume_paused(records)  # a stopped process cannot see a stop or a SIGTERM
            {"stop": self.run.stop, "kill": self.run.kill,
             "terminate": self._terminate_all}[action]()
        else:
            self._resume_paused(records)
            self.run.control(action, records[0].wid)
        wid = None if command.worker is None else records[0].wid
        engine.emit(wid, "info", _said(action, target, command.peer_pid))
        return {"ok": True, "text": f"{action} sent to {target}"}

    def _find(self, worker: str | int) -> Any:
        records = self.run.engine.records
        if isinstance(worker, int):
            return records.get(worker)
        return next((r for r in records.values() if r.name == worker), None)

    def _terminate_all(self) -> None:
        main = getattr(self.run, "main_wid", None)  # a watched program: SIGTERM its main process
        if main is not None:
            self.run.control("terminate", main)
            return
        self.run.engine.terminate_all()
        if self.run.pool is not None:
            self.run.pool.stop()

    def _pause(self, records: list[Any], pause: bool) -> None:
        engine = self.run.engine
        own = getattr(engine, "pause" if pause else "resume", None)
        if hasattr(self.run, "main_wid"):  # a watched program's processes: its run knows how
            own = functools.partial(self.run.control, "pause" if pause else "resume")
        for record in records:
            if own is not None:  # the run knows how (and shows it)
                own(record.wid)
            elif record.pid and record.state.is_alive:
                _signal(record.pid, signal.SIGSTOP if pause else signal.SIGCONT)
                (self.paused.add if pause else self.paused.discard)(record.pid)

    def _resume_paused(self, records: list[Any]) -> None:
        for record in records:
            if record.pid in self.paused:
                _signal(record.pid, signal.SIGCONT)
                self.paused.discard(record.pid)


def _said(action: str, target: str, pid: int) -> Text:
    """The event a command leaves in the run's log (one template per action, to translate)."""
    if action == "stop":
        return Text("{target}: stop asked through the control socket (pid {pid})",
                    target=target, pid=pid)
    if action == "pause":
        return Text("{target}: pause asked through the control socket (pid {pid})",
                    target=target, pid=pid)
    if action == "resume":
        return Text("{target}: resume asked through the control socket (pid {pid})",
                    target=target, pid=pid)
    if action == "restart":
        return Text("{target}: restart asked through the control socket (pid {pid})",
                    target=target, pid=pid)
    if action == "terminate":
        return Text("{target}: terminate asked through the control socket (pid {pid})",
                    target=target, pid=pid)
    return Text("{target}: kill asked through the control socket (pid {pid})",
                target=target, pid=pid)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile: nothing to do
        os.kill(pid, signum)


class ControlHandle:
    """A run's control socket with its applier: the owner's loop calls serve(), then close()."""

    def __init__(self, server: Any, control: RunControl) -> None:
        self.server = server
        self.control = control

    def serve(self) -> None:
        self.server.serve_pending(self.control)

    def close(self) -> None:
        self.server.close()


def listen(run: Any, recorder: Any) -> ControlHandle | None:
    """The control socket `mpscope follow --control` talks to, for a recorded run; on any
    problem one warning line on stderr and None (the run goes on uncontrolled)."""
    from mpscope.core.follow.control import ControlError, ControlServer

    run_id = getattr(recorder, "run_id", None)
    if run_id is None:
        return None
    try:
        return ControlHandle(ControlServer(run_id), RunControl(run))
    except (ControlError, OSError) as exc:
        print(f"mpscope: warning: no control socket ({exc}); the run cannot be controlled "
              "from another terminal", file=sys.stderr)
        return None
