"""Every process of a watched program, one WorkerRecord each: role, parent, state and ending.

Rows come from three sources, whichever speaks first: the hooks' reports
(`ProcessStarted` names the role: Pool process, Executor process, Process with
its target), a scan of the process tree with psutil (anything else: resource
tracker, fork server, other subprocesses, orphans), and each stream's `Hello`.
Exit codes come from the program itself (`ProcessEnded`: multiprocessing's
Popen collected it), from mpscope reaping the main program and, as a child
subreaper, the orphans it adopted; a process that vanished without either is
ended "exit status unknown".
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import Any

import psutil

from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import State, explain_exit
from mpscope.core.text import Text
from mpscope.core.watch import messages as wm

ROLES = {  # role → the row's group: what the process is, in words (the window translates)
    "main": Text("main program"), "pool": Text("Pool process"),
    "executor": Text("Executor process"), "process": Text("Process"),
    "tracker": Text("resource tracker"), "forkserver": Text("fork server"),
    "other": Text("subprocess"),
}
POOL_ROLES = ("pool", "executor")
CODE_WAIT_S = 1.0  # a vanished process waits this long for its exit code to be reported
PAUSED = "paused (SIGSTOP)"
REPORT_WAIT_S = 1.0  # a new process is left unnamed this long, for the hooks to name it


class ProcessTable:
    """pid → WorkerRecord for the whole tree of one program, kept in the run's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.by_pid: dict[int, WorkerRecord] = {}
        self.pool_of: dict[int, int] = {}  # pid → its pool's key
        self.main_pid: int | None = None
        self._procs: dict[int, psutil.Process] = {}
        self._codes: dict[int, int] = {}  # exit codes reported before the row ended
        self._vanished: dict[int, float] = {}  # pid → when it was seen gone (monotonic)
        self.on_end: Any = None  # called with the record once a process has ended
        self.hooked = False  # the hooks run in the program: they report its Processes
        self._counter = 0

    # -- rows --------------------------------------------------------------------------
    def add_main(self, pid: int, command: str) -> WorkerRecord:
        self.main_pid = pid
        return self._add(pid, os.getpid(), "main", "main", command)

    def _add(self, pid: int, parent: int | None, role: str, name: str, task: str,
             created: float | None = None) -> WorkerRecord:
        kind = "pool" if role in POOL_ROLES else "worker"
        self._counter += 1
        record = self.engine.add_worker(task, name=name, group=ROLES[role], kind=kind,
                                        index=self._counter - 1)
        record.pid, record.parent, record.state = pid, parent, State.RUNNING
        record.started_at = record.running_at = created or time.time()
        self.by_pid[pid] = record
        with contextlib.suppress(psutil.Error):
            proc = self._procs[pid] = psutil.Process(pid)
            # The parent as the system sees it (a fork server's child is the server's).
            record.parent = proc.ppid()
            record.started_at = min(record.started_at, proc.create_time())
        self.engine.emit(record.wid, "state", Text(
            "{name}: {role} running (pid {pid}, parent {parent})", name=name, role=ROLES[role],
            pid=pid, parent=record.parent if record.parent is not None else "?"))
        return record

    def started(self, frame: wm.ProcessStarted) -> None:
        """The program started a multiprocessing Process: name its row after its role."""
        if frame.pool:
            self.pool_of[frame.pid] = frame.pool
        record = self.by_pid.get(frame.pid)
        task = {"pool": "multiprocessing.Pool", "executor": "ProcessPoolExecutor"}.get(
            frame.role, frame.target)
        if record is None:
            self._add(frame.pid, frame.ppid, frame.role, frame.name, task, frame.t)
            return
        record.name, record.group, record.task = frame.name, ROLES[frame.role], task
        record.kind = "pool" if frame.role in POOL_ROLES else "worker"

    def hello(self, frame: wm.Hello) -> None:
        if frame.pid not in self.by_pid:
            self._discovered(frame.pid)

    def reported_exit(self, frame: wm.ProcessEnded) -> None:
        record = self.by_pid.get(frame.pid)
        if record is None or record.state.is_final:
            return
        self._codes[frame.pid] = frame.exitcode
        if not self._alive(frame.pid):
            self._end(record, frame.exitcode)

    def main_exited(self, code: int) -> None:
        record = self.by_pid.get(self.main_pid or -1)
        if record is not None and not record.state.is_final:
            self._end(record, code)

    # -- the tree ------------------------------------------------------------------------
    def scan(self, adopted: bool = False) -> None:
        """Find new descendants, notice ended ones and paused ones."""
        roots = [self.main_pid] if self.main_pid is not None else []
        if adopted:  # orphans reparented to mpscope, the child subreaper
            roots += [pid for pid in _children(os.getpid()) if pid != self.main_pid
                      and self._ours(pid)]
            for pid in roots[1:]:
                if pid not in self.by_pid:
                    self._discovered(pid)
        for pid in _descendants(roots):
            if pid not in self.by_pid:
                self._discovered(pid, young_wait=self.hooked)
        now = time.monotonic()
        for pid, record in list(self.by_pid.items()):
            if record.state.is_final or pid == self.main_pid:
                continue
            if self._alive(pid):
                self._paused(record)
                continue
            code = self._codes.get(pid)
            if code is None and adopted:
                code = _reap(pid)
            if code is not None:
                self._end(record, code)
            elif now - self._vanished.setdefault(pid, now) >= CODE_WAIT_S:
                self._end(record, None)

    def _ours(self, pid: int) -> bool:
        """An adopted orphan of this program (not another child of mpscope, e.g. the relay)."""
        if pid in self.by_pid:
            return True
        with contextlib.suppress(psutil.Error):
            return bool(psutil.Process(pid).environ().get("MPSCOPE_WATCH") == self.address)
        return False

    address: str | None = None  # the watch socket, set by the run (marks our orphans)

    def _discovered(self, pid: int, proc: psutil.Process | None = None,
                    young_wait: bool = False) -> None:
        try:
            proc = proc or psutil.Process(pid)
            with proc.oneshot():
                cmdline, parent, created = proc.cmdline(), proc.ppid(), proc.create_time()
                name = proc.name()
        except psutil.Error:
            return
        text = " ".join(cmdline)
        if "multiprocessing.resource_tracker" in text:
            role, name, task = "tracker", "resource tracker", "multiprocessing.resource_tracker"
        elif "multiprocessing.forkserver" in text:
            role, name, task = "forkserver", "fork server", "multiprocessing.forkserver"
        else:
            # A multiprocessing child is named by the hooks' report, which is on its way.
            if young_wait and time.time() - created < REPORT_WAIT_S:
                return
            role, task = ("process", "") if "--multiprocessing-fork" in text else (
                "other", _short(text))
        self._add(pid, parent, role, name, task, created)
        self._procs[pid] = proc

    def _alive(self, pid: int) -> bool:
        proc = self._procs.get(pid)
        if proc is None:
            return False
        try:
            return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
        except psutil.Error:
            return False

    def _paused(self, record: WorkerRecord) -> None:
        proc = self._procs.get(record.pid or -1)
        try:
            paused = proc is not None and proc.status() == psutil.STATUS_STOPPED
        except psutil.Error:
            return
        if paused and record.note != PAUSED:
            record.note = PAUSED
            self.engine.emit(record.wid, "state", Text("{name}: paused (pid {pid})",
                                                       name=record.name, pid=record.pid))
        elif not paused and record.note == PAUSED:
            record.note = None
            self.engine.emit(record.wid, "state", Text("{name}: resumed (pid {pid})",
                                                       name=record.name, pid=record.pid))

    def _end(self, record: WorkerRecord, code: int | None) -> None:
        record.exitcode, record.ended_at = code, time.time()
        if record.note == PAUSED:
            record.note = None
        if code is None:
            state, detail = State.FINISHED, Text("ended (exit status unknown)")
        elif code == 0:
            state, detail = State.FINISHED, explain_exit(0)
        elif code == -signal.SIGKILL:
            state, detail = State.KILLED, explain_exit(code)
        elif code == -signal.SIGTERM:
            state, detail = State.TERMINATED, explain_exit(code)
        elif code < 0:
            state, detail = State.LOST, explain_exit(code)
        else:
            state, detail = State.FAILED, explain_exit(code)
        if record.ended_because:  # mpscope ended it (the memory limit): say why first
            detail = Text("{why}: {detail}", why=record.ended_because, detail=detail)
        record.state, record.detail = state, detail
        self._procs.pop(record.pid or -1, None)
        kind = "error" if state in (State.FAILED, State.LOST) else "state"
        self.engine.emit(record.wid, kind, Text("{name}: {state} — {text}", name=record.name,
                                                state=state, text=detail))
        if self.on_end is not None:
            self.on_end(record)

    # -- actions --------------------------------------------------------------------------
    def alive_pids(self) -> list[int]:
        return [pid for pid, r in self.by_pid.items() if not r.state.is_final]

    def signal(self, wid: int, signum: int, tree: bool = False) -> bool:
        """Send `signum` to one row's process (and with `tree`, its descendants first)."""
        record = self.engine.records.get(wid)
        if record is None or record.pid is None or record.state.is_final:
            return False
        proc = self._procs.get(record.pid)
        if proc is None:
            return False
        if tree:
            return _signal_tree(proc, signum)
        with contextlib.suppress(psutil.Error):
            if proc.is_running():  # checks the creation time: never a reused pid
                proc.send_signal(signum)
                return True
        return False


