"""Follows a run on another machine: `mpscope follow --jsonl` through SSH, read without blocking.

The child is `ssh -T -o BatchMode=yes HOST 'mpscope follow … --jsonl --stdin-control'`
(the user's own SSH configuration, keys and agent), or any command runner given
as `via` (tests use `sh -c`). Its output is read in non-blocking pieces, each
line checked by schema.parse_line; commands go back on its stdin. A dropped
connection is reopened with `--since` the last number seen, so nothing is
missed or repeated; a stream that is not mpscope's ends the view with one
sentence. Nothing here waits: the owner calls `poll()` when `fileno()` is
readable or on a timer.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import subprocess
import time
from collections.abc import Sequence
from typing import Any

from mpscope.core.follow.control import parse_spec
from mpscope.core.follow.feed import HEARTBEAT_S
from mpscope.core.follow.schema import MAX_LINE, StreamError, parse_line
from mpscope.core.text import Text

SILENCE_S = 3 * HEARTBEAT_S  # no line at all for this long: the connection is gone
RETRY_S = (1.0, 2.0, 4.0, 8.0)  # waits before reconnecting (then the last, again)
MAX_RETRIES = 20  # attempts in a row that never got through before giving up
READ_BUDGET = 1 << 20  # bytes read per poll: a long replay arrives over several ticks
EXIT_WAIT_S = 2.0  # after its output ends, how long the child may take to exit
EXIT_USAGE = 2  # `mpscope follow` said no (no such run…): reconnecting will not help
_DESTINATION = re.compile(r"[^\s\x00-\x1f\x7f-]\S*")


def ssh_runner(destination: str, options: Sequence[str] = ()) -> list[str]:
    """The runner for `destination` (user@host, or a Host from ~/.ssh/config); `options` go
    to ssh before it (the tests' port and key). A destination cannot be an ssh option."""
    if not _DESTINATION.fullmatch(destination) or len(destination) > 255:
        raise ValueError(f"{destination!r} is not an SSH destination (user@host or a host name)")
    return ["ssh", "-T", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3", *options, destination]


class RemoteFollow:
    """One followed remote run: `poll()` → new items; `send()` a command; `close()`."""

    def __init__(self, runner: Sequence[str], remote_command: str = "mpscope",
                 run_id: int | None = None, label: str = "") -> None:
        self.runner = list(runner)
        self.remote_command = shlex.split(remote_command)
        self.label = label or " ".join(self.runner)
        self.run_id = run_id
        self.since = 0
        self.state = "connecting"  # connecting | live | reconnecting | ended | failed
        self.message: str = Text("connecting to {host}…", host=self.label)
        self.exit_code: int | None = None
        self.connections = 0  # attempts that got the run's first line
        self._child: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._errors = b""
        self._failures = 0
        self._got_run = False
        self._retry_at = 0.0
        self._last_line = time.monotonic()
        self._eof_at: float | None = None
        self._start()

    # -- what the owner calls ----------------------------------------------------
    @property
    def child_pid(self) -> int | None:
        """The runner's pid while connected (it leads its own process group)."""
        return self._child.pid if self._child else None

    def fileno(self) -> int | None:
        """The child's output, to wait on (None between connections)."""
        return self._child.stdout.fileno() if self._child and self._child.stdout else None

    def poll(self) -> list[dict[str, Any]]:
        """Items that arrived (checked, in order); never waits."""
        if self.state in ("ended", "failed"):
            return []
        if self._child is None:
            if time.monotonic() >= self._retry_at:
                self._start()
            return []
        items: list[dict[str, Any]] = []
        try:
            eof = self._read(items)
        except StreamError as exc:
            self._fail(Text("the stream from {host} is not mpscope's: {problem}",
                            host=self.label, problem=str(exc)))
            return items
        if eof and self._eof_at is None:
            self._eof_at = time.monotonic()
        if self._eof_at is not None:  # its exit status says why; it comes a moment later
            if self._child.poll() is not None or time.monotonic() - self._eof_at > EXIT_WAIT_S:
                self._ended_connection()
        elif self.state == "live" and time.monotonic() - self._last_line > SILENCE_S:
            self._stop_child()
            self._ended_connection()
        return items

    def send(self, spec_or_request: str | dict[str, Any]) -> bool:
        """Send `kill:pi-2` (or a request object) to the run; False when not connected."""
        request = parse_spec(spec_or_request) if isinstance(spec_or_request, str) \
            else spec_or_request
        child = self._child
        if child is None or child.stdin is None or self.state != "live":
            return False
        try:
            child.stdin.write(json.dumps(request).encode() + b"\n")
            child.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def close(self) -> None:
        """Stop following (the remote run goes on)."""
        self._stop_child()
        if self.state not in ("ended", "failed"):
            self.state = "ended"
            self.message = Text("stopped following; the run on {host} goes on", host=self.label)

    # -- the connection ----------------------------------------------------------
    def command(self) -> list[str]:
        target = [str(self.run_id)] if self.run_id is not None else ["--latest"]
        remote = [*self.remote_command, "follow", *target, "--jsonl", "--stdin-control",
                  "--since", str(self.since)]
        return [*self.runner, shlex.join(remote)]

    def _start(self) -> None:
        self._buffer, self._errors, self._got_run, self._eof_at = b"", b"", False, None
        try:
            self._child = subprocess.Popen(
                self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True)  # a terminal's Ctrl-C is ours
        except OSError as exc:
            self._fail(Text("cannot start {command}: {problem}", command=self.runner[0],
                            problem=str(exc)))
            return
        assert self._child.stdout is not None and self._child.stderr is not None
        os.set_blocking(self._child.stdout.fileno(), False)
        os.set_blocking(self._child.stderr.fileno(), False)
        self._last_line = time.monotonic()
        if self.state == "reconnecting":
            self.message = Text("reconnecting to {host}…", host=self.label)

    def _read(self, items: list[dict[str, Any]]) -> bool:
        """Read what is there; → True at end of output."""
        assert self._child is not None and self._child.stdout is not None
        self._read_errors()
        budget = READ_BUDGET
        while self._eof_at is None and budget > 0:
            try:
                chunk = os.read(self._child.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                return False
            if not chunk:
                return True
            budget -= len(chunk)
            self._buffer += chunk
            *lines, self._buffer = self._buffer.split(b"\n")
            if len(self._buffer) > MAX_LINE:
                raise StreamError(f"a line longer than {MAX_LINE:,} bytes")
            for line in lines:
                self._take(parse_line(line), items)
        return self._eof_at is not None

    def _take(self, item: dict[str, Any], items: list[dict[str, Any]]) -> None:
        self._last_line = time.monotonic()
        kind = item["type"]
        if kind == "run":
            if self._got_run:
                raise StreamError("a second run line")
            self._got_run = True
            self._failures = 0
            self.connections += 1
            self.run_id = item["run"]["id"]
            self.state = "live"
            self.message = Text("following run #{run} on {host}", run=self.run_id,
                                host=self.label)
            if self.connections > 1:
                return  # the reader knows which run this is
        elif not self._got_run:
            raise StreamError(f"a {kind} line before the run line")
        elif "seq" in item and kind not in ("heartbeat", "end"):
            if item["seq"] <= self.since:
                raise StreamError(f"item {item['seq']} after item {self.since}")
            self.since = item["seq"]
        if kind == "end":
            self.state = "ended"
            self.exit_code = item["exit_code"] if item["exit_code"] is not None else 1
            self.message = Text("run #{run} on {host} ended (exit status {code})",
                                run=self.run_id, host=self.label, code=self.exit_code)
        items.append(item)

    def _read_errors(self) -> None:
        assert self._child is not None and self._child.stderr is not None
        with contextlib.suppress(BlockingIOError, OSError):
            while chunk := os.read(self._child.stderr.fileno(), 1 << 16):
                self._errors = (self._errors + chunk)[-4096:]

    def _ended_connection(self) -> None:
        child = self._child
        assert child is not None
        self._read_errors()
        self._stop_child()
        if self.state == "ended":
            return
        said = self._errors.decode(errors="replace").strip().splitlines()
        reason = said[-1] if said else f"exit status {child.returncode}"
        if child.returncode == EXIT_USAGE and not self._got_run:
            self._fail(Text("{host}: {problem}", host=self.label, problem=reason))
            return
        self._failures += 1
        if self.connections == 0 or self._failures > MAX_RETRIES:
            self._fail(Text("cannot follow a run on {host}: {problem}", host=self.label,
                            problem=reason))
            return
        self.state = "reconnecting"
        wait = RETRY_S[min(self._failures, len(RETRY_S)) - 1]
        self._retry_at = time.monotonic() + wait
        self.message = Text("connection to {host} lost ({problem}); trying again in "
                            "{seconds:.0f} s", host=self.label, problem=reason, seconds=wait)

    def _fail(self, message: str) -> None:
        self._stop_child()
        self.state = "failed"
        self.message = message

    def _stop_child(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        for stream in (child.stdin, child.stdout, child.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(0.5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
