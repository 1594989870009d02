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
    assert row[0] == "1" and "0" in row  # recorded whole, with its own exit status: 0
    assert "interrupted" not in row and "running" not in row


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


TASK_MODULE = '''
import os, sys

def generator(n=3):
    yield from range(n)

async def coroutine():
    return 1

def by_position(a, b, /):
    return a + b

class Tasks:
    def plain(self, x=1):
        return x

    @staticmethod
    def static(x=1):
        return x

    @classmethod
    def klass(cls, x=1):
        return x
'''
ENDS_ON_IMPORT = {
    "exits_on_import": "import os\nos._exit(0)\ndef f():\n    pass\n",
    "interrupts_on_import": "raise KeyboardInterrupt('hijacked')\n",
    "system_exit_on_import": "raise SystemExit(0)\n",
}


def check_and_run(tmp_path: Path, text: str) -> list[subprocess.CompletedProcess[str]]:
    """`mpscope check` and `mpscope run` on `text`, in tmp_path (where the task modules are)."""
    (tmp_path / "user_tasks.py").write_text(TASK_MODULE)
    for name, source in ENDS_ON_IMPORT.items():
        (tmp_path / f"{name}.py").write_text(source)
    config = tmp_path / "run.toml"
    config.write_text(text)
    env = dict(BASE_ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    return [subprocess.run([sys.executable, "-m", "mpscope", command, str(config)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
            for command in ("check", "run")]


@pytest.mark.parametrize(("text", "needles"), [
    ('[[workers]]\ntask = "sleep_io"\nargs = { x = ' + "[" * 3000 + "]" * 3000 + " }\n",
     ("nested too deeply",)),
    ('[[workers]]\ntask = "sleep_io"\nargs = { seconds = ' + "[" * 40 + "]" * 40 + " }\n",
     ("nested too deeply",)),
    ('[[workers]]\ntask = "exits_on_import:f"\n', ("exits_on_import", "ended the process")),
    ('[[workers]]\ntask = "interrupts_on_import:f"\n', ("KeyboardInterrupt", "hijacked")),
    ('[pool]\ntask = "system_exit_on_import:f"\nitems = 3\n', ("SystemExit",)),
    ('grace_seconds = 1e23\n[[workers]]\ntask = "sleep_io"\n', ("grace_seconds", "3600")),
    ('[[workers]]\ntask = "fibonacci"\nargs = { n = "thirty" }\n', ("'n' must be an integer",)),
    ('[[workers]]\ntask = "sleep_io"\nargs = { seconds = true }\n',
     ("'seconds' must be a number",)),
    ('[[workers]]\ntask = "user_tasks:generator"\n', ("generator function",)),
    ('[[workers]]\ntask = "user_tasks:coroutine"\n', ("async function",)),
    ('[[workers]]\ntask = "user_tasks:by_position"\nargs = { a = 1, b = 2 }\n',
     ("'a', 'b' by position only",)),
    ('[[workers]]\ntask = "user_tasks:Tasks.plain"\n', ("plain method", "@staticmethod")),
    ('[[workers]]\ntask = "sleep_io"\ncount = 1024\n' * 1 +
     '[[workers]]\ntask = "sleep_io"\nname = "b"\ncount = 1024\n' +
     '[[workers]]\ntask = "sleep_io"\nname = "c"\ncount = 1\n', ("2,049 processes", "2,048")),
])
def test_what_would_fail_at_run_time_is_one_line_from_check_and_run(tmp_path, text, needles):
    for result in check_and_run(tmp_path, text):
        assert result.returncode == 2, result.stdout + result.stderr
        one_line(result, *needles)
        assert result.stdout == ""


def test_static_and_class_methods_are_tasks(tmp_path):
    text = ('[[workers]]\ntask = "user_tasks:Tasks.static"\nargs = { x = 4 }\n'
            '[[workers]]\ntask = "user_tasks:Tasks.klass"\nargs = { x = 5 }\n')
    checked, ran = check_and_run(tmp_path, text)
    assert checked.returncode == 0, checked.stderr
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_more_processes_than_descriptors_allow_is_refused_with_the_numbers(tmp_path):
    import resource

    config = tmp_path / "run.toml"
    config.write_text('[[workers]]\ntask = "sleep_io"\ncount = 200\n')

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    result = subprocess.run([sys.executable, "-m", "mpscope", "check", str(config)],
                            capture_output=True, text=True, env=BASE_ENV, timeout=60,
                            preexec_fn=low_limit)
    assert result.returncode == 2
    one_line(result, "200 processes", "664", "256", "ulimit -n")


def test_terminal_escapes_from_user_code_are_printed_escaped_by_run_and_history(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(r'''
title = "title\u001b]0;pwned\u0007"
[[workers]]
task = "task_helpers:say_and_fail"
name = "evil\u001b[2J"
args = { text = "message\u001b[31m\u009b1m" }
''')
    data = tmp_path / "data"
    ran = mpscope(data, "run", str(config))
    assert ran.returncode == 1, ran.stderr
    listed = mpscope(data, "history")
    for output in (ran.stdout, listed.stdout):
        assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert r"evil\x1b[2J-0" in ran.stdout
    assert r"message\x1b[31m\x9b1m" in ran.stdout
    assert r"title\x1b]0;pwned\x07" in listed.stdout


def test_a_finished_worker_counts_as_100_percent_in_the_overall_progress(tmp_path, engine):
    config = tmp_path / "run.toml"
    config.write_text('''
[[workers]]
task = "task_helpers:plain_sleep"
args = { seconds = 0.05 }
[[workers]]
task = "sleep_io"
args = { seconds = 4, steps = 40 }
''')
    ran = mpscope(tmp_path / "data", "run", str(config), "--no-history")
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    finished = next(i for i, line in enumerate(lines) if "plain_sleep-0: finished" in line)
    after = next(line for line in lines[finished:] if "progress workers" in line)
    overall = int(after.split("progress workers ")[1].split("%")[0])
    assert overall >= 50, after  # one of two done; the other part-way
    # The window draws each worker's bar from the same record.fraction.
    eng = engine()
    silent = eng.add_worker("task_helpers:plain_sleep", {"seconds": 0.05}, name="silent")
    eng.start_all()
    assert eng.run_until_done(timeout=30)
    assert silent.state == "finished" and silent.fraction == 1.0