def _signal_tree(root: psutil.Process, signum: int) -> bool:
    """`signum` to a process and all its descendants at once: the tree is paused first
    (SIGSTOP, top down), so none of them sees another end and reacts (a parent whose
    child died would go on, a Pool would start a new process), then signalled, then
    continued (a paused process acts on SIGTERM only once continued)."""
    held: list[psutil.Process] = []
    queue = [root]
    while queue:
        proc = queue.pop(0)
        with contextlib.suppress(psutil.Error):
            if proc.is_running():  # checks the creation time: never a reused pid
                proc.send_signal(signal.SIGSTOP)
                held.append(proc)
                queue += proc.children()  # listed once it is paused: it cannot fork any more
    for proc in held:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signum)
    for proc in held:
        with contextlib.suppress(psutil.Error):
            proc.send_signal(signal.SIGCONT)
    return bool(held)


def _children(pid: int) -> list[int]:
    """A process's children, from /proc (every thread's list: a thread may fork too)."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
                found += [int(word) for word in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _descendants(roots: list[int]) -> list[int]:
    """Every descendant of `roots`: a few reads per known process, not a scan of all of /proc
    (psutil's way, 25 ms on a busy machine) where the kernel lists children."""
    if not os.path.exists(f"/proc/self/task/{os.getpid()}/children"):
        found = []
        for root in roots:
            with contextlib.suppress(psutil.Error):
                found += [p.pid for p in psutil.Process(root).children(recursive=True)]
        return found
    found, queue = [], list(roots)
    while queue:
        children = _children(queue.pop())
        found += children
        queue += children
    return found


def _reap(pid: int) -> int | None:
    """Collect an adopted orphan's exit code (mpscope is its parent now), without waiting."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if done else None


def _short(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
