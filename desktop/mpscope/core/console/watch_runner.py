"""`mpscope watch -- COMMAND`: run a program unchanged, print what mpscope sees on stderr.

The program's stdin, stdout and stderr stay its own (the relay passes output
through byte for byte), so mpscope's lines go to stderr. A Ctrl-C from the
terminal reaches the program as it would without mpscope; mpscope only notes
it and waits for the program to end, then exits with the program's exit code.
"""

from __future__ import annotations

import multiprocessing.connection
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from mpscope.core.engine.run_state import Event
from mpscope.core.engine.sampler import Sampler
from mpscope.core.engine.summary import write_summary
from mpscope.core.follow.commands import listen
from mpscope.core.history.history_writer import Recorder, attach
from mpscope.core.insight.notify_command import Notifying
from mpscope.core.printable import printable
from mpscope.core.watch.watched_run import WatchedRun, WatchError

PROGRESS_EVERY = 2.0
SAMPLE_EVERY = 1.0
# Reports wake the loop; pool processes' task rings (watch/task_rings.py) do not: while
# they fill, the loop comes back sooner than when all is quiet.
QUIET_WAIT_S = 0.1
BUSY_WAIT_S = 0.02
BUSY = 64  # reports and tasks handled by one poll
PRINT_CAPS = {"log": 1000, "task": 50}
QUIET_KINDS = ("output",)  # already on the terminal


class WatchRunner(Notifying):
    """Drives a WatchedRun from the terminal, recording it in the history like `mpscope run`."""

    def __init__(self, run: WatchedRun, out: TextIO = sys.stderr, history: Path | None = None,
                 record: bool = True) -> None:
        self.run = run
        self.out = out
        self._interrupts = 0
        self._printed = dict.fromkeys(PRINT_CAPS, 0)
        self._unprinted = dict.fromkeys(PRINT_CAPS, 0)
        self._last_progress = ""
        self.run.engine.subscribe(self._print_event)
        self.recorder = self._record(history) if record else None
        self.control = listen(self.run, self.recorder)  # `mpscope follow --control`

    def execute(self, summary_path: str | None = None) -> int:
        run: Any = self.run
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        previous_usr1 = signal.signal(signal.SIGUSR1, self._on_sigusr1)
        try:
            try:
                run.start()
            except WatchError as error:
                self._say(f"mpscope: {error}")
                code: int = run.exit_code()
                if self.recorder is not None:
                    self._finish_recording(self.recorder, code)
                return code
            self._loop()
        finally:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGUSR1, previous_usr1)
            if self.control is not None:
                self.control.close()
        code = run.exit_code()
        self.out.write(format_processes(run) + "\n")
        if summary_path:
            write_summary(summary_path, watch_summary(run))
        self._say(f"program exited with code {code} after {run.duration:.1f}s")
        if self.recorder is not None:
            self._finish_recording(self.recorder, code)
        self.out.flush()
        self.close_notifier(code)
        return code

    def _loop(self) -> None:
        run: Any = self.run
        sampler = Sampler() if self.recorder is not None else None
        next_progress = next_sample = time.monotonic() + PROGRESS_EVERY
        while True:
            handled = run.poll(budget=0.05)
            if not run.busy:
                break
            if self.control is not None:
                self.control.serve()
            now = time.monotonic()
            if now >= next_progress:
                self._print_progress()
                next_progress = now + PROGRESS_EVERY
            if sampler is not None and self.recorder is not None and now >= next_sample:
                self.recorder.on_sample(sampler.sample(run.processes.alive_pids()))
                next_sample = now + SAMPLE_EVERY
            elif self.recorder is not None:
                self.recorder.snapshot()  # at its own pace: task rows written as they come
            multiprocessing.connection.wait(
                run.wait_handles(), timeout=BUSY_WAIT_S if handled >= BUSY else QUIET_WAIT_S)

    def _record(self, path: Path | None) -> Recorder | None:
        """Start recording; on any problem say so and watch unrecorded."""
        try:
            recorder = attach(self.run, path)
        except (OSError, RuntimeError) as exc:  # e.g. no home directory to put the data in
            self._say(f"warning: run history unavailable ({exc}); not recording")
            return None
        if not recorder.wait_ready() and recorder.error:
            self._say(f"warning: {recorder.error}; not recording")
            return None
        return recorder

    def _finish_recording(self, recorder: Recorder, code: int) -> None:
        run_id = recorder.finish(code)
        if recorder.error:
            self._say(f"warning: {recorder.error}")
        if run_id is None:
            return
        if recorder.join(0):
            self._say(f"recorded as run #{run_id} in {recorder.path}")
        else:
            self._say(f"warning: run #{run_id} was not completely written to {recorder.path} "
                      "in time")

    def _on_sigint(self, signum: int, frame: object) -> None:
        # The terminal sent it to the program too (same process group): it decides.
        self._interrupts += 1
        self._say("Ctrl-C: passed to the program; mpscope waits for it to end")

    def _on_sigusr1(self, signum: int, frame: object) -> None:
        """`kill -USR1 <mpscope>`: print the Python stacks of every process of the program."""
        self._say("SIGUSR1: asking every running process for its Python stacks")
        for reason in self.run.stacks.request_all():
            self._say(reason)

    def _print_event(self, event: Event) -> None:
        if event.kind in QUIET_KINDS:
            return
        if event.kind == "stack":
            self._say(event.text)
            if event.detail:
                self.out.write("".join(f"    {printable(line)}\n"
                                       for line in event.detail.splitlines()))
                self.out.flush()
            return
        if event.kind in PRINT_CAPS:
            if self._printed[event.kind] >= PRINT_CAPS[event.kind]:
                self._unprinted[event.kind] += 1
                return
            self._printed[event.kind] += 1
        self._say(f"log {event.text}" if event.kind == "log" else event.text)

    def _print_progress(self) -> None:
        run: Any = self.run
        parts = []
        alive = run.processes.alive_pids()
        parts.append(f"{len(alive)} process(es) running")
        if run.pool.tasks:
            parts.append(run.pool.progress_text())
        for record in run.engine.records.values():
            if record.total and record.state.is_alive:
                parts.append(f"{record.name} {100 * (record.fraction or 0):.0f}%")
        unprinted = [f"{n:,} {kind} lines" for kind, n in self._unprinted.items() if n]
        if unprinted:
            parts.append("not shown: " + ", ".join(unprinted))
        text = " | ".join(parts)
        if text != self._last_progress:
            self._last_progress = text
            self._say("progress " + text)

    def _say(self, text: str) -> None:
        self.out.write(f"[mpscope {self.run.duration:7.2f}s] {text}\n")
        self.out.flush()


