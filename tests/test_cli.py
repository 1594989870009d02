"""The command line, run as a user runs it: `python -m mpscope …` in a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))


def mpscope(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mpscope", *args], capture_output=True,
                          text=True, env=ENV, timeout=timeout)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "run.toml"
    path.write_text(text)
    return path


def test_example_prints_a_configuration_that_checks(tmp_path):
    example = mpscope("example")
    assert example.returncode == 0
    path = write(tmp_path, example.stdout)
    checked = mpscope("check", str(path))
    assert checked.returncode == 0, checked.stderr
    assert "ok" in checked.stdout


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("start_method = 'spawn'\n[[workers]]\ntask = 'nope'\n", "unknown built-in task 'nope'"),
        ("[[workers]]\ntask = 'sleep_io'\ncount = 0\n", "workers[0].count"),
        ("[[workers]]\ntask = 'sleep_io'\nargs = { minutes = 3 }\n", "minutes"),
        ("[[workers]\ntask = 'sleep_io'\n", "line 1"),
        ("[[workers]]\ntask = 'no_such_module_xyz:f'\n", "cannot import module"),
        ("colour = 'blue'\n[[workers]]\ntask = 'sleep_io'\n", "colour"),
    ],
)
def test_bad_configuration_is_one_clear_line_and_exit_2(tmp_path, text, needle):
    path = write(tmp_path, text)
    for command in ("check", "run"):
        result = mpscope(command, str(path))
        assert result.returncode == 2
        assert needle in result.stderr
        assert str(path) in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""  # nothing started


def test_missing_file_is_a_usage_error(tmp_path):
    result = mpscope("run", str(tmp_path / "absent.toml"))
    assert result.returncode == 2
    assert "absent.toml" in result.stderr and "Traceback" not in result.stderr


def test_run_succeeds_and_writes_the_summary(tmp_path):
    path = write(tmp_path, """
[[workers]]
task = "sleep_io"
count = 2
name = "io"
args = { seconds = 0.3, steps = 3 }
""")
    summary = tmp_path / "out" / "summary.json"
    result = mpscope("run", str(path), "--summary-json", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "io-0: running" in result.stdout
    assert "finished" in result.stdout
    data = json.loads(summary.read_text())
    assert data["exit_code"] == 0 and data["duration_s"] > 0
    assert [w["name"] for w in data["workers"]] == ["io-0", "io-1"]
    for worker in data["workers"]:
        assert worker["state"] == "finished" and worker["exitcode"] == 0
        assert worker["received"] == worker["sent"] and worker["seq_gaps"] == 0
        assert worker["result"] == 0.3 and worker["error"] is None
        assert worker["pid"] > 0 and worker["task"] == "sleep_io"


def test_run_with_a_failure_exits_1_and_names_it(tmp_path):
    path = write(tmp_path, """
[[workers]]
task = "risky"
args = { x = 6 }
[[workers]]
task = "crash"
args = { kind = "segfault", after = 0.0 }
""")
    summary = tmp_path / "summary.json"
    result = mpscope("run", str(path), "--summary-json", str(summary))
    assert result.returncode == 1
    data = json.loads(summary.read_text())
    risky, crash = data["workers"]
    assert risky["state"] == "failed" and "divisible by 3" in risky["error"]
    assert crash["state"] == "lost" and crash["exitcode"] == -signal.SIGSEGV
    assert crash["sent"] is None


def test_ctrl_c_stops_every_worker_and_exits_130(tmp_path):
    path = write(tmp_path, """
grace_seconds = 10.0  # generous: a loaded machine must not turn a stop into a terminate
[[workers]]
task = "sleep_io"
count = 3
args = { seconds = 60 }
""")
    summary = tmp_path / "summary.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "mpscope", "run", str(path), "--summary-json", str(summary)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        start_new_session=True,  # a terminal's Ctrl-C reaches the whole process group
    )
    try:
        deadline = time.monotonic() + 30
        seen = ""
        while seen.count(": running") < 3:
            assert time.monotonic() < deadline
            seen += process.stdout.readline()
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    data = json.loads(summary.read_text())
    assert [w["state"] for w in data["workers"]] == ["stopped"] * 3


def test_help_lists_the_commands():
    result = mpscope("run", "--help")
    assert result.returncode == 0 and "--summary-json" in result.stdout


@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_workers_started_by_the_cli_never_import_qt(tmp_path, start_method):
    path = write(tmp_path, f"""
start_method = "{start_method}"
[[workers]]
task = "task_helpers:qt_modules_loaded"
""")
    summary = tmp_path / "summary.json"
    result = mpscope("run", str(path), "--summary-json", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(summary.read_text())["workers"][0]["result"] == []
