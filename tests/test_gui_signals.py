"""The window (a real `mpscope` process, offscreen) stops its run on SIGINT or SIGTERM and exits."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from mpscope.gui.signal_relay import SIGNALS

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """title = "signalled"
grace_seconds = 10.0
[[workers]]
task = "task_helpers:ready_then_work"
name = "busy"
args = {{ path = "{fifo}" }}
[pool]
task = "task_helpers:plain_sleep"
items = [60, 60]
processes = 2
"""


def _readiness(fifo: Path, timeout: float) -> int:
    """The pid the worker writes into the FIFO once it runs (waits without sleeping)."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # opened first: the writer then cannot block
    try:
        text = b""
        while not text.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], timeout)
            assert ready, "the window's worker never said it runs"
            chunk = os.read(fd, 64)
            assert chunk, "the writer went away without a line"
            text += chunk
        return int(text)
    finally:
        os.close(fd)


def _started_apart(window: int, timeout: float) -> None:
    """Wait until the worker and both pool processes lead their own process group.

    Each does so early in its start; before that a terminal's Ctrl-C to the window's group
    would also interrupt its imports (a traceback that is the terminal's doing, not
    mpscope's). Nothing announces it, so the process table is polled.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        apart = []
        for child in psutil.Process(window).children(recursive=True):
            try:
                if "resource_tracker" not in " ".join(child.cmdline()):
                    apart.append(os.getpgid(child.pid) != window)
            except (psutil.Error, ProcessLookupError):
                continue
        if len(apart) >= 3 and all(apart):
            return
        time.sleep(0.02)
    raise AssertionError("the worker and pool processes did not start within the time")


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_the_window_stops_its_run_records_it_and_exits_on_a_signal(tmp_path, signum):
    fifo = tmp_path / "ready.fifo"
    os.mkfifo(fifo)
    config = tmp_path / "run.toml"
    config.write_text(CONFIG.format(fifo=fifo))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MPSCOPE_DATA_DIR=str(tmp_path / "data"),
               MPSCOPE_SETTINGS_DIR=str(tmp_path / "settings"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
    window = subprocess.Popen([sys.executable, "-m", "mpscope", str(config), "--autostart"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)  # its own group, as a terminal gives it
    family: list[psutil.Process] = []
    try:
        worker = _readiness(fifo, timeout=60)
        family = psutil.Process(window.pid).children(recursive=True)
        assert worker in [p.pid for p in family]
        _started_apart(window.pid, timeout=60)
        family = psutil.Process(window.pid).children(recursive=True)
        if signum == signal.SIGINT:
            os.killpg(window.pid, signum)  # a terminal's Ctrl-C reaches the whole group
        else:
            window.send_signal(signum)
        _out, err = window.communicate(timeout=60)
    finally:
        if window.poll() is None:
            window.kill()
            window.communicate()
        _gone, alive = psutil.wait_procs(family, timeout=5)
        for process in alive:
            process.kill()
    assert window.returncode == 130, err  # stopped by the user, as `mpscope run` exits
    assert not alive, alive  # every worker and pool process ended with the run
    said = [line for line in err.splitlines() if "plugin does not support" not in line]
    assert said == [f"mpscope: {signal.Signals(signum).name}: stopping the run, "
                                "then closing (again to kill every process now)"], err
    exported = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                               str(tmp_path)], capture_output=True, text=True, env=env,
                              timeout=60)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(Path(exported.stdout.split()[0]).read_text())
    run = data["run"]
    assert run["status"] == "finished" and run["exit_code"] == 130, run
    states = {w["name"]: w["state"] for w in data["workers"]}
    assert states["busy-0"] == "stopped", states  # it heard the stop and ended cleanly
