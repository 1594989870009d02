"""No orphans: when the parent dies, even by SIGKILL, every worker exits within 2 seconds."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

PARENT = textwrap.dedent(
    """
    import json, multiprocessing.connection, sys, time
    from mpscope.core.engine.engine import Engine

    if __name__ == "__main__":
        engine = Engine(sys.argv[1])
        grandchildren = []  # spawn_children logs "started child pid N" for each child
        engine.subscribe(lambda event: event.kind == "log" and "started child pid" in event.text
                         and grandchildren.append(int(event.text.rsplit(" ", 1)[1])))
        for i in range(3):
            engine.add_worker("sleep_io", {"seconds": 60}, name=f"s{i}", daemon=i == 0)
        engine.add_worker("spawn_children", {"children": 2, "seconds": 60}, name="parent")
        engine.start_all()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            engine.poll(0.05)
            running = [r for r in engine.records.values() if r.state == "running"]
            if len(running) == 4 and len(grandchildren) == 2:
                break
            multiprocessing.connection.wait(engine.wait_handles(), timeout=0.05)
        workers = [r.pid for r in engine.records.values()]
        print(json.dumps({"workers": workers, "grandchildren": grandchildren}), flush=True)
        time.sleep(120)  # until the test kills this process
    """
)


def _watchdog_running(pid: int) -> bool:
    """The child's orphan watchdog thread is up: its only thread besides the main one."""
    try:
        return psutil.Process(pid).num_threads() >= 2
    except psutil.NoSuchProcess:
        return False


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("start_method", ["spawn", "forkserver", "fork"])
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, start_method: str):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    with subprocess.Popen([sys.executable, str(script), start_method],
                          stdout=subprocess.PIPE, text=True, env=env) as parent:
        _kill_the_parent_and_check(parent, script)


def _kill_the_parent_and_check(parent: subprocess.Popen[str], script: Path) -> None:
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        assert line, "the parent script did not report its workers"
        reported = json.loads(line)
        workers, grandchildren = reported["workers"], reported["grandchildren"]
        family = set(workers)
        for pid in workers:  # the grandchildren started by spawn_children, and their helpers
            with contextlib.suppress(psutil.NoSuchProcess):
                family.update(child.pid for child in psutil.Process(pid).children(recursive=True))
        assert set(grandchildren) <= family and len(family) >= 6
        # A grandchild starts its watchdog first thing; it is ready once that thread runs.
        ready_by = time.monotonic() + 30
        while not all(_watchdog_running(pid) for pid in grandchildren):
            assert time.monotonic() < ready_by, "a grandchild never started its watchdog"
            time.sleep(0.01)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=5)
        killed_at = time.monotonic()
        while any(_alive(pid) for pid in family) and time.monotonic() - killed_at < 5:
            time.sleep(0.05)
        survivors = [pid for pid in family if _alive(pid)]
        elapsed = time.monotonic() - killed_at
        assert not survivors, f"still alive after {elapsed:.1f}s: {survivors}"
        assert elapsed < 2.0
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for proc in psutil.process_iter():
            try:
                if str(script) in " ".join(proc.cmdline()):
                    proc.kill()
            except psutil.Error:
                pass
