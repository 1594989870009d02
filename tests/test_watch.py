"""`mpscope watch`: tutorial scripts (tests/programs) watched unchanged under every start method.

Each script runs bare and watched: the watched run must print byte-identical
stdout, exit with the same code, count its tasks and items exactly, capture
its output and leave nothing running.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = ROOT / "tests" / "programs"
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
METHODS = ("spawn", "forkserver", "fork")
TIMEOUT = 90


def bare(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, str(PROGRAMS / script), *args], capture_output=True,
                          cwd=cwd, timeout=TIMEOUT, env=ENV)


def watched(script: str, *args: str, cwd: Path,
            options: tuple[str, ...] = ("--no-history",)
            ) -> tuple[subprocess.CompletedProcess[bytes], dict[str, Any]]:
    summary = cwd / "summary.json"
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", *options, "--summary-json", str(summary),
         "--", sys.executable, str(PROGRAMS / script), *args],
        capture_output=True, cwd=cwd, timeout=TIMEOUT, env=ENV)
    assert summary.exists(), result.stderr.decode()
    return result, json.loads(summary.read_text())


def compare(script: str, method: str, tmp_path: Path, *args: str) -> tuple[
        subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes], dict[str, Any]]:
    """Run bare then watched; assert what must hold for every program."""
    plain = bare(script, method, *args, cwd=tmp_path)
    seen, summary = watched(script, method, *args, cwd=tmp_path)
    assert seen.stdout == plain.stdout
    assert seen.returncode == plain.returncode == summary["exit_code"]
    assert summary["output"]["stdout_bytes"] == len(plain.stdout)
    assert summary["output"]["captured_bytes"] >= len(plain.stdout) + len(plain.stderr)
    assert summary["tasks_tracked"] is True
    main = summary["processes"][0]
    assert main["role"] == "main program" and main["exitcode"] == plain.returncode
    for process in summary["processes"]:  # nothing left running
        assert process["state"] != "running", process
        assert not _alive(process["pid"]), process
    return plain, seen, summary


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def roles(summary: dict[str, Any]) -> list[str]:
    return [p["role"] for p in summary["processes"]]


@pytest.mark.parametrize("method", METHODS)
def test_monte_carlo_pi_pool_map(method: str, tmp_path: Path) -> None:
    plain, _, summary = compare("monte_carlo_pi.py", method, tmp_path)
    assert plain.stdout.startswith(b"pi is about 3.1")
    pool = summary["pool"]
    assert (pool["tasks"], pool["done"], pool["failed"], pool["lost"]) == (8, 8, 0, 0)
    assert (pool["items"], pool["items_done"]) == (8, 8)
    assert pool["calls"] == [{"kind": "pool", "method": "map", "items": 8, "items_done": 8,
                              "chunksize": 1, "tasks": 8}]
    assert roles(summary).count("Pool process") == 4
    if method == "forkserver":
        assert "fork server" in roles(summary)


@pytest.mark.parametrize("method", METHODS)
def test_producer_consumer_processes(method: str, tmp_path: Path) -> None:
    plain, _, summary = compare("producer_consumer.py", method, tmp_path)
    assert b"exit codes: [0, 0]" in plain.stdout
    named = {p["name"]: p for p in summary["processes"]}
    for name in ("producer", "consumer"):
        assert named[name]["role"] == "Process"
        assert named[name]["task"] == name
        assert named[name]["exitcode"] == 0
        parent = named["fork server"] if method == "forkserver" else summary["processes"][0]
        assert named[name]["parent"] == parent["pid"]
        assert named[name]["output_lines"] == 1  # its own line, told from the others'
    assert summary["processes"][0]["output_lines"] == 2
    assert summary["pool"]["tasks"] == 0


@pytest.mark.parametrize("method", METHODS)
def test_apply_async_callbacks_and_a_failing_task(method: str, tmp_path: Path) -> None:
    plain, _, summary = compare("apply_callbacks.py", method, tmp_path)
    assert b"errors: ['3 is unlucky']" in plain.stdout
    pool = summary["pool"]
    assert (pool["tasks"], pool["done"], pool["failed"], pool["lost"]) == (6, 5, 1, 0)
    assert (pool["items"], pool["items_done"]) == (6, 5)
    assert [c["method"] for c in pool["calls"]] == ["apply_async"] * 6


@pytest.mark.parametrize("method", METHODS)
def test_executor_map_in_chunks(method: str, tmp_path: Path) -> None:
    _, _, summary = compare("executor_map.py", method, tmp_path)
    pool = summary["pool"]
    assert (pool["tasks"], pool["done"], pool["items"], pool["items_done"]) == (8, 8, 30, 30)
    assert pool["calls"] == [{"kind": "executor", "method": "map", "items": 30,
                              "items_done": 30, "chunksize": 4, "tasks": 8}]
    assert roles(summary).count("Executor process") == 2


@pytest.mark.parametrize("method", METHODS)
def test_batch_that_writes_files(method: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    compare("batch_files.py", method, tmp_path, str(out))
    _, _, summary = compare("batch_files.py", method, tmp_path, str(out))
    assert sorted(p.name for p in out.iterdir()) == [f"report-{n:02d}.txt" for n in range(12)]
    pool = summary["pool"]
    assert (pool["tasks"], pool["done"], pool["items"], pool["items_done"]) == (6, 6, 12, 12)
    assert pool["calls"][0]["method"] == "imap"
    by_role: dict[str, int] = {}
    for process in summary["processes"]:
        by_role[process["role"]] = by_role.get(process["role"], 0) + process["output_lines"]
    assert by_role["Pool process"] == 12 and by_role["main program"] == 12  # "writing"/"wrote"


@pytest.mark.parametrize("method", METHODS)
def test_tiny_tasks_are_all_counted_though_the_pool_ends_right_after_them(
        method: str, tmp_path: Path) -> None:
    # Their frames go in batches; those still waiting when the pool terminates its
    # processes come from the processes' slots (tens of them, in most runs).
    _, _, summary = compare("tiny_tasks.py", method, tmp_path, "5000")
    pool = summary["pool"]
    assert (pool["tasks"], pool["done"], pool["lost"], pool["items_done"]) == (5000, 5000, 0,
                                                                               5000)


@pytest.mark.parametrize("method", METHODS)
def test_segfault_in_a_pool_process_loses_its_task(method: str, tmp_path: Path) -> None:
    plain, _, summary = compare("segfault_pool.py", method, tmp_path)
    assert plain.returncode == 3
    pool = summary["pool"]
    assert pool["lost"] == 1 and pool["failed"] == 0
    crashed = [p for p in summary["processes"] if p["exitcode"] == -11]
    assert len(crashed) == 1
    assert crashed[0]["state"] == "lost"
    assert "SIGSEGV (Segmentation fault)" in crashed[0]["detail"]


@pytest.mark.parametrize("method", METHODS)
def test_missing_main_guard_error_is_shown(method: str, tmp_path: Path) -> None:
    plain, seen, summary = compare("no_main_guard.py", method, tmp_path)
    child = [p for p in summary["processes"] if p["role"] == "Process"]
    assert len(child) == 1
    if method == "fork":
        assert b"hello from the child" in plain.stdout and child[0]["exitcode"] == 0
        return
    assert b"child exit code: 1" in plain.stdout and child[0]["exitcode"] == 1
    assert b"bootstrapping phase" in plain.stderr
    # The child's traceback reaches the terminal unchanged, line for line.
    for line in plain.stderr.splitlines():
        assert line in seen.stderr


def test_exit_code_and_uncaught_exception_as_python(tmp_path: Path) -> None:
    script = tmp_path / "fails.py"
    script.write_text("import sys\nprint('before')\nraise SystemExit(7) if sys.argv[1:] else "
                      "ValueError('boom')\n")
    for args in ((), ("exit",)):
        plain = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                               cwd=tmp_path, timeout=TIMEOUT)
        seen, _summary = watched(str(script), *args, cwd=tmp_path)
        assert seen.returncode == plain.returncode == (7 if args else 1)
        assert seen.stdout == plain.stdout
        assert plain.stderr in seen.stderr  # the same traceback, no mpscope frame in it


def test_a_command_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--", "no-such-program-x"],
        capture_output=True, text=True, cwd=tmp_path, timeout=TIMEOUT, env=ENV)
    assert result.returncode == 127
    assert "cannot start 'no-such-program-x'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_watched_pool_process_loads_only_the_light_side_of_mpscope(method: str,
                                                                      tmp_path: Path) -> None:
    seen, _ = watched("child_imports.py", method, cwd=tmp_path)
    line = next(x for x in seen.stdout.decode().splitlines() if x.startswith("("))
    modules = set(ast.literal_eval(line)[1])
    assert "mpscope.core.watch.pool_side" in modules  # the pool process runs its wrapper
    assert not modules & {"mpscope.core.watch.hooks", "mpscope.core.watch.messages",
                          "mpscope.core.engine", "mpscope.core.history"}, sorted(modules)
