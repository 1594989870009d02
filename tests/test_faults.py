"""Fault tests: signals at random instants, SIGKILLed parents, paused processes, random kills."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
STARTS_CONFIG = """
start_method = "fork"
grace_seconds = 10.0
[[workers]]
task = "sleep_io"
count = 40
args = { seconds = 60, steps = 60 }
"""


def _family(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kill_all(processes: list[psutil.Process]) -> None:
    for proc in processes:
        try:
            proc.kill()
        except psutil.Error:
            pass


def test_a_ctrl_c_or_sigterm_at_any_instant_of_the_starts_stops_the_run(tmp_path):
    """20 runs of 40 workers, each interrupted at a random instant while workers start."""
    config = tmp_path / "starts.toml"
    config.write_text(STARTS_CONFIG)
    rng = random.Random(12)
    outcomes = []
    for attempt in range(20):
        summary = tmp_path / f"summary-{attempt}.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "mpscope", "run", str(config), "--no-history",
             "--summary-json", str(summary)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
            start_new_session=True)  # a terminal's Ctrl-C reaches the whole process group
        family: list[psutil.Process] = []
        try:
            while ": starting" not in process.stdout.readline():
                assert process.poll() is None, process.stderr.read()
            time.sleep(rng.uniform(0.0, 0.15))  # a random instant among the 40 starts
            family = _family(process.pid)
            if attempt % 2:
                os.kill(process.pid, signal.SIGTERM)  # as `kill` or a service manager sends it
            else:
                os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C
            _out, err = process.communicate(timeout=20)
            outcomes.append(process.returncode)
            assert process.returncode == 130, err
            assert "Traceback" not in err
            states = {w["state"] for w in json.loads(summary.read_text())["workers"]}
            assert "finished" not in states and "running" not in states, states
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            _kill_all(family + _family(process.pid))
    assert outcomes == [130] * 20
