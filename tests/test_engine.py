"""The worker engine against real processes and real signals."""

from __future__ import annotations

import os
import random
import signal
import sys
import time

import psutil
import pytest

from mpscope.core.engine.states import State
from polling import run_until

START_METHODS = ["spawn", "forkserver", "fork"]


def test_workers_finish_with_results_and_complete_message_counts(engine):
    e = engine()
    a = e.add_worker("sleep_io", {"seconds": 0.3, "steps": 5}, name="io-0")
    b = e.add_worker("stream", {"messages": 2000, "payload_bytes": 100}, name="stream-0")
    e.start_all()
    assert e.run_until_done(timeout=30)
    for record in (a, b):
        assert record.state is State.FINISHED, record.detail
        assert record.exitcode == 0
        assert record.received == record.sent and record.seq_gaps == 0
    assert b.data_messages == 2000
    assert b.result == 2000
    assert a.done == a.total


@pytest.mark.parametrize(
    ("kind", "state", "exitcode", "text"),
    [
        ("exit", State.FAILED, 3, "SystemExit"),
        ("os_exit", State.LOST, 3, "died without a final message; exit code 3"),
        ("segfault", State.LOST, -signal.SIGSEGV, "SIGSEGV"),
        ("abort", State.LOST, -signal.SIGABRT, "SIGABRT"),
        ("raise", State.FAILED, 1, "RuntimeError"),
        ("unpicklable_error", State.FAILED, 1, "UnpicklableError"),
        ("unpicklable_result", State.FAILED, 1, "cannot be pickled"),
    ],
)
def test_each_crash_kind_gives_its_state_and_text(engine, kind, state, exitcode, text):
    e = engine()
    record = e.add_worker("crash", {"kind": kind, "after": 0.0}, name=kind)
    e.start_all()
    assert e.run_until_done(timeout=30)
    assert record.state is state
    assert record.exitcode == exitcode
    assert text in record.detail
    if state is State.FAILED and kind != "exit":
        assert record.error is not None and "Traceback" in record.error.traceback


def test_failure_carries_type_message_and_traceback(engine):
    e = engine()
    record = e.add_worker("risky", {"x": 9}, name="risky")
    e.start_all()
    assert e.run_until_done(timeout=30)
    assert record.state is State.FAILED
    assert record.error.exc_type == "ValueError"
    assert "divisible by 3" in record.error.message
    assert "in risky" in record.error.traceback


def test_stop_is_cooperative_and_lets_the_task_clean_up(engine, tmp_path):
    marker = tmp_path / "cleaned"
    e = engine()
    record = e.add_worker("task_helpers:cleanup_on_stop", {"path": str(marker)}, name="c")
    e.start_all()
    run_until(e, lambda: record.done >= 1)  # the task runs: a stop before it would skip it
    e.stop(record.wid)
    assert e.run_until_done(timeout=10)
    assert record.state is State.STOPPED
    assert marker.read_text() == "cleaned up"


def test_a_second_sigint_does_not_cut_a_tasks_cleanup_short(engine, tmp_path):
    # A terminal's Ctrl-C reaches every worker besides mpscope's own stop signal.
    marker = tmp_path / "cleaned"
    e = engine()
    record = e.add_worker("task_helpers:slow_cleanup", {"path": str(marker)}, name="c")
    e.start_all()
    run_until(e, lambda: record.done >= 1)
    e.stop(record.wid)
    run_until(e, lambda: record.last_message == "cleaning up")
    os.kill(record.pid, signal.SIGINT)
    assert e.run_until_done(timeout=10)
    assert record.state is State.STOPPED
    assert marker.read_text() == "cleaned up"


def test_plain_function_is_stopped_too(engine):
    e = engine()
    record = e.add_worker("task_helpers:plain_sleep", {"seconds": 30}, name="plain")
    e.start_all()
    run_until(e, lambda: record.state is State.RUNNING)
    e.stop(record.wid)
    assert e.run_until_done(timeout=10)
    assert record.state is State.STOPPED


def test_stop_escalates_to_terminate_when_ignored(engine):
    e = engine(grace=0.5)
    record = e.add_worker("task_helpers:stubborn", name="stubborn")
    e.start_all()
    # Its first report, not RUNNING: a stop that lands before the task is called
    # ends the worker cleanly (STOPPED), which is not what this test is about.
    run_until(e, lambda: record.done >= 1)
    e.stop(record.wid)
    assert e.run_until_done(timeout=10)
    assert record.state is State.TERMINATED
    assert record.exitcode == -signal.SIGTERM


@pytest.mark.parametrize(("action", "state", "signum"),
                         [("terminate", State.TERMINATED, signal.SIGTERM),
                          ("kill", State.KILLED, signal.SIGKILL)])
def test_terminate_and_kill(engine, action, state, signum):
    e = engine()
    record = e.add_worker("sleep_io", {"seconds": 30}, name="victim")
    e.start_all()
    run_until(e, lambda: record.state is State.RUNNING)
    getattr(e, action)(record.wid)
    assert e.run_until_done(timeout=10)
    assert record.state is state
    assert record.exitcode == -signum
    assert "on request" in record.detail


