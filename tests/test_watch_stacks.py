"""Stacks on demand for a watched program: its Python processes answer as mpscope's own do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from mpscope.core.watch.watched_run import WatchedRun, build_watched_run
from test_follow import finish, mpscope, recorded_events
from test_watch import ENV, PROGRAMS

WITHIN_S = 1.0


def _start(*args: str) -> tuple[WatchedRun, list[Any]]:
    run = build_watched_run([sys.executable, *args])
    events: list[Any] = []
    run.engine.subscribe(events.append)
    run.start()
    return run, events


def _poll_until(run: WatchedRun, condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        run.poll(0.02)
        time.sleep(0.005)


def _end(run: WatchedRun) -> None:
    run.kill()
    _poll_until(run, lambda: not run.busy)


def _outputs(events: list[Any], text: str) -> int:
    return sum(1 for e in events if e.kind == "output" and str(e.text).startswith(text))


def _stack_of(run: WatchedRun, events: list[Any], record: Any) -> Any:
    asked = time.monotonic()
    assert run.request_stack(record.wid) is None
    _poll_until(run, lambda: any(e.kind == "stack" and e.wid == record.wid for e in events),
                timeout=5.0)
    assert time.monotonic() - asked <= WITHIN_S + 0.5  # generous: the machine is shared
    return next(e for e in events if e.kind == "stack" and e.wid == record.wid)


@pytest.mark.parametrize("method", ["spawn", "fork", "forkserver"])
def test_watched_pool_processes_and_main_name_their_functions(method: str) -> None:
    run, events = _start(str(PROGRAMS / "stuck_pool.py"), method)
    try:
        _poll_until(run, lambda: _outputs(events, "pool-ready") == 2)
        pool = [r for r in run.engine.records.values() if r.group == "Pool process"]
        assert len(pool) == 2
        for record in pool:
            event = _stack_of(run, events, record)
            assert "deeply_stuck_in_pool" in event.detail, event.detail
            assert f"pid {record.pid}" in event.text
            events.clear()
        # Each process dumps into its own file: a forked child does not write its parent's.
        main = run.engine.records[run.main_wid]  # type: ignore[index]
        event = _stack_of(run, events, main)
        assert "main_waits_here" in event.detail
        assert "deeply_stuck_in_pool" not in event.detail
        assert all(r.state.is_alive for r in pool)  # asking stopped nothing
    finally:
        _end(run)


def test_a_program_that_handles_the_signal_itself_keeps_it(tmp_path: Path) -> None:
    trigger = tmp_path / "go"
    run, events = _start(str(PROGRAMS / "own_stack_signal.py"), str(trigger))
    try:
        _poll_until(run, lambda: _outputs(events, "ready") == 1)
        main = run.engine.records[run.main_wid]  # type: ignore[index]
        reason = run.request_stack(main.wid)
        assert reason is not None and "not available" in str(reason)
        trigger.write_text("go")
        _poll_until(run, lambda: not run.busy)
        assert _outputs(events, "handler called 0 time(s)") == 1  # never signalled
        assert run.exit_code() == 0
    finally:
        if run.busy:
            _end(run)


def test_a_program_that_ignores_the_signal_is_not_instrumented(tmp_path: Path) -> None:
    code = ("import signal, sys, time, os\nprint('ready', flush=True)\n"
            "while not os.path.exists(sys.argv[1]): time.sleep(0.02)\n")
    script = tmp_path / "ignored.py"
    script.write_text(code)
    trigger = tmp_path / "go"
    run = build_watched_run([sys.executable, str(script), str(trigger)])
    events: list[Any] = []
    run.engine.subscribe(events.append)
    rt = signal.SIGRTMIN + 4
    previous = signal.signal(rt, signal.SIG_IGN)  # inherited across exec: the program's own
    try:
        run.start()
    finally:
        signal.signal(rt, previous)
    try:
        _poll_until(run, lambda: _outputs(events, "ready") == 1)
        reason = run.request_stack(run.main_wid)  # type: ignore[arg-type]
        assert reason is not None and "not available" in str(reason)
        trigger.write_text("go")
        _poll_until(run, lambda: not run.busy)
        assert run.exit_code() == 0
    finally:
        if run.busy:
            _end(run)


def test_sigusr1_to_mpscope_watch_prints_every_process_stack(tmp_path: Path) -> None:
    watch = subprocess.Popen(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--", sys.executable,
         str(PROGRAMS / "stuck_pool.py"), "fork"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, cwd=tmp_path, env=ENV, start_new_session=True)
    try:
        assert watch.stdout is not None and watch.stderr is not None
        ready = {watch.stdout.readline(), watch.stdout.readline()}
        assert ready == {b"pool-ready 1\n", b"pool-ready 2\n"}
        watch.send_signal(signal.SIGUSR1)
        seen = b""
        while seen.count(b"deeply_stuck_in_pool") < 2 or b"main_waits_here" not in seen:
            line = watch.stderr.readline()
            assert line, seen.decode()
            seen += line
        assert b"SIGUSR1: asking every running process for its Python stacks" in seen
    finally:
        os.killpg(watch.pid, signal.SIGINT)  # Ctrl-C: the program ends, mpscope cleans up
        try:
            watch.communicate(timeout=30)
        finally:
            if watch.poll() is None:
                os.killpg(watch.pid, signal.SIGKILL)
                watch.wait()


def test_follow_control_stack_prints_a_watched_process_stack(tmp_path: Path) -> None:
    runtime = tempfile.mkdtemp(prefix="mpscope-rt-", dir="/tmp")  # short AF_UNIX paths
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"), XDG_RUNTIME_DIR=runtime)
    watch = mpscope(env, "watch", "--", sys.executable, str(PROGRAMS / "stuck_pool.py"),
                    "spawn")
    try:
        assert watch.stdout is not None
        ready = watch.stdout.readline() + watch.stdout.readline()
        assert ready.count("pool-ready") == 2
        while not recorded_events(env, 1):
            time.sleep(0.05)
        code, out, err = finish(mpscope(env, "follow", "1", "--control",
                                        "stack:SpawnPoolWorker-1"))
        assert code == 0, err
        assert "SpawnPoolWorker-1: Python stack of" in out and "deeply_stuck_in_pool" in out
        code, out, err = finish(mpscope(env, "follow", "1", "--control", "stack"))
        assert code == 0 and out.count("deeply_stuck_in_pool") == 2, err
        assert "main_waits_here" in out
    finally:
        os.killpg(watch.pid, signal.SIGINT)
        try:
            finish(watch, timeout=30)
        finally:
            if watch.poll() is None:
                os.killpg(watch.pid, signal.SIGKILL)
                watch.communicate()
            subprocess.run(["rm", "-rf", runtime], check=True)
