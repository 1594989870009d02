"""Asks another machine which runs are live: `mpscope follow --list --jsonl` through SSH.

The same command runner as following (`ssh -T -o BatchMode=yes HOST`, or a
`via` runner) runs the listing; its output is read without blocking, capped,
and each line checked against the schema (a `live_run` object, docs/follow.md)
before anything uses it. Nothing is unpickled or executed. The owner calls
`poll()` on a timer or when `fileno()` is readable, and `cancel()` to give up.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from mpscope.core.follow.live import EXIT_NO_LIVE_RUN, MAX_LISTED, write_listing
from mpscope.core.follow.schema import StreamError, parse_line
from mpscope.core.text import Text

MAX_LIST_LINE = 1 << 16  # bytes: a live_run line is a few hundred
MAX_LISTING = MAX_LISTED * MAX_LIST_LINE  # bytes in all; more is not a list of runs
EXIT_WAIT_S = 2.0  # after its output ends, how long the child may take to exit


def listing_command(runner: Sequence[str], remote_command: str = "mpscope") -> list[str]:
    """`runner` + the quoted remote command line that lists the live runs there."""
    return [*runner, shlex.join([*shlex.split(remote_command), "follow", "--list", "--jsonl"])]


def parse_listing(data: bytes) -> list[dict[str, Any]]:
    """The `run` objects of a whole listing, in order; StreamError names the first problem."""
    if len(data) > MAX_LISTING:
        raise StreamError(f"more than {MAX_LISTING:,} bytes")
    runs = []
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        if len(line) > MAX_LIST_LINE:
            raise StreamError(f"a line of {len(line):,} bytes (at most {MAX_LIST_LINE:,})")
        item = parse_line(line)
        if item["type"] != "live_run":
            raise StreamError(f"a {item['type']} line where live runs were expected")
        runs.append(item["run"])
    return runs[:MAX_LISTED]


class RemoteListing:
    """One question to another machine; `state` becomes listed, none (no live run) or failed."""

    def __init__(self, runner: Sequence[str], remote_command: str = "mpscope",
                 label: str = "") -> None:
        self.label = label or " ".join(runner)
        self.command = listing_command(runner, remote_command)
        self.state = "asking"  # asking | listed | none | failed
        self.runs: list[dict[str, Any]] = []
        self.message: str = Text("asking {host} for its live runs…", host=self.label)
        self._out = b""
        self._errors = b""
        self._eof_at: float | None = None
        try:
            self._child: subprocess.Popen[bytes] | None = subprocess.Popen(
                self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True)  # cancel() ends its group
        except OSError as exc:
            self._child = None
            self._end("failed", Text("cannot start {command}: {problem}", command=runner[0],
                                     problem=str(exc)))
            return
        assert self._child.stdout is not None and self._child.stderr is not None
        os.set_blocking(self._child.stdout.fileno(), False)
        os.set_blocking(self._child.stderr.fileno(), False)

    @property
    def done(self) -> bool:
        return self.state != "asking"

    def fileno(self) -> int | None:
        """The child's output while it is being read."""
        child = self._child
        return child.stdout.fileno() if child and child.stdout and self._eof_at is None else None

    def poll(self) -> bool:
        """Read what is there; decide once the child has ended. → done; never waits."""
        child = self._child
        if child is None:
            return True
        assert child.stdout is not None and child.stderr is not None
        self._errors = (self._errors + (_read_all(child.stderr.fileno(), 1 << 16) or b""))[-4096:]
        if self._eof_at is None:
            chunk = _read_all(child.stdout.fileno(), MAX_LISTING + 1 - len(self._out))
            if chunk is None:
                self._eof_at = time.monotonic()
            else:
                self._out += chunk
            if len(self._out) > MAX_LISTING:
                self._end("failed", Text("the list from {host} is not mpscope's: {problem}",
                                         host=self.label,
                                         problem=f"more than {MAX_LISTING:,} bytes"))
                return True
        if self._eof_at is None:
            return False
        if child.poll() is None and time.monotonic() - self._eof_at < EXIT_WAIT_S:
            return False
        self._decide(child)
        return True

    def cancel(self) -> None:
        """Give up asking (the child and its process group are ended)."""
        if not self.done:
            self._end("failed", Text("stopped asking {host}", host=self.label))
        self._stop_child()

    def _decide(self, child: subprocess.Popen[bytes]) -> None:
        code = child.poll()
        said = self._errors.decode(errors="replace").strip().splitlines()
        reason = said[-1].strip() if said else f"exit status {code}"
        if code == 0:
            try:
                self.runs = parse_listing(self._out)
            except StreamError as exc:
                self._end("failed", Text("the list from {host} is not mpscope's: {problem}",
                                         host=self.label, problem=str(exc)))
                return
            self._end("listed", Text("{count} live runs on {host}", count=len(self.runs),
                                     host=self.label))
        elif code == EXIT_NO_LIVE_RUN:
            self._end("none", Text("no run is live on {host}", host=self.label))
        else:
            self._end("failed", Text("cannot list the runs on {host}: {problem}",
                                     host=self.label, problem=reason))

    def _end(self, state: str, message: str) -> None:
        self.state, self.message = state, message
        self._stop_child()

    def _stop_child(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, 9)
        child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()


def _read_all(fd: int, limit: int) -> bytes | None:
    """What `fd` has now, up to about `limit` bytes (b'' if nothing); None at end of output."""
    got = b""
    while len(got) <= limit:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return got
        except OSError:
            return got or None
        if not chunk:
            return got or None
        got += chunk
    return got


def list_remote(options: argparse.Namespace, out: TextIO) -> int:
    """`mpscope follow --list --remote HOST` (or `--via`): another machine's live runs."""
    from mpscope.core.follow.remote import ssh_runner

    try:
        runner = shlex.split(options.via) if options.via else ssh_runner(options.remote)
    except ValueError as exc:
        print(f"mpscope: {exc}", file=sys.stderr)
        return 2
    listing = RemoteListing(runner, options.remote_command, options.remote or options.via)
    try:
        while not listing.poll():
            fd = listing.fileno()
            select.select([fd] if fd is not None else [], [], [], 0.1)
    except KeyboardInterrupt:
        listing.cancel()
        return 130
    if listing.state == "listed":
        write_listing(listing.runs, options.jsonl, out)
        return 0
    print(f"mpscope: {listing.message}", file=sys.stderr)
    return EXIT_NO_LIVE_RUN if listing.state == "none" else 1
