"""The benchmark's load watch: work of its own children is its own, other programs' is not."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from mpscope.bench.machine import BUSY_OTHERS, Load, LoadWatch
from mpscope.bench.table import Median, Row, render
from mpscope.core.engine.subreaper import is_subreaper

BURN = "import time\nend = time.process_time() + 1.0\nwhile time.process_time() < end: pass"


def test_a_grandchilds_work_is_not_counted_as_other_programs() -> None:
    with LoadWatch() as watch:  # ~1 s of CPU, in a child and a grandchild it waits for
        subprocess.run([sys.executable, "-c", f"import subprocess, sys\n"
                        f"subprocess.run([sys.executable, '-c', {BURN!r}])\n{BURN}"],
                       check=True)
    assert watch.load.ours >= 2.0, watch.load  # each burned 1 s: both are the benchmark's


def test_an_orphaned_grandchilds_work_is_counted_too() -> None:
    # The child starts a grandchild and leaves at once without waiting for it: init would
    # reap the grandchild and its second of CPU would look like another program's.
    orphan = (f"import os, sys\nprint(os.getpid(), flush=True)\n{BURN}\n")
    with LoadWatch() as watch:
        done = subprocess.run([sys.executable, "-c", "import subprocess, sys\n"
                               f"subprocess.Popen([sys.executable, '-c', {orphan!r}])"],
                              check=True, capture_output=True, text=True)  # EOF: both ended
        grandchild = psutil.Process(int(done.stdout))
        while grandchild.status() != psutil.STATUS_ZOMBIE:  # exiting: closed its output first
            time.sleep(0.01)
        assert grandchild.ppid() == os.getpid()  # it came to the watch's process
    assert not psutil.pid_exists(grandchild.pid)  # reaped by the watch
    assert not is_subreaper()  # as before: later orphans are not this process's business
    assert watch.load.ours >= 1.0, watch.load


def test_a_busy_row_is_neither_passed_nor_failed() -> None:
    quiet, busy = Load(0.1, 1.0), Load(3.0, BUSY_OTHERS + 1)
    rows = [Row("a", "s", "bare", Median.of([1.0, 1.1, 0.9]), 1.0, "<= 1.03", load=quiet),
            Row("b", "s", "bare", 1.0, 1.0, "<= 1.03", load=busy)]
    assert [row.ok for row in rows] == [True, False]
    table = render(rows)
    assert "| yes " in table and "| BUSY " in table
    assert "1 s (0.9–1.1)" in table  # the median with min–max
