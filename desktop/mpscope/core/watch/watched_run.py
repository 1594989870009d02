"""WatchedRun: an unchanged program run and watched, shaped like a Run (engine records + a pool).

To the headless printer, the history recorder and the window it is a run whose
workers are the program's processes (`engine.records`, one per process) and
whose pool (`pool`, a WatchedPools) holds every task of every Pool and
ProcessPoolExecutor the program used. Drive it with `poll()` like a Run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from typing import Any, ClassVar

from mpscope.core.config import RunConfig
from mpscope.core.engine.channel_reader import FrameReader
from mpscope.core.engine.engine import Engine
from mpscope.core.engine.subreaper import become_subreaper
from mpscope.core.pool.listener import Connection, Listener
from mpscope.core.text import Text
from mpscope.core.watch import messages as wm
from mpscope.core.watch.client import DROPPED, ENV_ADDRESS
from mpscope.core.watch.command import Launch, WatchCommand, plan
from mpscope.core.watch.memory_guard import WatchedMemoryGuard
from mpscope.core.watch.output import OutputCapture
from mpscope.core.watch.output_owners import OutputOwners
from mpscope.core.watch.processes import ProcessTable
from mpscope.core.watch.relay import start_relay
from mpscope.core.watch.shim import HOOKS_ENV, make_shim_dir, remove_shim_dir, with_pythonpath
from mpscope.core.watch.task_rings import TaskRings
from mpscope.core.watch.tasks import WatchedPools
from mpscope.core.watch.terminal import is_terminal
from mpscope.core.watch.watched_stacks import WatchedStacks

SCAN_EVERY_S = 0.25  # process-tree scans (psutil): new processes, endings, pauses
OUTPUT_WAIT_S = 1.0  # after the program exits, output still coming is waited for this long
FRAMES_PER_PASS = 512
EXIT_NOT_STARTED = 127  # as a shell says "command not found"
SIGNALS = {"stop": signal.SIGINT, "pause": signal.SIGSTOP, "resume": signal.SIGCONT,
           "terminate": signal.SIGTERM, "kill": signal.SIGKILL}


class WatchError(RuntimeError):
    """The program could not be started (one line)."""


class WatchedRun:
    """Starts the program (see `start`) and turns what it reports into records and events."""

    TREE_ACTIONS: ClassVar[dict[str, int]] = {"terminate_tree": signal.SIGTERM,
                                              "kill_tree": signal.SIGKILL}

    def __init__(self, command: WatchCommand, subreaper: bool = False,
                 threaded_starts: bool = False, memory_limit: int | None = None,
                 terminal: bool = False) -> None:
        """`memory_limit`: bytes per process of the program (warned at 80 %, then ended);
        `terminal`: mpscope's own stdout/stderr are the program's (headless `mpscope watch`),
        so where they are a terminal the program gets a pty for that stream, not a pipe."""
        self.command = command
        self.launch: Launch = plan(command.argv)
        self.config = RunConfig(title=command.title or command.text, start_method="watched",
                                source=f"watch: {command.text}", memory_limit=memory_limit)
        self.engine = Engine("spawn")  # the records and the event stream; starts nothing
        self.processes = ProcessTable(self.engine)
        self.pool = WatchedPools(self.engine)
        self.processes.on_end = self.pool.process_ended
        self.processes.hooked = self.launch.hooked or self.launch.shim_hooks
        self.stacks = WatchedStacks(self)
        self.memory = WatchedMemoryGuard(self, memory_limit)
        self.output = OutputCapture(self._output_line, self._output_capped)
        self.owners = OutputOwners()
        self.subreaper = subreaper
        self.terminal = terminal
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.interrupted = False
        self.returncode: int | None = None
        self.main_wid: int | None = None
        self.dropped: dict[int, int] = {}  # pid → reports it could not send
        self._program: subprocess.Popen[bytes] | None = None
        self._relay: subprocess.Popen[bytes] | None = None
        self._report: FrameReader | None = None
        self._listener: Listener | None = None
        self._shim: str | None = None
        self._exited_at: float | None = None
        self._next_scan = 0.0
        self._adopted = False
        self._done = False

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the relay and the program; raises WatchError (one line) if it cannot run."""
        self.started_at = time.time()
        if self.subreaper:
            self._adopted = become_subreaper()
        self._listener = Listener()
        self.processes.address = self.pool.address = self._listener.address
        self.pool.rings = TaskRings(self._listener.address)
        self._shim = self.stacks.names_in = make_shim_dir()
        env = dict(os.environ)
        env.update(self.command.env)
        env[ENV_ADDRESS] = self._listener.address
        env = with_pythonpath(env, self._shim)
        if self.launch.shim_hooks:
            env[HOOKS_ENV] = "1"
        terminals = (self.terminal and is_terminal(1), self.terminal and is_terminal(2))
        relay, out_w, err_w, report_r = start_relay(terminals)
        self._relay, self._report = relay, FrameReader(report_r)
        try:
            self._program = subprocess.Popen(self.launch.argv, cwd=self.command.cwd or None,
                                             env=env, stdout=out_w, stderr=err_w)
        except OSError as error:
            os.close(out_w)
            os.close(err_w)
            out_w = err_w = -1
            with contextlib.suppress(subprocess.TimeoutExpired):
                relay.wait(timeout=5)  # it ends at once: nobody holds its pipes any more
            self._cleanup()
            self.ended_at = time.time()
            self.returncode = EXIT_NOT_STARTED
            self._done = True
            raise WatchError(f"cannot start {self.command.argv[0]!r}: "
                             f"{error.strerror or error}") from None
        finally:
            for fd in (out_w, err_w):
                if fd >= 0:
                    os.close(fd)
        self.pool.busy = True
        record = self.processes.add_main(self._program.pid, self.command.text)
        self.main_wid = record.wid
        if self.launch.notice:
            self.engine.emit(None, "info", self.launch.notice)

    def poll(self, budget: float = 0.005) -> int:
        """Read reports and output, scan the tree, notice the end; never blocks."""
        if self._program is None or self._done:
            return 0
        deadline = time.monotonic() + budget
        handled = self._read_reports(deadline) + self.pool.read_rings() + self._read_output()
        self._emit_output(self.owners.ready(time.monotonic()))
        self.stacks.poll()
        self.memory.poll()
        now = time.monotonic()
        if self._exited_at is None and self._program.poll() is not None:
            self._exited_at = now
            self._next_scan = 0.0
        if now >= self._next_scan:
            self._next_scan = now + SCAN_EVERY_S
            self.processes.scan(adopted=self._adopted)
            self.pool.update_rate()
        if self._exited_at is not None:
            # Output and helpers (the resource tracker) end a moment after the program.
            relay_done = self._relay is None or self._relay.poll() is not None
            self._next_scan = min(self._next_scan, now + 0.1)
            others = [p for p in self.processes.alive_pids() if p != self._program.pid]
            if (relay_done and not others) or now - self._exited_at >= OUTPUT_WAIT_S:
                self._finish()
        return handled

    def _finish(self) -> None:
        assert self._program is not None
        self._read_reports(time.monotonic() + 1.0, everything=True)
        self.pool.read_rings()
        self._read_output()
        self.output.close()
        self._emit_output(self.owners.ready(time.monotonic(), everything=True))
        self.returncode = self._program.returncode
        self.processes.main_exited(self.returncode)
        self.processes.scan(adopted=self._adopted)
        self.pool.finish()  # a task an ended process held and never ended is lost
        for pid in self.processes.alive_pids():
            record = self.processes.by_pid[pid]
            self.engine.emit(record.wid, "info", Text(
                "{name} (pid {pid}) is still running after the program ended",
                name=record.name, pid=pid))
        self.ended_at = time.time()
        self._done = True
        self.pool.busy = False
        self._cleanup()

    def _cleanup(self) -> None:
        if self._listener is not None:
            self._listener.close()
        if self._report is not None:
            self._report.close()
        if self._shim is not None:
            remove_shim_dir(self._shim)
            self._shim = None
        if self._relay is not None and self._relay.poll() is None:
            # Output still held open by a leftover process: the relay keeps passing it on.
            pass

    # -- reading ------------------------------------------------------------------------
    def _read_reports(self, deadline: float, everything: bool = False) -> int:
        listener = self._listener
        if listener is None:
            return 0
        listener.accept()
        handled = 0
        busy = listener.open_connections() if everything else listener.ready()
        while busy:
            still = []
            for connection in busy:
                frames = connection.read(1 << 30 if everything else FRAMES_PER_PASS)
                for frame in frames:
                    self._handle(connection, frame)
                handled += len(frames)
                if connection.eof_at is not None and connection.pid is not None:
                    self.pool.stream_closed(connection.pid)
                if len(frames) == FRAMES_PER_PASS and not everything:
                    still.append(connection)
            busy = still if time.monotonic() < deadline else []
        return handled

    def _read_output(self) -> int:
        if self._report is None or self._report.eof:
            return 0
        chunks = self._report.read(256)
        for stream, chunk in chunks:
            self.output.feed(stream, chunk)
        return len(chunks)

    def _handle(self, connection: Connection, frame: Any) -> None:
        table, pool = self.processes, self.pool
        if type(frame) is tuple:  # task frames, the many: (BEGAN | DONE, *fields)
            if frame[0] == wm.RAN:
                pool.ran(frame, table.by_pid.get(frame[9]))
            elif frame[0] == wm.BEGAN:
                pool.began(frame, table.by_pid.get(frame[6]))
            elif frame[0] == wm.DONE:
                pool.done(frame, table.by_pid.get(frame[8]))
            elif frame[0] == wm.OUTPUT:
                self.owners.copy(frame[1], frame[2], frame[3])
            elif frame[0] == wm.HELLO:
                connection.pid = frame[1]
                table.hello(wm.Hello(*frame[1:]))
            elif frame[0] == DROPPED:
                self._dropped(frame[1], frame[2])
        elif isinstance(frame, wm.ProcessStarted):
            table.started(frame)
            if frame.role in ("pool", "executor"):
                record = table.by_pid.get(frame.pid)
                if record is not None:
                    pool.records[record.wid] = record
        elif isinstance(frame, wm.ProcessEnded):
            table.reported_exit(frame)
        elif isinstance(frame, wm.PoolCall):
            pool.call(frame)
        elif isinstance(frame, wm.Progress):
            self._progress(frame)
        elif isinstance(frame, wm.Log):
            record = table.by_pid.get(frame.pid)
            name = record.name if record is not None else f"pid {frame.pid}"
            for line in frame.lines:
                self.engine.emit(record.wid if record else None, "log", f"{name}: {line}")
        elif isinstance(frame, wm.Notice):
            self.engine.emit(None, "info", Text("tasks not tracked: {why}", why=frame.text))

    def _dropped(self, pid: int, count: int) -> None:
        if count >= self.dropped.get(pid, 0) * 2:  # said again each time it doubles
            self.engine.emit(None, "info", Text(
                "pid {pid}: mpscope fell behind and {count} report(s) were dropped: task "
                "counts are incomplete (the program was not slowed down)", pid=pid, count=count))
        self.dropped[pid] = max(self.dropped.get(pid, 0), count)

    def _progress(self, frame: wm.Progress) -> None:
        record = self.processes.by_pid.get(frame.pid)
        if record is None:
            return
        record.done, record.total = frame.done, frame.total
        if frame.note:
            record.note = record.last_message = frame.note

    def _output_line(self, stream: str, line: str) -> None:
        self.owners.line(stream, line, time.monotonic())

    def _emit_output(self, lines: list[tuple[int | None, str, str]]) -> None:
        """Each line as an event of the process that wrote it (see output_owners.py)."""
        for pid, stream, line in lines:
            record = self.processes.by_pid.get(pid) if pid is not None else None
            if record is None and self.main_wid is not None:
                record = self.engine.records.get(self.main_wid)
            if record is not None:
                record.output.append(line)
            self.engine.emit(record.wid if record else self.main_wid, "output", line, stream)

    def _output_capped(self, cap: int) -> None:
        self.engine.emit(None, "info", Text(
            "output beyond {size} MB is not kept (the terminal still gets all of it)",
            size=cap >> 20))

    # -- the Run interface ----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._program is not None and not self._done

    @property
    def duration(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    @property
    def backlog(self) -> bool:
        return False

    @property
    def starting(self) -> bool:
        return False

    def wait_handles(self) -> list[Any]:
        handles: list[Any] = []
        if self._listener is not None:
            if (fd := self._listener.fileno()) is not None:
                handles.append(fd)
            handles += [c.reader.fd for c in self._listener.open_connections()]
        if self._report is not None and not self._report.eof:
            handles.append(self._report.fd)
        return handles

    def stop(self) -> None:
        """As Ctrl-C would: SIGINT to the main program."""
        if self.main_wid is not None:
            self.control("stop", self.main_wid)

    def kill(self) -> None:
        """SIGKILL the main program and everything it started."""
        if self.main_wid is not None:
            self.control("kill_tree", self.main_wid)

    def control(self, action: str, wid: int) -> None:
        """stop (SIGINT) | pause | resume | terminate | kill | terminate_tree | kill_tree, on
        any process row (a tree action: the process and every process it started)."""
        tree = action in self.TREE_ACTIONS
        if not tree and action not in SIGNALS:
            return  # e.g. restart: a watched program's processes are its own to start
        signum = self.TREE_ACTIONS[action] if tree else SIGNALS[action]
        record = self.engine.records.get(wid)
        if record is None:
            return
        if record.wid == self.main_wid and self._program is not None and not tree:
            with contextlib.suppress(ProcessLookupError):
                if self._program.poll() is None:  # reaped by us: its pid is not reused yet
                    self._program.send_signal(signum)
                    self._said(record, signum)
            return
        if self.processes.signal(wid, signum, tree=tree):
            self._said(record, signum, tree)

    def _said(self, record: Any, signum: int, tree: bool = False) -> None:
        name = signal.Signals(signum).name
        text = (Text("{name}: {signal} sent to it and every process it started", name=record.name,
                     signal=name) if tree else
                Text("{name}: {signal} sent", name=record.name, signal=name))
        self.engine.emit(record.wid, "state", text)

    def request_stack(self, wid: int) -> Text | None:
        """Ask one of the program's Python processes for every thread's stack, without
        stopping it: None when asked (a `stack` event follows), else why not."""
        return self.stacks.request(wid)

    def exit_code(self) -> int:
        """The program's own exit code; killed by a signal N: 128 + N, as a shell says."""
        code = self.returncode
        if code is None:
            return 1
        return 128 - code if code < 0 else code


def build_watched_run(argv: list[str] | tuple[str, ...], cwd: str | None = None,
                      env: dict[str, str] | None = None, title: str | None = None,
                      subreaper: bool = False, memory_limit: int | None = None,
                      terminal: bool = False) -> WatchedRun:
    """A WatchedRun for a command line (not started): for the CLI, the window and lessons."""
    return WatchedRun(WatchCommand(tuple(argv), cwd, dict(env or {}), title), subreaper=subreaper,
                      memory_limit=memory_limit, terminal=terminal)
