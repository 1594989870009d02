"""9. `mpscope follow`: lag (event recorded → line read from the follower) and its idle CPU."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from mpscope.bench.table import Absolute, Median

LAG_SECONDS = 6.0
IDLE_SECONDS = 20.0


def ticker(seconds: float = 6.0, every: float = 0.05, reporter: Any = None) -> int:
    """A worker task (mpscope.bench.follow:ticker): a log line every `every` s."""
    count, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        count += 1
        if reporter is not None:
            reporter.log(f"tick {count}")
        time.sleep(every)
    return count


def _mpscope(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mpscope", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _started(folder: Path, seconds: float, every: float) -> tuple[dict[str, str], Any]:
    env = dict(os.environ, MPSCOPE_DATA_DIR=str(folder / "data"),
               XDG_RUNTIME_DIR=str(folder))
    toml = folder / "run.toml"
    toml.write_text(f'[[workers]]\ntask = "mpscope.bench.follow:ticker"\n'
                    f'args = {{ seconds = {seconds}, every = {every} }}\n')
    run = _mpscope(env, "run", str(toml))
    assert run.stdout is not None
    run.stdout.readline()  # the first event: the run is in the history
    return env, run


def _stop(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)


def lag_once() -> float:
    """Median seconds from an event's time (the owner recorded it) to its line at a reader."""
    with tempfile.TemporaryDirectory(prefix="mpscope-bench-") as folder:
        env, run = _started(Path(folder), LAG_SECONDS, 0.05)
        follower = _mpscope(env, "follow", "--jsonl")
        lags = []
        assert follower.stdout is not None
        for line in follower.stdout:
            now = time.time()
            item = json.loads(line)
            if item["type"] == "event" and item["kind"] == "log":
                lags.append(now - item["t"])
        _stop(run, follower)
    return statistics.median(lags[len(lags) // 10:])  # not the catch-up at the start


def idle_cpu() -> float:
    """The follower's CPU (% of one core) while the run it follows says nothing."""
    with tempfile.TemporaryDirectory(prefix="mpscope-bench-") as folder:
        env, run = _started(Path(folder), IDLE_SECONDS + 10, 3600)  # one log line, then quiet
        follower = _mpscope(env, "follow", "--jsonl")
        time.sleep(3.0)  # past its start-up and first read
        process = psutil.Process(follower.pid)
        before = sum(process.cpu_times()[:2])
        time.sleep(IDLE_SECONDS)
        used = sum(process.cpu_times()[:2]) - before
        _stop(run, follower)
    return 100 * used / IDLE_SECONDS


def measure(repeat: int) -> list[Absolute]:
    lag = Median.of(lag_once() for _ in range(repeat))
    return [Absolute("9a. follow lag (event recorded → shown by follow)", "s", lag, 0.6,
                     "recorder commits every 0.5 s; follower checks every 0.1 s"),
            Absolute("9b. follow idle CPU", "% of a core", idle_cpu(), 1.0,
                     f"{IDLE_SECONDS:.0f} s following a quiet run")]
