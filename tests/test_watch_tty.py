"""`mpscope watch` on a terminal: the program gets a terminal of its own for stdout and stderr
(isatty, its size), its bytes reach the real terminal unchanged, are still captured, and
Ctrl-C typed on the terminal still reaches it."""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from test_watch import ENV, PROGRAMS, TIMEOUT

COLUMNS, LINES = 123, 37
# What a shell does for a job: the terminal becomes its session's controlling terminal (so
# Ctrl-C typed on it is a SIGINT to the foreground group), and Ctrl-C is for the job.
SHELL = ("import fcntl, signal, subprocess, sys, termios\n"
         "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
         "signal.signal(signal.SIGINT, lambda *_: None)\n"
         "sys.exit(subprocess.call(sys.argv[1:]))\n")


class Terminal:
    """A pseudo-terminal the test types on and reads, with `mpscope watch` running on it."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.summary = tmp_path / "summary.json"
        self.env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
        self.env.pop("PYTHONUNBUFFERED", None)  # so that the program's buffering is its own
        try:
            self.shell = subprocess.Popen(
                [sys.executable, "-c", SHELL, sys.executable, "-m", "mpscope", "watch",
                 "--summary-json", str(self.summary), "--", sys.executable,
                 str(PROGRAMS / "terminal_check.py"), *args],
                stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, env=self.env,
                start_new_session=True)
        finally:
            os.close(slave)
        self.seen = b""

    def read_until(self, wanted: bytes | None) -> bytes:
        """Read what reached the terminal until `wanted` (None: until everyone closed it)."""
        deadline = time.monotonic() + TIMEOUT
        while wanted is None or wanted not in self.seen:
            assert time.monotonic() < deadline, self.seen.decode(errors="replace")
            if not select.select([self.master], [], [], 1.0)[0]:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: no process holds the terminal any more
                chunk = b""
            if not chunk:
                assert wanted is None, self.seen.decode(errors="replace")
                break
            self.seen += chunk
        return self.seen

    def close(self) -> int:
        """Read to the end; → the exit code (after killing what is left, if anything is)."""
        try:
            self.read_until(None)
            return self.shell.wait(timeout=TIMEOUT)
        finally:
            if self.shell.poll() is None:
                os.killpg(self.shell.pid, signal.SIGKILL)
                self.shell.wait()
            os.close(self.master)


def test_the_program_sees_the_terminal_and_its_bytes_pass_unchanged(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    code = terminal.close()
    seen = terminal.seen
    assert code == 0, seen.decode(errors="replace")
    # The real terminal turns each "\n" into "\r\n" once; a pty that did too would give "\r\r\n".
    for line in (b"stdout isatty True", b"stderr isatty True", b"stdout line buffered True",
                 f"terminal size {COLUMNS}x{LINES}".encode()):
        assert line + b"\r\n" in seen, seen.decode(errors="replace")
    assert b"\r\r\n" not in seen
    assert b"Traceback" not in seen and b"Error" not in seen  # the relay ended cleanly too
    summary = json.loads(terminal.summary.read_text())
    program_stdout = (b"stdout isatty True\nstdout line buffered True\n"
                      + f"terminal size {COLUMNS}x{LINES}\n".encode())
    assert summary["output"]["stdout_bytes"] == len(program_stdout)  # no "\r" added on the way
    assert summary["output"]["stderr_bytes"] == len(b"stderr isatty True\n")
    export = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                             str(tmp_path)], capture_output=True, text=True, env=terminal.env,
                            timeout=TIMEOUT)
    assert export.returncode == 0, export.stderr
    document = json.loads(Path(export.stdout.split()[0]).read_text())
    captured = [(e["text"], e.get("detail")) for e in document["events"] if e["kind"] == "output"]
    assert sorted(captured) == sorted([
        ("stdout isatty True", "stdout"), ("stderr isatty True", "stderr"),
        ("stdout line buffered True", "stdout"),
        (f"terminal size {COLUMNS}x{LINES}", "stdout")]), captured


def test_resizing_and_ctrl_c_on_the_terminal_reach_the_program(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path, "wait")
    try:
        terminal.read_until(b"ready\r\n")
        # SIGWINCH to the foreground group: the relay copies the new size to the program's ptys.
        fcntl.ioctl(terminal.master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        terminal.read_until(b"resized 100x30\r\n")
        os.write(terminal.master, b"\x03")  # ISIG: the terminal sends SIGINT to its job
    finally:
        code = terminal.close()
    assert code == 5, terminal.seen.decode(errors="replace")
    assert b"interrupted\r\n" in terminal.seen
    assert b"Ctrl-C: passed to the program" in terminal.seen
