"""Small helpers the experiments share: start method, cleanup, child programs, a table result."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psutil


def context(method: str = "") -> Any:
    """The multiprocessing context for `method`; "" means the one this process was started with."""
    # A worker started by mpscope with spawn should start its own children the
    # same way; the platform default (fork on Linux) would be a different lesson.
    if not method:
        method = getattr(multiprocessing.current_process(), "_start_method", None) or ""
    return multiprocessing.get_context(method or None)


def end_all(processes: Iterable[Any], timeout: float = 2.0) -> None:
    """Make sure every process has ended and been joined: terminate, then kill."""
    processes = list(processes)
    for process in processes:
        # ValueError: already closed; AssertionError: never started.
        with contextlib.suppress(ValueError, AssertionError):
            if process.is_alive():
                process.terminate()
    for process in processes:
        with contextlib.suppress(ValueError, AssertionError):
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join()


def warm_up(pool: Any, processes: int) -> None:
    """Return once every process of `pool` has started and run a task (start-up is not timed)."""
    pids: set[int] = set()
    deadline = time.monotonic() + 60
    while len(pids) < processes and time.monotonic() < deadline:
        # A process still starting up takes no task yet: ask again until all have answered.
        pids.update(pool.map(_pid_after_nap, range(processes), chunksize=1))


def _pid_after_nap(_: int) -> int:
    time.sleep(0.05)  # long enough for an idle sibling to take the next task
    return os.getpid()


def cpu_busy_before(seconds: float = 0.3) -> float:
    """How busy all CPUs are (percent) just before an experiment, while it does nothing yet."""
    return psutil.cpu_percent(interval=seconds)


def caution(busy: float) -> str:
    """A warning for the verdict when other programs were using the CPUs (timings then lie)."""
    if busy < 25:
        return ""
    return (f" (careful: the CPUs were already {busy:.0f}% busy before the experiment "
            "started, so these timings are unreliable; close other programs and run it again)")


def median(values: Sequence[float]) -> float:
    """The median (0.0 for no values)."""
    return statistics.median(values) if values else 0.0


def table(title: str, columns: list[str], rows: list[list[Any]], verdict: str,
          **extra: Any) -> dict[str, Any]:
    """The result every experiment returns: a table with a title and a one-line verdict."""
    return {"title": title, "columns": columns, "rows": rows, "verdict": verdict, **extra}


def run_python(
    args: list[str], timeout: float, cwd: str | None = None
) -> tuple[int | None, str, str]:
    """Run `python args…` with mpscope importable: (exit code, None on timeout; stdout; stderr)."""
    if getattr(sys, "frozen", False):  # a bundled app has no python to run a script with
        raise RuntimeError("this experiment runs a Python script, which needs mpscope run "
                           "from a Python installation, not from a bundled app")
    env = dict(os.environ)
    # The child program imports mpscope's lesson code, wherever mpscope is installed.
    home = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [home, env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        return None, "", f"(no exit within {timeout:g} s)"
    finally:
        kill_tree(proc.pid)
        proc.kill()
        proc.communicate()


def kill_tree(pid: int) -> None:
    """Kill every descendant of `pid` (not pid itself) and reap what we can."""
    try:
        descendants = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return
    for child in descendants:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(descendants, timeout=2)
