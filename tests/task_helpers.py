"""Tasks used only by the tests, run in real worker processes as "task_helpers:NAME"."""

from __future__ import annotations

import contextlib
import os
import sys
import time

QT_MODULES = ("PySide6", "pyqtgraph", "shiboken6")


def qt_modules_loaded() -> list[str]:
    """Which Qt modules this process has imported (must be none in a worker)."""
    return sorted(name for name in sys.modules if name.split(".")[0] in QT_MODULES)


def flood_reports(n: int = 1_000_000, reporter=None) -> int:
    """Report progress n times as fast as possible: coalescing must keep the channel quiet."""
    for i in range(n):
        reporter.report(i + 1, n)
    return n


def stubborn(reporter=None) -> None:
    """Ignore every stop request: only terminate or kill ends it."""
    reporter.report(1)  # tests wait for this: the task itself is running
    while True:
        with contextlib.suppress(BaseException):  # the point: swallow StopRequested
            time.sleep(0.05)


def cleanup_on_stop(path: str, reporter=None) -> str:
    """Sleep until stopped, then write a marker file: the task saw the stop and cleaned up."""
    try:
        while True:
            time.sleep(0.02)
            reporter.report(1)
    finally:
        with open(path, "w") as handle:
            handle.write("cleaned up")


def plain_sleep(seconds: float = 30.0) -> float:
    """A plain function that knows nothing of mpscope."""
    time.sleep(seconds)
    return seconds


def slow_cleanup(path: str, reporter=None) -> None:
    """On a stop, take half a second to clean up, then write a marker file."""
    from mpscope.core.worker.reporter import StopRequested

    try:
        while True:
            reporter.report(1)
            time.sleep(0.02)
    except StopRequested:
        reporter.log("cleaning up")
        reporter.flush()
        time.sleep(0.5)
        with open(path, "w") as handle:
            handle.write("cleaned up")
        raise


def blocked_signals() -> list[int]:
    """The signals this worker's main thread blocks while its task runs (none expected)."""
    import signal

    return sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))


def report_blocked_signals(conn) -> None:
    """A bare Process target: send the signal mask it started with, before anything else."""
    import signal

    conn.send(sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))
    conn.close()


def burst_then_sleep(n: int, seconds: float, reporter=None) -> int:
    """Send n small messages at once, then say nothing for `seconds`."""
    for i in range(n):
        reporter.send(i)
    time.sleep(seconds)
    return n


def stuck_in_known_function(reporter=None) -> None:
    """Report once, then sit in a function the stack test looks for (until killed)."""
    reporter.report(1)
    reporter.log("entering the stuck function")
    deeply_stuck_here()


def deeply_stuck_here() -> None:
    """A loop with a name no other frame has."""
    while True:
        time.sleep(0.05)


def pool_item_stuck(x: int) -> int:
    """A pool item that sits in a known function (until its process is killed)."""
    deeply_stuck_here()
    return x


def start_grandchildren(seconds: float = 60.0, reporter=None) -> list[int]:
    """Start a `sleep` subprocess and a two-process Pool, say their pids, then wait."""
    import json
    import multiprocessing
    import subprocess

    sleeper = subprocess.Popen(["sleep", str(seconds)])
    pool = multiprocessing.get_context("fork").Pool(2)
    pids = [sleeper.pid, *(p.pid for p in pool._pool)]
    reporter.log("grandchildren " + json.dumps(pids))
    reporter.flush()
    time.sleep(seconds)
    return pids


def replace_folder_with_file(path: str) -> str:
    """Make the folder at `path` a plain file: an output meant for it can no longer be written."""
    import shutil
    from pathlib import Path

    shutil.rmtree(path, ignore_errors=True)
    Path(path).write_text("not a folder any more")
    return path


def allocate(megabytes: int) -> int:
    """Hold `megabytes` MiB, every page written (so really resident), for 0.1 s; free it."""
    block = bytearray(megabytes << 20)
    block[::4096] = b"\x01" * (len(block) // 4096)
    time.sleep(0.1)
    del block
    return megabytes


def say_and_fail(text: str, reporter=None) -> None:
    """Log `text`, then fail with it as the message (terminal escapes travel both ways)."""
    reporter.log(text)
    reporter.flush()
    raise RuntimeError(text)


def chatty(lines: int = 1000, width: int = 100) -> int:
    """Print `lines` numbered lines, alternately to stdout and stderr, as fast as it can."""
    pad = "x" * width
    for i in range(lines):
        print(f"line {i} {pad}", file=sys.stdout if i % 2 == 0 else sys.stderr)
    return lines


def as_bytes(x: int) -> bytes:
    """A pool item task returning bytes (JSON has no bytes: its repr is kept, typed)."""
    return bytes([x % 256]) * 3


def shout(item: int) -> int:
    """A pool task that prints a line to stdout and one to stderr, then returns its item."""
    print(f"out {item}")
    print(f"err {item}", file=sys.stderr)
    return item


def ready_then_work(path: str, reporter=None) -> None:
    """Write this process's pid into the FIFO at `path` (the test's readiness line), then
    work until stopped."""
    with open(path, "w") as fifo:
        fifo.write(f"{os.getpid()}\n")
    while True:
        reporter.report(1)
        time.sleep(0.02)
