"""`mpscope run`: run a configuration in the terminal, printing state changes and progress.

The run is recorded in the run history (see recorder.py) unless asked not to;
a history that cannot be opened costs a warning, never the run.
"""

from __future__ import annotations

import multiprocessing.connection
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mpscope.core.config import RunConfig
from mpscope.core.engine.run import Run
from mpscope.core.engine.run_state import Event
from mpscope.core.engine.states import State
from mpscope.core.engine.summary import build_summary, format_table, write_summary
from mpscope.core.history.history_writer import Recorder, attach
from mpscope.core.insight.notify_command import Notifying
from mpscope.core.printable import printable

if TYPE_CHECKING:
    from mpscope.core.engine.sampler import Sampler
    from mpscope.core.follow.commands import ControlHandle

PROGRESS_EVERY = 1.0
EXIT_OUTPUT_FAILED = 1  # every worker succeeded, but an asked-for output was not written
SAMPLE_EVERY = 1.0  # CPU samples for the history, as often as the window takes them
PROGRESS_WORKERS_SHOWN = 8
# Events that can come by the thousand are printed up to a cap, then only counted
# (the progress line says how many were not shown; the history keeps them all).
PRINT_CAPS = {"callback": 10, "error_callback": 50, "log": 1000}


# Signals that stop the run: a terminal's Ctrl-C, and `kill` or a service manager's SIGTERM.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class HeadlessRunner(Notifying):
    """Drives a Run from the terminal until it ends; Ctrl-C or SIGTERM stops it, twice kills it."""

    def __init__(self, config: RunConfig, out: TextIO = sys.stdout,
                 history: Path | None = None, record: bool = True) -> None:
        self.run = Run(config)
        self.out = out
        self._interrupts = 0  # signals received
        self._handled = 0  # of those, acted upon by the loop
        self._printed: dict[str, int] = dict.fromkeys(PRINT_CAPS, 0)
        self._unprinted: dict[str, int] = dict.fromkeys(PRINT_CAPS, 0)
        self.run.engine.subscribe(self._print_event)
        # The history opens on its writer thread while the first processes start: the
        # loop takes up its answer when it comes (see _settle).
        self.recorder = self._attach(history) if record else None
        self._recording_settled = self.recorder is None
        self.control: ControlHandle | None = None
        self._sampler: Sampler | None = None

    def execute(self, summary_path: str | None = None, results_path: str | None = None) -> int:
        previous = {signum: signal.signal(signum, self._on_signal) for signum in STOP_SIGNALS}
        previous_usr1 = signal.signal(signal.SIGUSR1, self._on_sigusr1)
        try:
            self.run.start()
            self.run.poll(budget=0.05)  # the first starts: what follows overlaps them
            if self.recorder is not None:
                from mpscope.core.engine.sampler import Sampler  # psutil: not before a start

                self._sampler = Sampler()
            self._loop()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            signal.signal(signal.SIGUSR1, previous_usr1)
            if self.control is not None:
                self.control.close()
        self.out.write("\n" + format_table(self.run) + "\n")
        code: int = self.run.exit_code()
        # The run's record first: nothing that fails after it (the summary) may lose it.
        recorded = self._finish_recording(self.recorder, code) if self.recorder else None
        exit_status = code
        outputs: list[tuple[str, str | None, Callable[[str], object]]] = [("summary", summary_path,
                    lambda path: write_summary(path, build_summary(self.run))),
                   ("results", results_path, self._write_results)]
        for what, path, write in outputs:
            if not path:
                continue
            try:
                write(path)
            except (OSError, TypeError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                print(f"mpscope: could not write the {what} to {path}: {reason}",
                      file=sys.stderr)
                exit_status = exit_status or EXIT_OUTPUT_FAILED
        self.out.write(f"\n{_verdict(code)} in {self.run.duration:.1f}s"
                       f" (exit status {exit_status})\n")
        if recorded:
            self.out.write(recorded + "\n")
        self.out.flush()
        self.close_notifier(code)
        return exit_status

    def _write_results(self, path: str) -> None:
        from mpscope.core.pool import results_file

        if self.run.pool is not None:
            count = results_file.write(path, self.run.pool)
            self.out.write(f"{count:,} pool results written to {path}\n")

    def _loop(self) -> None:
        run = self.run
        sampler = self._sampler
        next_progress = next_sample = time.monotonic() + PROGRESS_EVERY
        while True:
            self._act_on_signals()
            run.poll(budget=0.05)
            self._act_on_signals()
            if not self._recording_settled:
                self._settle(wait=not run.busy)
            if not run.busy:
                break
            if self.control is not None:
                self.control.serve()
            now = time.monotonic()
            if now >= next_progress:
                self._print_progress()
                next_progress = now + PROGRESS_EVERY
            if sampler is not None and self.recorder is not None and now >= next_sample:
                records = run.engine.records.values()
                pids = [r.pid for r in records if r.pid and r.state.is_alive and not r.remote]
                sample = sampler.sample(pids)
                for record in records:
                    if not record.remote and record.pid in sample.per_pid:
                        record.peak_rss = max(record.peak_rss, sample.per_pid[record.pid][1])
                self.recorder.on_sample(sample)
                next_sample = now + SAMPLE_EVERY
            elif self.recorder is not None:
                # Every half second (it keeps its own pace), not only with each sample: the
                # writer thread then inserts a pool's task rows while the pool runs, in
                # SQLite with the GIL released, rather than all of them after its end.
                self.recorder.snapshot()
            if not run.backlog:  # messages already read from a pipe do not wake wait()
                multiprocessing.connection.wait(run.wait_handles(), timeout=0.1)

    def _attach(self, path: Path | None) -> Recorder | None:
        """Start recording; on any problem say so on stderr and run unrecorded."""
        try:
            return attach(self.run, path)
        except (OSError, RuntimeError) as exc:  # e.g. no home directory to put the data in
            print(f"mpscope: warning: run history unavailable ({exc}); not recording",
                  file=sys.stderr)
            return None

    def _settle(self, wait: bool) -> None:
        """Once the history is open (or could not be): the warning, or the control socket.

        The recorder's writer thread opens the database beside the first starts; the
        loop asks at each turn without waiting, and waits only when the run has ended
        before it answered. Waiting before the first start (as this once did) put the
        database's opening on every run's critical path (issue #18). Events meanwhile
        wait on the recorder's queue."""
        recorder = self.recorder
        if recorder is None or not (wait or recorder.answered):
            return
        self._recording_settled = True
        if not recorder.wait_ready() and recorder.error:
            print(f"mpscope: warning: {recorder.error}; not recording", file=sys.stderr)
            self.recorder = None
        elif self.run.busy:  # nothing to control once the run has ended
            from mpscope.core.follow.commands import listen  # the socket's modules: not before

            self.control = listen(self.run, recorder)

    def _finish_recording(self, recorder: Recorder, code: int) -> str | None:
        """Finish the run's record; → the line that says where it is (once it is whole)."""
        run_id = recorder.finish(code)
        if recorder.error:
            print(f"mpscope: warning: {recorder.error}", file=sys.stderr)
        if run_id is None:
            return None
        if recorder.join(0):
            return f"recorded as run #{run_id} in {recorder.path}"
        print(f"mpscope: warning: run #{run_id} was not completely written to "
              f"{recorder.path} in time", file=sys.stderr)
        return None

    def _on_signal(self, signum: int, frame: object) -> None:
        # Only counted here: a handler runs between any two bytecodes, maybe in the middle
        # of a start, so the loop acts on it where the engine's state is whole.
        self._interrupts += 1
        self.run.interrupted = True

    def _act_on_signals(self) -> None:
        if self._handled == self._interrupts:
            return
        first = self._handled == 0
        self._handled = self._interrupts
        if first and self._interrupts == 1:
            self._say("interrupted: stopping every worker (Ctrl-C again to kill them now)")
            self.run.stop()
        else:
            self._say("killing every worker")
            self.run.kill()

    def _on_sigusr1(self, signum: int, frame: object) -> None:
        """`kill -USR1 <mpscope>`: print every running process's Python stacks."""
        self._say("SIGUSR1: asking every running process for its Python stacks")
        for reason in self.run.stacks.request_all():
            self._say(reason)

    def _print_event(self, event: Event) -> None:
        kind = event.kind
        if kind == "stack":
            self._say(event.text)
            if event.detail:
                lines = event.detail.splitlines()
                self.out.write("".join(f"    {printable(line)}\n" for line in lines))
                self.out.flush()
            return
        if kind in PRINT_CAPS:
            if self._printed[kind] >= PRINT_CAPS[kind]:
                self._unprinted[kind] += 1
                return
            self._printed[kind] += 1
        # A task's own lines (log, output) say so and carry the worker's name.
        self._say(f"{kind} {event.text}" if kind in ("log", "output") else event.text)

    def _print_progress(self) -> None:
        parts = []
        records = [r for r in self.run.engine.records.values() if r.kind == "worker"]
        known = [r.fraction for r in records if r.fraction is not None]
        if known:
            parts.append(f"workers {100 * sum(known) / len(records):.0f}%")
        for record in records[:PROGRESS_WORKERS_SHOWN]:
            if record.state.is_alive:
                share = f"{100 * record.fraction:.0f}%" if record.fraction is not None else "…"
                share = "paused" if record.state is State.PAUSED else share
                parts.append(f"{record.name} {share}")
        if len(records) > PROGRESS_WORKERS_SHOWN:
            parts.append(f"(+{len(records) - PROGRESS_WORKERS_SHOWN} more)")
        if self.run.pool is not None:
            parts.append(self.run.pool.progress_text())
        unprinted = [f"{n:,} {kind.replace('_', ' ')}s" for kind, n in self._unprinted.items() if n]
        if unprinted:
            parts.append("not shown: " + ", ".join(unprinted))
        if parts:
            self._say("progress " + " | ".join(parts))

    def _say(self, text: str) -> None:
        # Names, titles and messages come from user code: escapes are shown, never obeyed.
        self.out.write(f"[{self.run.duration:7.2f}s] {printable(text)}\n")
        self.out.flush()


def _verdict(code: int) -> str:
    return {0: "everything succeeded", 130: "interrupted"}.get(code, "run ended with failures")