def watch_summary(run: WatchedRun) -> dict[str, Any]:
    """The `--summary-json` object of a watched run."""
    return {
        "command": list(run.command.argv),
        "title": run.config.title,
        "exit_code": run.exit_code(),
        "returncode": run.returncode,
        "duration_s": round(run.duration, 3),
        "tasks_tracked": run.launch.hooked or run.launch.shim_hooks,
        "processes": [_process(r) for r in run.engine.records.values()],
        "pool": run.pool.summary(),
        "output": run.output.summary(),
    }


def _process(record: Any) -> dict[str, Any]:
    return {"name": record.name, "role": record.group, "pid": record.pid,
            "parent": record.parent, "task": record.task, "state": str(record.state),
            "exitcode": record.exitcode, "detail": record.detail, "done": record.done,
            "total": record.total, "output_lines": len(record.output),
            "duration_s": round(record.elapsed, 3) if record.elapsed is not None else None}


def format_processes(run: WatchedRun) -> str:
    """The end-of-run table: one row per process, then the pool line."""
    headers = ("process", "role", "pid", "parent", "state", "how it ended")
    rows = [(r.name, r.group, str(r.pid or "-"), str(r.parent or "-"), str(r.state),
             r.detail or "") for r in run.engine.records.values()]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    if run.pool.tasks or run.pool.calls:
        lines.append(run.pool.summary_line())
    return "\n".join(lines)
