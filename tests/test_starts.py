"""Process starts off the caller's thread: the window's engine never waits for a start."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time

import pytest

import task_helpers
from mpscope.core.engine import MAX_STARTING, Engine
from mpscope.core.starter import Starter, sigint_shielded
from mpscope.core.states import State


@pytest.fixture
def threaded():
    engines: list[Engine] = []

    def make(start_method: str = "spawn") -> Engine:
        made = Engine(start_method, grace_seconds=5.0, report_interval=0.05,
                      threaded_starts=True)
        engines.append(made)
        return made

    yield make
    for made in engines:
        made.kill_all()
        made.run_until_done(timeout=20)


def poll_until(engine: Engine, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        engine.poll(0.02)
        time.sleep(0.005)


def test_the_starter_runs_jobs_in_order_on_its_own_thread():
    starter = Starter()
    caller = threading.get_ident()
    for key in range(5):
        starter.submit(key, lambda key=key: (key, threading.get_ident()))
    starter.submit(5, lambda: 1 / 0)
    done: list = []
    deadline = time.monotonic() + 10
    while len(done) < 6 and time.monotonic() < deadline:
        done += starter.finished()
        time.sleep(0.01)
    assert [key for key, _result, _error in done] == list(range(6))
    assert all(result[0] == key and result[1] != caller for key, result, _ in done[:5])
    assert isinstance(done[5][2], ZeroDivisionError)


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_children_started_off_the_main_thread_start_with_sigint_blocked(start_method):
    # A terminal Ctrl-C during a child's start-up must wait for worker_main's handler.
    ctx = multiprocessing.get_context(start_method)
    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(target=task_helpers.report_blocked_signals, args=(writer,))

    def start() -> None:
        with sigint_shielded(ctx):
            process.start()

    starter = Starter()
    starter.submit(0, start)
    try:
        assert reader.poll(30)
        assert signal.SIGINT in reader.recv()
        assert not starter.finished()[0][2]
    finally:
        process.join(10)
        writer.close()
        reader.close()


@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_threaded_starts_run_workers_with_sigint_unblocked(threaded, start_method):
    e = threaded(start_method)
    records = [e.add_worker("task_helpers:blocked_signals", name=f"w{i}") for i in range(3)]
    e.start_all()
    assert e.run_until_done(timeout=60)
    for record in records:
        assert record.state is State.FINISHED, record.detail
        assert signal.SIGINT not in record.result


def test_threaded_starts_keep_only_a_few_workers_starting_at_once(threaded):
    e = threaded("forkserver")
    records = [e.add_worker("sleep_io", {"seconds": 0.3, "steps": 2}, name=f"w{i}")
               for i in range(12)]
    e.start_all()
    most = 0
    while e.busy:
        e.poll(0.01)
        most = max(most, sum(r.state is State.STARTING for r in records))
        time.sleep(0.002)
    assert all(r.state is State.FINISHED for r in records)
    assert most <= MAX_STARTING


def test_a_kill_asked_while_the_start_is_in_flight_lands_once_it_has_a_pid(threaded):
    e = threaded("spawn")
    records = [e.add_worker("sleep_io", {"seconds": 30}, name=f"w{i}") for i in range(3)]
    e.start_all()
    e.poll(0.001)  # hands the first starts to the starter thread
    assert any(r.state is State.STARTING and r.pid is None for r in records)
    e.kill_all()
    assert e.run_until_done(timeout=30)
    assert all(r.state in (State.KILLED, State.STOPPED) for r in records), [
        (r.name, r.state, r.detail) for r in records]


def test_a_poll_reads_only_the_channels_with_something_to_say(threaded, monkeypatch):
    from mpscope.core import channel

    e = threaded("forkserver")
    records = [e.add_worker("task_helpers:plain_sleep", {"seconds": 30}, name=f"w{i}")
               for i in range(16)]
    e.start_all()
    poll_until(e, lambda: all(r.state is State.RUNNING for r in records))
    reads = []
    original = channel.FrameReader.read
    monkeypatch.setattr(channel.FrameReader, "read",
                        lambda self, *args, **kw: reads.append(self) or original(self, *args, **kw))
    for _ in range(20):
        e.poll(0.01)
    assert len(reads) < 16  # the quiet channels are not read at every poll
