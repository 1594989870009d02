"""mpscope's own work steps back: its threads, not the programs it runs, take a lower priority."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mpscope.core.engine import priority

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"))
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="a thread's own nice value is Linux's")


def _nice(pid: int, tid: int) -> int:
    fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of stat; the two before ")" are pid and comm


def test_a_thread_steps_back_alone_and_children_of_others_keep_their_priority() -> None:
    base = os.getpriority(os.PRIO_PROCESS, os.getpid())
    seen: list[int] = []

    def background() -> None:
        priority.step_back()
        priority.step_back()  # once is enough: a second call changes nothing
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=background)
    thread.start()
    thread.join()
    assert seen == [min(19, base + priority.BACKGROUND)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base
    child = subprocess.run([sys.executable, "-c", "import os; print(os.nice(0))"],
                           capture_output=True, text=True, check=True)
    assert int(child.stdout) == base


def test_watch_steps_back_once_the_program_runs_and_the_program_does_not() -> None:
    code = ("import os, sys; print(os.nice(0), flush=True); sys.stdin.read()")
    watch = subprocess.Popen(
        [sys.executable, "-m", "mpscope", "watch", "--no-history", "--", sys.executable, "-c",
         code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert watch.stdout is not None and watch.stdin is not None
        assert int(watch.stdout.readline()) == os.nice(0)  # the program's own priority
        deadline = time.monotonic() + 10
        target = min(19, os.nice(0) + priority.BACKGROUND)
        while True:
            tids = [int(t) for t in os.listdir(f"/proc/{watch.pid}/task")]
            nices = [_nice(watch.pid, tid) for tid in tids]
            if all(n == target for n in nices) or time.monotonic() > deadline:
                break
            time.sleep(0.05)  # polling /proc: there is no signal for a priority change
        assert nices == [target] * len(tids)
        watch.stdin.close()  # the program ends
        assert watch.wait(timeout=30) == 0
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
        for pipe in (watch.stdin, watch.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
