"""The pool engine against real processes: every method and backend, deaths, retries, stops."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from mpscope.core.config import PoolConfig, RunConfig
from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run import Run
from mpscope.core.engine.run_state import Event
from mpscope.core.engine.states import State
from mpscope.core.engine.summary import build_summary
from mpscope.core.pool import PoolRun, notes
from mpscope.core.pool.plan import Tally, TaskRecord, effective_chunksize, make_tasks
from mpscope.core.pool.reference import serial_reference

METHODS = ("map", "map_async", "imap", "imap_unordered", "apply_async", "starmap", "starmap_async")
BACKENDS = ("multiprocessing", "executor")
RUN_DEADLINE = 30.0


class Harness:
    """A PoolRun with its engine, the events it emitted and a driving loop like the GUI's."""

    def __init__(self, config: PoolConfig, start_method: str = "fork") -> None:
        self.engine = Engine(start_method)
        self.events: list[Event] = []
        self.engine.subscribe(self.events.append)
        self.pool = PoolRun(config, self.engine, start_method)
        self.max_poll = 0.0

    def run(self, on_poll: Callable[[PoolRun], None] | None = None) -> Harness:
        """Drive until the pool is done, measuring the longest poll() call."""
        pool, deadline = self.pool, time.monotonic() + RUN_DEADLINE
        pool.start()
        while pool.busy:
            assert time.monotonic() < deadline, f"pool run hung: {pool.counts()}"
            began = time.monotonic()
            pool.poll(0.02)
            self.max_poll = max(self.max_poll, time.monotonic() - began)
            self.engine.poll(0.02)
            if on_poll is not None:
                on_poll(pool)
            multiprocessing.connection.wait(pool.wait_handles() + self.engine.wait_handles(), 0.05)
        return self

    def texts(self, kind: str) -> list[str]:
        return [e.text for e in self.events if e.kind == kind]


# A poll that blocked on a dead pool would take seconds, or forever. How long a poll
# takes is measured by benchmark 10c; a loaded CI machine must not fail this test.
MAX_POLL_S = 1.0


def config(task: str, items: Any, method: str = "map", backend: str = "multiprocessing",
           processes: int = 2, **options: Any) -> PoolConfig:
    return PoolConfig(task, items, processes, method, backend=backend, **options)


def running_pid(pool: PoolRun, min_age: float = 0.05) -> int | None:
    """The pid of a pool process that has been running a task for at least `min_age`."""
    now = time.time()
    for task in pool.tasks:
        if task.outcome == "running" and task.pid and task.started and now - task.started > min_age:
            return task.pid
    return None


# -- plan ------------------------------------------------------------------------------------


def test_default_chunksize_is_the_stdlib_one() -> None:
    for items, processes in ((50, 2), (8, 2), (1, 4), (10_000, 3), (0, 2)):
        expected, extra = divmod(items, processes * 4)
        expected = max(1, expected + bool(extra))
        assert effective_chunksize("map", "multiprocessing", items, processes, None) == expected
    assert effective_chunksize("imap", "multiprocessing", 100, 2, None) == 1
    assert effective_chunksize("map", "executor", 100, 2, None) == 1  # executor.map's default
    assert effective_chunksize("apply_async", "multiprocessing", 100, 2, 7) == 1
    assert effective_chunksize("imap", "executor", 100, 2, 7) == 7


def test_tasks_cover_every_item_once() -> None:
    tasks = make_tasks(10, 4)
    assert [(t.first_index, t.count) for t in tasks] == [(0, 4), (4, 4), (8, 2)]
    assert make_tasks(0, 3) == []


