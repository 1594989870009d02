"""Tests for the task registry, the built-in tasks and the orphan watchdog."""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mpscope.core import tasks
from mpscope.core.tasks import builtin, pool
from mpscope.core.worker import messages as m
from mpscope.core.worker.reporter import Reporter, StopRequested
from mpscope.core.worker.watchdog import start_orphan_watchdog

SPAWN = multiprocessing.get_context("spawn")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and exit codes")


def run_in_child(target: Any, daemon: bool = False, **kwargs: Any) -> int:
    """Run target(**kwargs) in a fresh spawned process and return its exit code."""
    proc = SPAWN.Process(target=target, kwargs=kwargs, daemon=daemon)
    proc.start()
    proc.join(20)
    if proc.is_alive():  # never leave a child behind, even when the test fails
        proc.kill()
        proc.join()
    assert proc.exitcode is not None
    return proc.exitcode


def recording_reporter() -> tuple[Reporter, list[Any]]:
    """A real Reporter (no flusher thread) whose frames land in a list."""
    sent: list[Any] = []
    return Reporter(wid=7, send=sent.append), sent


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A tiny importable module on sys.path, removed from sys.modules afterwards."""
    name = "mpscope_user_tasks_for_test"
    (tmp_path / f"{name}.py").write_text(
        '"""User tasks."""\n'
        "LIMIT = 3\n"
        "def double(x: int = 2, reporter=None) -> int:\n"
        '    """Double x.\n\n    More text."""\n'
        "    return 2 * x\n"
        "class Tools:\n"
        "    @staticmethod\n"
        "    def triple(x: int) -> int:\n"
        "        return 3 * x\n"
    )
    (tmp_path / "mpscope_broken_module.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for mod in (name, "mpscope_broken_module"):
        sys.modules.pop(mod, None)


# -- registry -----------------------------------------------------------------
def test_names_are_sorted_and_shared_names_are_one_function() -> None:
    assert tasks.builtin_names() == sorted(tasks.builtin_names())
    assert tasks.pool_task_names() == sorted(tasks.pool_task_names())
    assert {"monte_carlo_pi", "fibonacci", "count_primes", "sleep_io", "risky", "memory_hog",
            "spawn_children", "crash", "stream"} == set(tasks.builtin_names())  # fmt: skip
    assert {"square", "count_primes", "monte_carlo_pi", "sleep_io", "risky", "uneven",
            "die_at"} == set(tasks.pool_task_names())  # fmt: skip
    for name in set(tasks.builtin_names()) & set(tasks.pool_task_names()):
        assert getattr(builtin, name) is getattr(pool, name) is tasks.resolve(name)


def test_resolve_builtins_and_module_specs(user_module: str) -> None:
    assert tasks.resolve("fibonacci") is builtin.fibonacci
    assert tasks.resolve(" square ") is pool.square
    assert tasks.resolve("os.path:join") is os.path.join
    assert tasks.resolve(f"{user_module}:double")(x=5) == 10
    assert tasks.resolve(f"{user_module}:Tools.triple")(2) == 6
    assert tasks.describe(f"{user_module}:double") == "Double x."
    assert tasks.describe("fibonacci").startswith("Naive recursive Fibonacci")
    assert tasks.describe(f"{user_module}:Tools.triple") == ""


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty task name; give a built-in name or 'package.module:function'"),
        ("fibonaci", "unknown built-in task 'fibonaci'; did you mean 'fibonacci'? built-ins are: "),
        ("zzz", "unknown built-in task 'zzz'; built-ins are: count_primes, crash, die_at, "),
        ("os.path.join", "task 'os.path.join' is not a built-in; name a function in a module "
                         "with a colon, e.g. 'os.path:join'"),
        ("os.path:", "malformed task spec 'os.path:'; expected 'package.module:function'"),
        ("a:b:c", "malformed task spec 'a:b:c'; expected 'package.module:function'"),
        ("no_such_module_zz:f", "cannot import module 'no_such_module_zz' for task "
                                "'no_such_module_zz:f': ModuleNotFoundError: No module named "
                                "'no_such_module_zz'"),
        ("mpscope_broken_module:f", "cannot import module 'mpscope_broken_module' for task "
                                    "'mpscope_broken_module:f': RuntimeError: boom at import"),
        ("os.path:joinn", "module 'os.path' has no attribute 'joinn' (task 'os.path:joinn'); "
                          "did you mean 'join'?"),
        ("{mod}:Tools.nope", "'{mod}:Tools' has no attribute 'nope' (task '{mod}:Tools.nope')"),
        ("{mod}:LIMIT", "task '{mod}:LIMIT' is not callable (it is of type int)"),
    ],
)  # fmt: skip
def test_resolve_errors(user_module: str, name: str, message: str) -> None:
    with pytest.raises(tasks.TaskError) as info:
        tasks.resolve(name.format(mod=user_module))
    assert str(info.value).startswith(message.format(mod=user_module))
    assert isinstance(info.value, ValueError)


def test_accepts_reporter_and_deterministic() -> None:
    assert tasks.accepts_reporter(builtin.fibonacci)
    assert not tasks.accepts_reporter(pool.square)
    assert not tasks.accepts_reporter(os.path.join)
    deterministic = {"fibonacci", "count_primes", "square", "uneven", "risky", "sleep_io"}
    for name in deterministic:
        assert tasks.is_deterministic(tasks.resolve(name)), name
    for name in ("monte_carlo_pi", "spawn_children", "crash", "die_at"):
        assert not tasks.is_deterministic(tasks.resolve(name)), name
    assert not tasks.is_deterministic(os.path.join)


def test_check_arguments() -> None:
    fib = builtin.fibonacci
    tasks.check_arguments(fib, {})
    tasks.check_arguments(fib, {"n": 5})
    tasks.check_arguments(builtin.crash, {"kind": "not-a-kind"})  # crash checks kind itself
    no_m = r"^task 'fibonacci' has no argument 'm'; it takes: n$"
    with pytest.raises(tasks.TaskError, match=no_m):
        tasks.check_arguments(fib, {"m": 3})
    with pytest.raises(tasks.TaskError, match="has no arguments 'a', 'b'; it takes: kind, code"):
        tasks.check_arguments(builtin.crash, {"a": 1, "b": 2})
    with pytest.raises(tasks.TaskError, match="'reporter' is supplied by mpscope"):
        tasks.check_arguments(fib, {"reporter": None})

    def needs(a: int, /, b: int, *, c: int, reporter: Any = None, **extra: Any) -> None:
        """A task with every kind of parameter."""

    with pytest.raises(tasks.TaskError, match=r"^task 'n' takes 'a' by position only"):
        tasks.check_arguments(needs, {"b": 1, "c": 2}, name="n")

    def two(b: int, c: int = 0, reporter: Any = None) -> None:
        """Two arguments."""

    tasks.check_arguments(two, {"b": 1})
    tasks.check_arguments(lambda b, **extra: None, {"b": 1, "anything": 2})
    with pytest.raises(tasks.TaskError, match=r"^task 'two' needs argument 'b'; it takes: b, c$"):
        tasks.check_arguments(two, {"c": 1})


def test_pool_call_check() -> None:
    tasks.pool_call_check(pool.square, 3)
    tasks.pool_call_check(builtin.count_primes, 10)
    with pytest.raises(tasks.TaskError, match="task 'two' cannot be called with one item"):
        tasks.pool_call_check(lambda a, b: None, 1, name="two")


# -- Process tasks, called directly with tiny arguments ---------------------------
def test_fibonacci_value_and_progress() -> None:
    reporter, sent = recording_reporter()
    assert builtin.fibonacci(n=20, reporter=reporter) == 6765
    assert [builtin.fibonacci(n) for n in range(8)] == [0, 1, 1, 2, 3, 5, 8, 13]
    reporter.flush()
    progress = [msg for msg in sent if isinstance(msg, m.Progress)]
    assert progress and progress[-1].done == progress[-1].total == 2 * 10946 - 1
    assert any(isinstance(msg, m.Log) for msg in sent)


def test_count_primes_and_monte_carlo() -> None:
    assert builtin.count_primes(100) == 25
    assert [builtin.count_primes(n) for n in (0, 1, 2, 3)] == [0, 0, 1, 2]
    assert builtin.count_primes(limit=10_000) == 1229
    assert abs(builtin.monte_carlo_pi(samples=50_000) - math.pi) < 0.1
    assert builtin.monte_carlo_pi(samples=0) == 0.0


def test_sleep_io_risky_memory_hog() -> None:
    start = time.monotonic()
    assert builtin.sleep_io(0.05) == 0.05
    assert 0.05 <= time.monotonic() - start < 1.0
    assert builtin.risky(4) == 16
    with pytest.raises(ValueError, match=r"^risky\(6\): 6 is divisible by 3$"):
        builtin.risky(6)
    assert builtin.memory_hog(megabytes=3, seconds=0.03) == 3


def test_stream_sends_one_message_per_value() -> None:
    reporter, sent = recording_reporter()
    assert builtin.stream(messages=5, payload_bytes=3, reporter=reporter) == 5
    data = [msg for msg in sent if isinstance(msg, m.Data)]
    assert [msg.value for msg in data] == [(i, b"xxx") for i in range(5)]
    assert [msg.seq for msg in data] == list(range(5))


def test_pool_items() -> None:
    assert pool.square(7) == 49
    assert pool.uneven(13) == 13
    start = time.thread_time()
    pool.uneven(9)
    assert time.thread_time() - start >= 0.009
    assert pool.die_at(3, at=5) == 3


def test_crash_kind_is_checked_at_call_time() -> None:
    kinds = "unknown crash kind 'bogus'; choose one of: exit, os_exit"
    with pytest.raises(ValueError, match=kinds):
        builtin.crash(kind="bogus", after=0)


def test_unpicklable_error_and_result() -> None:
    with pytest.raises(builtin.UnpicklableError) as info:
        builtin.crash(kind="unpicklable_error", after=0)
    with pytest.raises(TypeError):
        pickle.dumps(info.value)
    with pytest.raises(TypeError):
        pickle.dumps(builtin.crash(kind="unpicklable_result", after=0))
    with pytest.raises(RuntimeError, match="deliberate error"):
        builtin.crash(kind="raise", after=0)


# -- crashes and children in real processes ---------------------------------------
@posix_only
@pytest.mark.parametrize(
    ("kind", "exitcode"),
    [("exit", 3), ("os_exit", 3), ("segfault", -signal.SIGSEGV), ("abort", -signal.SIGABRT),
     ("kill", -signal.SIGKILL), ("raise", 1)],
)  # fmt: skip
def test_crash_exit_codes(kind: str, exitcode: int) -> None:
    assert run_in_child(builtin.crash, kind=kind, code=3, after=0) == exitcode


@posix_only
def test_die_at_kills_the_process_on_its_item() -> None:
    assert run_in_child(pool.die_at, x=5, at=5) == -signal.SIGKILL


def test_spawn_children_in_a_normal_process() -> None:
    reporter, _ = recording_reporter()
    pids = builtin.spawn_children(children=2, seconds=0.05, reporter=reporter)
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert multiprocessing.active_children() == []


def test_spawn_children_takes_its_children_down_on_stop() -> None:
    calls = iter([False, False] + [True] * 1000)  # stop at the first progress report
    reporter = Reporter(wid=1, send=lambda message: None, stop_flag=lambda: next(calls))
    with pytest.raises(StopRequested):
        builtin.spawn_children(children=2, seconds=30, reporter=reporter)
    assert multiprocessing.active_children() == []


def test_spawn_children_from_a_spawned_worker() -> None:
    # The grandchildren use the worker's start method (spawn) and import the watchdog.
    assert run_in_child(builtin.spawn_children, children=2, seconds=0.05) == 0


def test_spawn_children_fails_in_a_daemon_worker(capfd: pytest.CaptureFixture[str]) -> None:
    assert run_in_child(builtin.spawn_children, daemon=True, children=1, seconds=0.05) == 1
    err = capfd.readouterr().err
    assert "AssertionError: daemonic processes are not allowed to have children" in err


# -- orphan watchdog ---------------------------------------------------------------
def test_watchdog_is_a_no_op_in_the_main_process() -> None:
    start_orphan_watchdog()
    assert not any(t.name == "mpscope-orphan-watchdog" for t in threading.enumerate())


@posix_only
def test_orphaned_grandchild_exits_when_its_parent_is_killed() -> None:
    psutil = pytest.importorskip("psutil")
    worker = SPAWN.Process(target=builtin.spawn_children, kwargs={"children": 1, "seconds": 60})
    worker.start()
    grandchildren: list[Any] = []
    try:
        deadline = time.monotonic() + 15
        while not grandchildren and time.monotonic() < deadline:
            grandchildren = [  # not the resource tracker that spawn also starts
                child for child in psutil.Process(worker.pid).children()
                if any("spawn_main" in arg for arg in child.cmdline())
            ]  # fmt: skip
            time.sleep(0.05)
        assert grandchildren, "the worker never started its child"
        # The grandchild starts its watchdog first thing: ready once that second thread runs.
        ready_by = time.monotonic() + 15
        while grandchildren[0].num_threads() < 2:
            assert time.monotonic() < ready_by, "the grandchild never started its watchdog"
            time.sleep(0.01)
        worker.kill()
        worker.join()
        assert _gone(psutil, grandchildren[0].pid, timeout=5), "orphan outlived its parent"
    finally:
        worker.kill()
        worker.join()
        for child in grandchildren:
            if not _gone(psutil, child.pid, timeout=0):
                child.kill()


def _gone(psutil: Any, pid: int, timeout: float) -> bool:
    """True once pid has exited (a zombie counts: a container init may not reap it)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
