"""Bad input of every kind ends in one clear line, never a traceback; nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE_ENV = dict(os.environ,
                PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
SHORT_RUN = """
[[workers]]
task = "sleep_io"
name = "io"
args = { seconds = 0.2, steps = 2 }
"""


def mpscope(data: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(BASE_ENV, MPSCOPE_DATA_DIR=str(data))
    return subprocess.run([sys.executable, "-m", "mpscope", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def one_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The single stderr line, checked for the needles and for no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_an_unwritable_summary_path_is_refused_before_anything_starts(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(SHORT_RUN)
    data = tmp_path / "data"
    for target in ("/proc/mpscope/summary.json", str(tmp_path)):  # no folder there; a folder
        result = mpscope(data, "run", str(config), "--summary-json", target)
        assert result.returncode == 2
        one_line(result, "--summary-json", target)
        assert result.stdout == ""  # nothing started, nothing recorded
        assert not (data / "history.sqlite3").exists()


def test_a_successful_run_whose_summary_fails_at_the_end_exits_1_and_is_recorded(tmp_path):
    """The end-of-run write itself fails (the folder is made a file by a worker)."""
    config = tmp_path / "run.toml"
    out = tmp_path / "out"
    config.write_text(f"""
[[workers]]
task = "task_helpers:replace_folder_with_file"
args = {{ path = "{out}" }}
""")
    data = tmp_path / "data"
    result = mpscope(data, "run", str(config), "--summary-json", str(out / "summary.json"))
    assert result.returncode == 1
    one_line(result, "could not write the summary", str(out))
    assert "recorded as run #1" in result.stdout
    listed = mpscope(data, "history")
    row = listed.stdout.splitlines()[-1].split()
    assert row[0] == "1" and "finished" in row and "0" in row  # its own exit status: 0


def corrupt(data: Path) -> Path:
    """A recorded history with garbage after its first page."""
    config = data.parent / "short.toml"
    config.write_text(SHORT_RUN)
    assert mpscope(data, "run", str(config)).returncode == 0
    path = data / "history.sqlite3"
    for leftover in data.glob("history.sqlite3-*"):
        leftover.unlink()
    content = path.read_bytes()
    path.write_bytes(content[:4096] + b"garbage!" * ((len(content) - 4096) // 8))
    return path


@pytest.mark.parametrize("command", [("history",), ("export", "1"), ("history", "--search", "x")])
def test_a_corrupt_history_is_named_in_one_line_with_what_to_do(tmp_path, command):
    data = tmp_path / "data"
    path = corrupt(data)
    result = mpscope(data, *command, "--out", str(tmp_path)) if command[0] == "export" \
        else mpscope(data, *command)
    assert result.returncode == 1
    one_line(result, str(path), "unusable", "move", "MPSCOPE_DATA_DIR")


def test_a_run_with_a_corrupt_history_warns_naming_the_file_and_still_runs(tmp_path):
    data = tmp_path / "data"
    path = corrupt(data)
    config = data.parent / "short.toml"
    result = mpscope(data, "run", str(config))
    assert result.returncode == 0
    one_line(result, "warning", str(path), "MPSCOPE_DATA_DIR")
    assert "io-0: finished" in result.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (("history", "--limit", "-1"), "--limit"),
    (("history", "--limit", "0"), "--limit"),
    (("export", "99999999999999999999999"), "RUN_ID"),
    (("export", "-3"), "RUN_ID"),
])
def test_out_of_range_numbers_on_the_command_line_are_refused(tmp_path, args, needle):
    result = mpscope(tmp_path / "data", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and needle in result.stderr
    assert "must be from 1" in result.stderr or "whole number" in result.stderr
