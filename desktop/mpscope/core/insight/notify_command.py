"""`--notify-command CMD`: run the user's command per notable event, the event as JSON on stdin.

For mail, chat or a pager: `mpscope run job.toml --notify-command 'mail -s mpscope me@x'`.
Commands run one at a time on a thread of their own, in event order, so the
run never waits for them; each gets NOTIFY_TIMEOUT_S before it is killed. At
most MAX_PER_RUN per run (a run where a thousand workers fail must not start
a thousand mailers): the rest are counted in the `run_ended` event's
`suppressed`. The owner calls `close()` at the end, which waits (bounded)
for the commands still queued, the run's end among them.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from typing import Any, TextIO

from mpscope.core.engine.run_state import Event
from mpscope.core.engine.states import State
from mpscope.core.insight.notable import notable, run_ended

NOTIFY_TIMEOUT_S = 30.0
MAX_PER_RUN = 100
CLOSE_WAIT_S = 35.0
ENDED_BADLY = frozenset({State.FAILED, State.LOST, State.KILLED})


class NotifyCommand:
    """Feeds a shell command one JSON object per notable event of a run."""

    def __init__(self, command: str, run: Any, errors: TextIO = sys.stderr) -> None:
        self.command = command
        self.run = run
        self.errors = errors
        self.sent = 0
        self.suppressed = 0
        self.failures = 0
        self._queue: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="mpscope-notify", daemon=True)
        self._thread.start()
        run.engine.subscribe(self.on_event)

    @property
    def title(self) -> str:
        config = getattr(self.run, "config", None)  # a watched run has a title of its own
        return str(getattr(config, "title", None) or getattr(self.run, "title", None)
                   or "mpscope run")

    def on_event(self, event: Event) -> None:
        """An engine listener: queue the event's notification, if it makes one."""
        note = notable(event, self.run.engine.records, self.title)
        if note is not None:
            self.notify(note)

    def notify(self, note: dict[str, Any]) -> None:
        if self.sent >= MAX_PER_RUN:
            self.suppressed += 1
            return
        self.sent += 1
        self._queue.put(note)

    def close(self, exit_code: int) -> bool:
        """Send the run's end, then wait for the queue to empty; False if it did not in time."""
        failed = sum(1 for r in self.run.engine.records.values() if r.state in ENDED_BADLY)
        self._queue.put(run_ended(self.title, exit_code, self.run.duration, failed,
                                  self.suppressed))
        self._queue.put(None)
        self._thread.join(CLOSE_WAIT_S)
        return not self._thread.is_alive()

    def _work(self) -> None:
        while (note := self._queue.get()) is not None:
            self._deliver(note)

    def _deliver(self, note: dict[str, Any]) -> None:
        data = (json.dumps(note, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            # A session of its own: a terminal Ctrl-C meant for mpscope must not cut a mail.
            process = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            self._complain(f"cannot run the notify command: {error}")
            return
        try:
            process.communicate(data, timeout=NOTIFY_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            self._complain(f"the notify command took longer than {NOTIFY_TIMEOUT_S:g} s; "
                           "killed it")
            return
        except BrokenPipeError:
            process.wait()  # it did not read its stdin: its choice
        if process.returncode:
            self._complain(f"the notify command exited with status {process.returncode}")

    def _complain(self, text: str) -> None:
        self.failures += 1
        if self.failures <= 3:  # say it, but not a thousand times
            print(f"mpscope: warning: {text}", file=self.errors, flush=True)


class Notifying:
    """For a terminal runner (`mpscope run`, `mpscope watch`): its optional notify command."""

    run: Any
    notifier: NotifyCommand | None = None

    def notify_with(self, command: str | None) -> None:
        """`--notify-command`: run `command` with each notable event as JSON on its stdin."""
        if command:
            self.notifier = NotifyCommand(command, self.run)

    def close_notifier(self, code: int) -> None:
        """Send the run's end to the notify command and wait (bounded) for what is queued."""
        if self.notifier is not None and not self.notifier.close(code):
            print("mpscope: warning: the notify command had not finished; not waiting for it",
                  file=sys.stderr)