def test_pool_modules_never_import_qt() -> None:
    code = ("import sys, mpscope.core.pool, mpscope.core.pool.child_tracker; "
            "print(any(m.split('.')[0] in ('PySide6', 'pyqtgraph') for m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == "False"


# -- every method, both backends ------------------------------------------------------------


def test_past_the_first_callbacks_one_event_counts_the_rest() -> None:
    h = Harness(config("square", 400, "apply_async")).run()
    assert sorted(h.pool.results) == [(i, i * i) for i in range(400)]
    callbacks = h.texts("callback")
    one_by_one = [text for text in callbacks if "→" in text]
    counts = [text for text in callbacks if "more results delivered" in text]
    assert len(one_by_one) == notes.CALLBACK_EVENTS and len(callbacks) == len(one_by_one) + len(
        counts)
    assert sum(int(text.split()[1].replace(",", "")) for text in counts) == 300
    assert "(400 so far" in counts[-1]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("method", METHODS)
def test_method_delivers_like_the_stdlib(method: str, backend: str) -> None:
    star = method.startswith("starmap")
    items: Any = [[i] for i in range(50)] if star else 50
    partial_lists: list[int] = []

    def watch(pool: PoolRun) -> None:
        # map hands over the whole list, at the end: never a part of it
        if method in ("map", "starmap", "map_async", "starmap_async") and pool.results:
            partial_lists.extend([len(pool.results)] if len(pool.results) < 50 else [])

    h = Harness(config("square", items, method, backend)).run(watch)
    pool = h.pool
    assert sorted(pool.results) == [(i, i * i) for i in range(50)]
    assert pool.summary()["results_ok"] is True
    assert pool.succeeded and pool.counts()["done"] == len(pool.tasks)
    assert not partial_lists
    indices = [index for index, _ in pool.results]
    if method == "imap" or method in ("map", "starmap"):
        assert indices == sorted(indices)
    callbacks = h.texts("callback")
    if method == "apply_async":
        assert len(callbacks) == 50 and "callback: square(7) → 49" in callbacks
    elif method.endswith("_async") and backend == "multiprocessing":
        assert len(callbacks) == 1  # map_async's callback gets the whole list once
    else:
        assert not callbacks
    assert h.max_poll < MAX_POLL_S
    records = [r for r in h.engine.records.values() if r.kind == "pool"]
    assert records and all(r.state is State.FINISHED for r in records)
    assert set(pool.insights()) == {r.wid for r in records}


def test_spawned_pool_processes_never_import_qt() -> None:
    items = ["PySide6", "pyqtgraph", "mpscope.core.pool.child_tracker"]
    h = Harness(config("sys:modules.__contains__", items, "map", processes=1), "spawn").run()
    assert sorted(h.pool.results) == [(0, False), (1, False), (2, True)]
    assert h.pool.summary()["results_ok"] is None  # not a deterministic built-in


# -- failures inside tasks -------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_exception_reaches_error_callback(backend: str) -> None:
    h = Harness(config("risky", 7, "apply_async", backend)).run()
    errors = h.texts("error_callback")
    assert len(errors) == 3
    assert any("risky(3)" in text and "ValueError" in text and "divisible by 3" in text
               for text in errors)
    counts = h.pool.counts()
    assert (counts["done"], counts["failed"], counts["lost"]) == (4, 3, 0)
    assert h.pool.summary()["results_ok"] is True  # the serial run fails on the same items
    assert not h.pool.succeeded


@pytest.mark.parametrize("backend", BACKENDS)
def test_map_raises_and_delivers_nothing(backend: str) -> None:
    h = Harness(config("risky", 7, "map", backend, chunksize=2)).run()
    assert h.pool.results == []
    assert any("map:" in text and "ValueError" in text for text in h.texts("error"))
    assert h.pool.summary()["results_ok"] is False
    assert not h.pool.succeeded


# -- deaths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("method", ["imap", "map", "apply_async"])
def test_killed_busy_process_loses_its_task_then_retries(method: str, backend: str) -> None:
    state: dict[str, Any] = {}

    def kill_one(pool: PoolRun) -> None:
        if "killed_at" not in state:
            pid = running_pid(pool)
            if pid is not None:
                state.update(pid=pid, killed_at=time.monotonic())
                os.kill(pid, signal.SIGKILL)
        elif "lost_after" not in state and pool.tracker.losses:
            state["lost_after"] = time.monotonic() - state["killed_at"]

    h = Harness(config("sleep_io", [0.3] * 6, method, backend)).run(kill_one)
    assert state["lost_after"] < 1.0
    summary = h.pool.summary()
    assert (summary["lost"], summary["retried"], summary["failed"]) == (1, 1, 0)
    assert summary["results_ok"] is True and h.pool.succeeded
    assert state["pid"] in summary["pids"]
    lost = [t for t in h.texts("task") if "lost" in t]
    assert len(lost) == 1 and str(state["pid"]) in lost[0] and "SIGKILL" in lost[0]
    dead = next(r for r in h.engine.records.values() if r.pid == state["pid"])
    assert dead.state is State.KILLED and dead.exitcode == -signal.SIGKILL
    assert h.max_poll < MAX_POLL_S


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("method", ["map", "imap"])
def test_finished_tasks_are_kept_when_a_pool_breaks(method: str, backend: str) -> None:
    # map hands its list over only at the end; when the pool breaks first, the results
    # already in the parent are salvaged, so no finished task runs twice.
    state: dict[str, Any] = {}

    def kill_later(pool: PoolRun) -> None:
        if "pid" not in state and pool.items_done >= 2 and (pid := running_pid(pool)):
            state["pid"] = pid
            os.kill(pid, signal.SIGKILL)

    h = Harness(config("sleep_io", [0.2] * 8, method, backend, chunksize=1)).run(kill_later)
    summary = h.pool.summary()
    assert (summary["lost"], summary["retried"]) == (1, 1) and summary["results_ok"] is True
    earlier = [span.outcome for task in h.pool.tasks for span in task.history]
    assert set(earlier) <= {"lost", "requeued", "ok"}, earlier
    # The one other process may have just finished a task as the pool was abandoned: its
    # result was still in the pipe (or not yet written), so that task alone runs again.
    assert earlier.count("ok") <= 1, earlier
    assert sum(1 for task in h.pool.tasks if task.history) < len(h.pool.tasks)


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_idle_process_never_hangs_the_run(backend: str) -> None:
    # Three processes, two items: the idle one is blocked reading the task queue, holding
    # its lock — the case where Pool.terminate() itself would block forever.
    state: dict[str, Any] = {}

    def kill_idle(pool: PoolRun) -> None:
        busy = {t.pid for t in pool.tasks if t.outcome == "running"}
        idle = [r for r in pool.tracker.records.values()
                if r.state.is_alive and r.pid not in busy]
        if "pid" not in state and len(busy) == 2 and idle:
            state["pid"] = idle[0].pid
            os.kill(idle[0].pid, signal.SIGKILL)

    h = Harness(config("sleep_io", [0.4, 0.4], "apply_async", backend, processes=3))
    h.run(kill_idle)
    assert "pid" in state
    summary = h.pool.summary()
    assert (summary["lost"], summary["failed"]) == (0, 0)
    assert summary["results_ok"] is True and h.pool.succeeded
    assert any("held no task" in t or "idle" in t for t in h.texts("error"))
    assert h.max_poll < MAX_POLL_S


@pytest.mark.parametrize("backend", BACKENDS)
def test_segfault_in_a_task_is_lost_twice_then_failed(backend: str) -> None:
    items = [[i, 3, "segfault"] for i in range(6)]  # die_at(i, at=3, kind="segfault")
    h = Harness(config("die_at", items, "starmap", backend)).run()
    summary = h.pool.summary()
    assert (summary["lost"], summary["retried"], summary["failed"]) == (2, 1, 1)
    assert summary["done"] == 5
    lost = [t for t in h.texts("task") if ") lost: pool process" in t]
    assert len(lost) == 2 and all("SIGSEGV" in t for t in lost)
    assert any("lost twice" in t for t in h.texts("task"))
    task = h.pool.tasks[3 // h.pool.chunksize]
    assert task.outcome == "failed" and "lost twice" in (task.error or "")
    assert [span.outcome for span in task.history] == ["lost"]
    crashed = [r for r in h.engine.records.values() if r.exitcode == -signal.SIGSEGV]
    assert len(crashed) == 2 and all(r.state is State.LOST for r in crashed)


@pytest.mark.parametrize("backend", BACKENDS)
def test_terminate_one_process_on_request(backend: str) -> None:
    def terminate(pool: PoolRun) -> None:
        if not pool.tracker.requested and (pid := running_pid(pool)) is not None:
            wid = next(w for w, r in pool.tracker.records.items() if r.pid == pid)
            pool.signal_process(wid, "terminate")

    h = Harness(config("sleep_io", [0.3] * 4, "imap", backend)).run(terminate)
    assert h.pool.summary()["lost"] == 1 and h.pool.succeeded
    assert any("terminated on request" in t and "SIGTERM" in t for t in h.texts("task"))


# -- processes come and go -------------------------------------------------------------------


@pytest.mark.parametrize(("backend", "start_method"),
                         [("multiprocessing", "fork"), ("executor", "forkserver")])
def test_maxtasksperchild_replaces_processes(backend: str, start_method: str) -> None:
    cfg = config("square", 12, "map", backend, chunksize=1, maxtasksperchild=2)
    h = Harness(cfg, start_method).run()
    summary = h.pool.summary()
    assert len(summary["pids"]) > 2
    assert (summary["lost"], summary["failed"]) == (0, 0) and summary["results_ok"] is True
    retired = [r for r in h.engine.records.values() if r.kind == "pool"]
    assert all(r.state is State.FINISHED for r in retired)


@pytest.mark.parametrize("backend", BACKENDS)
def test_stop_mid_run_cancels_and_leaves_no_process(backend: str) -> None:
    def stop_after_one(pool: PoolRun) -> None:
        if pool.items_done and not pool.tracker.cancelled:
            pool.stop()

    began = time.monotonic()
    h = Harness(config("sleep_io", [0.3] * 10, "imap", backend)).run(stop_after_one)
    assert time.monotonic() - began < 5
    counts = h.pool.counts()
    assert counts["cancelled"] > 0 and counts["pending"] == counts["running"] == 0
    assert not h.pool.succeeded
    assert all(r.state.is_final for r in h.engine.records.values() if r.kind == "pool")


def test_kill_everything_ends_the_run() -> None:
    def kill_all(pool: PoolRun) -> None:
        if running_pid(pool) is not None and not pool.tracker.cancelled:
            pool.kill()

    h = Harness(config("sleep_io", [1.0] * 6, "map")).run(kill_all)
    assert h.pool.counts()["cancelled"] == len(h.pool.tasks)
    assert h.pool.counts()["lost"] == 0


# -- wiring into a Run and its summary -------------------------------------------------------


def test_run_summary_has_the_pool_object() -> None:
    run = Run(RunConfig(start_method="fork", pool=config("square", 20, "imap_unordered")))
    run.start()
    deadline = time.monotonic() + RUN_DEADLINE
    while run.busy:
        assert time.monotonic() < deadline
        run.poll(0.02)
        multiprocessing.connection.wait(run.wait_handles(), 0.05)
    pool = build_summary(run)["pool"]
    assert {"backend", "method", "processes", "chunksize", "tasks", "done", "failed", "lost",
            "retried", "duration_s", "pids", "results_ok"} <= set(pool)
    assert pool["done"] == pool["tasks"] == 20 and pool["results_ok"] is True
    assert run.exit_code() == 0
    assert "pool 20/20 (100%)" in run.pool.progress_text()
    assert "20 tasks — 20 ok" in run.pool.summary_line()


def test_start_up_crash_loop_gives_up_instead_of_respawning_forever(monkeypatch) -> None:
    # Under fork the pool processes inherit this patch: each dies in its initializer,
    # before it can say Hello — the stdlib alone would replace them forever.
    from mpscope.core.pool import child_tracker as tracker

    monkeypatch.setattr(tracker, "start_orphan_watchdog", lambda: os._exit(5))
    h = Harness(config("square", 4, "map")).run()
    counts = h.pool.counts()
    assert counts["failed"] == len(h.pool.tasks) and counts["lost"] == 0
    assert h.pool.summary()["generations"] == 3
    assert any("exit code 5" in text for text in h.texts("error"))
    assert any("broke 3 times in a row" in text for text in h.texts("error"))


def test_the_tally_follows_every_change_of_outcome():
    tally = Tally()
    tasks = make_tasks(10, 3, tally)  # 3 + 3 + 3 + 1 items
    assert tally.tasks["pending"] == 4 and tally.items["pending"] == 10
    tasks[0].outcome = "running"
    tasks[0].outcome = "ok"
    tasks[3].outcome = "failed"
    tasks[3].outcome = "failed"  # no change: counted once
    assert (tally.tasks["ok"], tally.items["ok"], tally.tasks["failed"]) == (1, 3, 1)
    assert tally.tasks["pending"] == 2 and tally.items["pending"] == 6
    tasks[0].archive("requeued")  # back to pending for a retry
    assert tally.tasks["ok"] == 0 and tally.tasks["pending"] == 3


def test_a_task_made_with_a_tally_is_counted_in_it():
    tally = Tally()
    task = TaskRecord(0, 0, 4, outcome="running", tally=tally)
    assert (tally.tasks["running"], tally.items["running"]) == (1, 4)
    task.outcome = "ok"
    assert tally.tasks == {**dict.fromkeys(tally.tasks, 0), "ok": 1} and tally.items["ok"] == 4


def test_notes_left_for_lack_of_time_wake_the_owner_at_once(monkeypatch):
    # The headless loop waits on wait_handles() for up to 0.1 s between polls.
    pool = PoolRun(config("square", 4), Engine("fork"), "fork")
    handled: list[Any] = []
    monkeypatch.setattr(pool.handler, "handle", handled.append)
    monkeypatch.setattr(pool.tracker, "pump", lambda deadline: 0)
    pool.started_at = time.time()  # as start() does, without starting the driver
    try:
        for note in range(3):
            pool._put(note)
        assert pool.poll(0) == 1 and handled == [0]  # out of time: two notes left
        assert multiprocessing.connection.wait([pool._wake_r], 0)
        assert pool.poll(5) == 2 and handled == [0, 1, 2]
        assert not multiprocessing.connection.wait([pool._wake_r], 0)  # nothing left: quiet
    finally:
        pool._listener.close()
        for fd in (pool._wake_r, pool._wake_w):
            os.close(fd)


def test_a_serial_check_that_could_not_finish_in_time_is_not_started():
    # 1,000 distinct items at 10 ms each: 10 s of serial work against a 2 s budget.
    skipped = serial_reference("square", list(range(1000)), "map", item_seconds=0.01, budget=2.0)
    assert skipped.outcomes is None and "about 10.0 s" in skipped.note
    # Repeated items are computed once, so the same budget fits 100 distinct ones.
    checked = serial_reference("square", list(range(100)) * 10, "map", item_seconds=0.01,
                               budget=2.0)
    assert checked.outcomes is not None and checked.outcomes[-1] == (True, 99 * 99)


def test_a_pool_process_imports_only_its_own_side():
    # Every pool process imports the tracker at start-up: the parent's engine, driver and
    # psutil would add tens of milliseconds to each start (and to row 1 of the benchmarks).
    code = ("import sys, mpscope.core.pool.child_tracker; "
            "print(sorted(m for m in sys.modules if m.startswith('mpscope') or m == 'psutil'))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert "mpscope.core.engine.engine" not in out and "mpscope.core.pool.pool_run" not in out
    assert "psutil" not in out and "mpscope.core.pool.child_tracker" in out


@pytest.mark.parametrize("backend", BACKENDS)
def test_tiny_tasks_are_reported_in_batches_with_every_detail(backend: str) -> None:
    # Two frames per task cost more than the task itself; a pool process sends its
    # reports at most every FLUSH_S, and nothing of a task is lost on the way.
    h = Harness(config("square", list(range(3000)), "imap_unordered", backend, chunksize=1))
    frames = []
    handle = h.pool.tracker._handle  # type: ignore[union-attr]
    h.pool.tracker._handle = lambda c, f: (frames.append(f), handle(c, f))  # type: ignore
    h.run()
    assert h.pool.succeeded and h.pool.summary()["results_ok"] is True
    assert len(frames) < 3000 / 10, len(frames)
    tasks = h.pool.tasks
    assert all(t.pid and t.wid is not None and t.started and t.ended for t in tasks)
    assert all(t.peak_rss for t in tasks)
    records = h.pool.tracker.records.values()
    assert sum(r.done for r in records) == 3000 and all(r.note is None for r in records)