def test_death_from_outside_is_noticed_from_the_sentinel(engine):
    e = engine()
    record = e.add_worker("sleep_io", {"seconds": 30}, name="victim")
    e.start_all()
    run_until(e, lambda: record.state is State.RUNNING)
    import os

    os.kill(record.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    run_until(e, lambda: record.state.is_final)
    assert time.monotonic() - killed_at < 1.0
    assert record.state is State.KILLED
    assert "outside mpscope" in record.detail


def test_daemon_can_only_change_before_start(engine):
    e = engine()
    record = e.add_worker("sleep_io", {"seconds": 30}, name="d")
    e.set_daemon(record.wid, True)
    e.start_all()
    e.poll()
    with pytest.raises(ValueError, match="before start"):
        e.set_daemon(record.wid, False)


def test_daemon_worker_cannot_have_children(engine):
    e = engine()
    record = e.add_worker("spawn_children", {"children": 1, "seconds": 0.1}, name="d", daemon=True)
    e.start_all()
    assert e.run_until_done(timeout=30)
    assert record.state is State.FAILED
    assert "daemonic processes are not allowed to have children" in record.detail


def test_restart_runs_an_ended_worker_again(engine):
    e = engine()
    record = e.add_worker("sleep_io", {"seconds": 0.1, "steps": 2}, name="again")
    e.start_all()
    assert e.run_until_done(timeout=30)
    first_pid = record.pid
    e.restart(record.wid)
    assert e.run_until_done(timeout=30)
    assert record.state is State.FINISHED and record.restarts == 1
    assert record.pid != first_pid


def test_progress_is_coalesced(engine):
    e = engine()
    record = e.add_worker("task_helpers:flood_reports", {"n": 2_000_000}, name="flood")
    e.start_all()
    assert e.run_until_done(timeout=60)
    assert record.state is State.FINISHED
    assert record.done == 2_000_000
    assert record.received < 500  # a few per report interval, not millions


@pytest.mark.parametrize("start_method", START_METHODS)
def test_workers_never_import_qt(engine, start_method):
    import PySide6.QtCore  # noqa: F401 - the parent has Qt loaded, as the window does

    e = engine(start_method)
    record = e.add_worker("task_helpers:qt_modules_loaded", name="probe")
    e.start_all()
    assert e.run_until_done(timeout=30)
    assert record.state is State.FINISHED, record.detail
    if start_method == "fork":
        pytest.skip("a forked child inherits the parent's modules; mpscope defaults to spawn")
    assert record.result == []


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_kill_chaos_never_hurts_the_survivors(engine, start_method):
    """Random kills of streaming workers mid-message: every survivor arrives whole."""
    rng = random.Random(1234)
    killed = cut_frames = 0
    for _round in range(4):
        e = engine(start_method)
        cuts: list[str] = []
        e.subscribe(lambda event, cuts=cuts: cuts.append(event.text))
        workers = [
            # 5,000-byte payloads make frames larger than PIPE_BUF, so kills cut frames.
            e.add_worker("stream", {"messages": 6000, "payload_bytes": 5000}, name=f"s{i}")
            for i in range(6)
        ]
        victims = rng.sample(workers, 3)
        e.start_all()
        run_until(e, lambda workers=workers: all(w.received > 50 for w in workers))
        for victim in victims:
            time.sleep(rng.uniform(0, 0.02))
            e.kill(victim.wid)
        assert e.run_until_done(timeout=60)
        for worker in workers:
            if worker in victims:
                assert worker.state in (State.KILLED, State.FINISHED)
                killed += worker.state is State.KILLED
                continue
            assert worker.state is State.FINISHED, worker.detail
            assert worker.received == worker.sent and worker.seq_gaps == 0
            assert worker.data_messages == 6000
        cut_frames += sum("half-written" in text for text in cuts)
    assert killed >= 8  # the kills really landed mid-stream...
    assert cut_frames >= 1  # ...and some of them cut a frame in half


def test_many_workers_start_over_several_polls(engine):
    e = engine("fork")
    records = [e.add_worker("sleep_io", {"seconds": 0.2, "steps": 2}, name=f"w{i}")
               for i in range(24)]
    e.start_all()
    slowest = 0.0
    while e.busy:
        started = time.monotonic()
        e.poll(0.005)
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.002)
    assert all(r.state is State.FINISHED for r in records)
    assert slowest < 0.25  # starts are spread over polls, not done in one long call


def test_messages_left_by_a_cut_off_pass_arrive_without_waiting_for_more(engine):
    # A pass cut off by the budget can leave whole frames in the buffer with the pipe
    # empty: poll() would not report that channel again until the worker writes again.
    e = engine()
    record = e.add_worker("task_helpers:burst_then_sleep", {"n": 3000, "seconds": 6},
                          name="burst")
    e.start_all()
    deadline = time.monotonic() + 4.0
    while record.data_messages < 3000 and time.monotonic() < deadline:
        e.poll(0.0001)
        time.sleep(0.001)
    assert record.data_messages == 3000


def test_python_executable_is_used_for_spawn(engine):
    # A spawned worker runs the interpreter that runs mpscope (its venv, its packages).
    e = engine("spawn")
    record = e.add_worker("task_helpers:plain_sleep", {"seconds": 30}, name="w")
    e.start_all()
    run_until(e, lambda: record.state is State.RUNNING)
    assert psutil.Process(record.pid).cmdline()[0] == sys.executable


def test_starting_is_true_until_every_queued_worker_has_a_process(engine):
    e = engine()
    records = [e.add_worker("task_helpers:plain_sleep", {"seconds": 30}, name=f"s{i}")
               for i in range(3)]
    assert not e.starting
    e.start_all()
    assert e.starting  # the window polls fast meanwhile: each start frees a slot for the next
    run_until(e, lambda: all(r.pid for r in records))
    assert not e.starting and e.busy
