"""Stacks on demand: a running process's Python stacks, asked without stopping it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mpscope.core import config as cfg
from mpscope.core.engine.run import Run
from mpscope.core.engine.states import State
from mpscope.core.insight.stack_dump import ANONYMOUS
from mpscope.core.insight.stacks import annotate, thread_count
from polling import run_until
from test_follow import config as follow_config
from test_follow import env, finish, mpscope, started, worker_pid  # noqa: F401 - env: a fixture

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))

STUCK = """
[[workers]]
task = "task_helpers:stuck_in_known_function"
count = 1
"""
STUCK_POOL = """
[pool]
task = "task_helpers:pool_item_stuck"
items = 2
processes = 2
method = "imap"
"""


def _started(text: str) -> tuple[Run, list]:
    run = Run(cfg.loads(text))
    events: list = []
    run.engine.subscribe(events.append)
    run.start()
    return run, events


def _end(run: Run) -> None:
    run.kill()
    run_until(run, lambda: run.ended_at is not None)  # set by the poll that saw the end


def _stack_event(run: Run, events: list, wid: int, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in events if e.kind == "stack" and e.wid == wid]
        if found:
            return found[0]
        run.poll(0.01)
        time.sleep(0.005)
    return None


def test_the_stack_of_a_stuck_worker_names_its_function_within_a_second():
    run, events = _started(STUCK)
    try:
        record = next(iter(run.engine.records.values()))
        run_until(run, lambda: record.done >= 1)  # the task itself runs
        asked = time.monotonic()
        assert run.request_stack(record.wid) is None
        event = _stack_event(run, events, record.wid, timeout=1.0)
        assert event is not None, "no stack within a second"
        assert time.monotonic() - asked <= 1.0
        assert "deeply_stuck_here" in event.detail
        assert "stuck_in_known_function" in event.detail
        assert "mpscope's reporter" in event.detail  # mpscope's own threads are named
        assert "mpscope's memory meter" in event.detail
        assert f"pid {record.pid}" in event.text and "4 thread(s)" in event.text
        # Asked again, it answers again: the process was not stopped by the first dump.
        assert record.state is State.RUNNING
        assert run.request_stack(record.wid) is None
        events.clear()
        second = _stack_event(run, events, record.wid, timeout=1.0)
        assert second is not None and "deeply_stuck_here" in second.detail
    finally:
        _end(run)


def test_every_pool_process_answers_with_the_item_it_is_stuck_in():
    run, events = _started(STUCK_POOL)
    try:
        run_until(run, lambda: sum(r.stack_ready for r in run.engine.records.values()) == 2
                  and all(t.outcome == "running" for t in run.pool.tasks))
        assert run.stacks.request_all() == []
        for wid in list(run.engine.records):
            event = _stack_event(run, events, wid, timeout=1.0)
            assert event is not None
            assert "pool_item_stuck" in event.detail and "run_chunk" in event.detail
    finally:
        _end(run)


def test_a_process_mpscope_did_not_instrument_says_its_stack_is_not_available():
    run = Run(cfg.loads(STUCK))
    run.start()
    try:
        record = next(iter(run.engine.records.values()))
        run_until(run, lambda: record.done >= 1)
        record.stack_ready = False  # as for a process mpscope did not start itself
        reason = run.request_stack(record.wid)
        assert reason is not None and "not available" in reason
        assert not run.stacks.pending
    finally:
        _end(run)
    assert run.request_stack(record.wid) == f"{record.name}: no stack: the process is not running"


@pytest.mark.skipif(not ANONYMOUS, reason="Linux: dumps go to an anonymous file per process")
def test_nothing_is_left_on_disk_whatever_becomes_of_the_process():
    run, events = _started(STUCK)
    try:
        assert run.stacks.directory is None  # no directory at all
        record = next(iter(run.engine.records.values()))
        run_until(run, lambda: record.done >= 1)
        assert record.stack_fd > 0
        # The file a SIGKILL leaves behind: none, it was unlinked from the start.
        assert os.readlink(f"/proc/{record.pid}/fd/{record.stack_fd}").endswith("(deleted)")
        assert run.request_stack(record.wid) is None
        assert _stack_event(run, events, record.wid, timeout=1.0) is not None
    finally:
        _end(run)


def test_annotate_names_mpscope_threads_and_counts_every_thread():
    dump = ('Thread 0x01 (most recent call first):\n  File "/x/mpscope/core/worker/watchdog.py", '
            'line 3 in _watch\n\nCurrent thread 0x02 (most recent call first):\n'
            '  File "/y/job.py", line 9 in crunch')
    named = annotate(dump)
    assert "Thread 0x01 (most recent call first) — mpscope's orphan watchdog:" in named
    assert "Current thread 0x02 (most recent call first):" in named
    assert thread_count(named) == 2


def test_sigusr1_to_mpscope_run_prints_every_workers_stack(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(STUCK.replace("count = 1", "count = 2"))
    process = subprocess.Popen(
        [sys.executable, "-m", "mpscope", "run", str(path), "--no-history"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        start_new_session=True)
    try:
        seen = ""
        deadline = time.monotonic() + 30
        while seen.count("entering the stuck function") < 2:
            assert time.monotonic() < deadline
            seen += process.stdout.readline()
        os.kill(process.pid, signal.SIGUSR1)
        while seen.count("in deeply_stuck_here") < 2:
            assert time.monotonic() < deadline, seen
            seen += process.stdout.readline()
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Python stack of 4 thread(s)" in seen
    assert process.returncode == 130, err
    assert "Traceback" not in err


def test_follow_control_stack_answers_with_the_stacks(env, tmp_path):  # noqa: F811 - fixture
    run = started(env, follow_config(tmp_path / "run.toml", seconds=60, fail=False))
    worker_pid(env, "tick-0")  # running, so its dumper is installed
    deadline = time.monotonic() + 30
    out = ""
    while "in ticker" not in out:  # "running" comes just before the task itself is entered
        assert time.monotonic() < deadline, out
        code, out, err = finish(mpscope(env, "follow", "1", "--control", "stack:tick-0"))
        assert code == 0, err
        assert out.startswith("run #1: tick-0: Python stack of")
    worker_pid(env, "tick-1")
    code, out, err = finish(mpscope(env, "follow", "1", "--control", "stack"))
    assert code == 0, err
    assert out.count("Python stack of") == 2
    assert finish(mpscope(env, "follow", "1", "--control", "stop"))[0] == 0
    assert finish(run)[0] == 1  # stopped: not a success
