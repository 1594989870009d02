"""`mpscope watch` as an operator relies on it: progress API, Ctrl-C, history, other launchers,
and a program that carries on when mpscope itself is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from test_watch import ENV, PROGRAMS, TIMEOUT, bare, watched

WAIT = """
import os, sys, time
trigger = sys.argv[1]
try:  # "ready" inside: a Ctrl-C sent as soon as it is read lands here, not before the try
    print("ready", flush=True)
    while not os.path.exists(trigger):
        time.sleep(0.02)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(5)
print("after the trigger", flush=True)
with open(trigger + ".done", "w") as handle:
    handle.write("ok")
"""


def test_progress_and_log_from_main_and_child(tmp_path: Path) -> None:
    plain = bare("progress_api.py", "spawn", cwd=tmp_path)
    assert plain.returncode == 0 and plain.stdout == b"done 0\n"
    seen, summary = watched("progress_api.py", "spawn", cwd=tmp_path)
    assert seen.stdout == plain.stdout
    named = {p["name"]: p for p in summary["processes"]}
    assert (named["main"]["done"], named["main"]["total"]) == (200, 200)  # the last one kept
    assert (named["child"]["done"], named["child"]["total"]) == (50, 50)
    assert b"main: main: all 200 steps done" in seen.stderr
    assert b"child: child finished" in seen.stderr


def _start(tmp_path: Path, script: str, *args: str) -> subprocess.Popen[bytes]:
    path = tmp_path / "wait.py"
    path.write_text(script)
    return subprocess.Popen(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--", sys.executable,
         str(path), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
        env=ENV, start_new_session=True)


def test_ctrl_c_goes_to_the_program(tmp_path: Path) -> None:
    watch = _start(tmp_path, WAIT, str(tmp_path / "never"))
    try:
        assert watch.stdout is not None
        assert watch.stdout.readline() == b"ready\n"
        os.killpg(watch.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
        out, err = watch.communicate(timeout=TIMEOUT)
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, signal.SIGKILL)
            watch.wait()
    assert watch.returncode == 5, err.decode()
    assert out == b"interrupted\n"
    assert b"Ctrl-C: passed to the program" in err


def test_the_program_carries_on_when_mpscope_is_killed(tmp_path: Path) -> None:
    trigger = tmp_path / "go"
    watch = _start(tmp_path, WAIT, str(trigger))
    program = None
    try:
        assert watch.stdout is not None
        assert watch.stdout.readline() == b"ready\n"
        program = next(p for p in psutil.Process(watch.pid).children(recursive=True)
                       if "wait.py" in " ".join(p.cmdline()))
        watch.kill()
        watch.wait(timeout=TIMEOUT)
        trigger.write_text("")
        program.wait(timeout=TIMEOUT)  # it ends by itself, normally
        assert (tmp_path / "go.done").read_text() == "ok"
        assert watch.stdout.read() == b"after the trigger\n"  # the relay passed it on
    finally:
        if program is not None and program.is_running():
            program.kill()
        os.killpg(watch.pid, signal.SIGKILL) if _group_alive(watch.pid) else None
        watch.communicate()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_recorded_in_the_history_and_exported(tmp_path: Path) -> None:
    env = dict(ENV, MPSCOPE_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--title", "pi", "--", sys.executable,
         str(PROGRAMS / "monte_carlo_pi.py"), "fork"], capture_output=True, cwd=tmp_path,
        env=env, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr.decode()
    assert b"recorded as run #1" in result.stderr
    export = subprocess.run([sys.executable, "-m", "mpscope", "export", "1", "--out",
                             str(tmp_path)], capture_output=True, text=True, env=env,
                            timeout=TIMEOUT)
    assert export.returncode == 0, export.stderr
    document = json.loads(Path(export.stdout.split()[0]).read_text())
    assert document["run"]["title"] == "pi"
    output = [e for e in document["events"] if e["kind"] == "output"]
    assert [e["text"] for e in output] == [result.stdout.decode().rstrip("\n")]
    assert len(document["tasks"]) == 8
    assert all(t["outcome"] == "ok" for t in document["tasks"])
    roles = [w["grp"] if "grp" in w else w["group"] for w in document["workers"]]
    assert roles.count("Pool process") == 4


def test_another_launcher_is_watched_through_the_shim(tmp_path: Path) -> None:
    script = f"{sys.executable} {PROGRAMS / 'executor_map.py'} fork"
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--summary-json",
         str(tmp_path / "s.json"), "--", "sh", "-c", script], capture_output=True,
        cwd=tmp_path, env=ENV, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads((tmp_path / "s.json").read_text())
    assert (summary["pool"]["tasks"], summary["pool"]["items_done"]) == (8, 30)


@pytest.mark.parametrize("flag", ["-I", "-E"])
def test_python_that_ignores_the_environment_is_watched_as_processes(
        tmp_path: Path, flag: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--summary-json",
         str(tmp_path / "s.json"), "--", sys.executable, flag,
         str(PROGRAMS / "monte_carlo_pi.py"), "fork", "4000000"], capture_output=True, cwd=tmp_path,
        env=ENV, timeout=TIMEOUT)
    assert result.returncode == 0
    assert result.stderr.count(b"ignores the environment: watching processes only") == 1
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["pool"]["tasks"] == 0
    # Main and its four pool processes, seen by scanning the tree (not named by hooks).
    assert [p["role"] for p in summary["processes"]].count("subprocess") >= 4


def test_orphaned_grandchild_stays_visible(tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1.5)'])\n"
        "print('parent leaves')\n")
    start = time.monotonic()
    seen, summary = watched(str(script), cwd=tmp_path)
    assert seen.returncode == 0 and seen.stdout == b"parent leaves\n"
    orphan = [p for p in summary["processes"] if p["role"] == "subprocess"]
    assert len(orphan) == 1
    assert orphan[0]["state"] in ("running", "finished")
    if orphan[0]["state"] == "running":  # still running when the program ended: said so
        assert b"is still running after the program ended" in seen.stderr
        psutil.Process(orphan[0]["pid"]).wait(timeout=TIMEOUT)
    assert time.monotonic() - start < TIMEOUT
