"""Lesson 2, the GIL: the same CPU-bound work on threads and on processes."""

from __future__ import annotations

import contextlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psutil

from mpscope.core.lessons._common import caution, context, cpu_busy_before, median, table, warm_up
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog


def burn(iterations: int) -> int:
    """Pure-Python CPU work: the thread running it holds the GIL the whole time."""
    total = 0
    for i in range(iterations):
        total += i * i % 7
    return total


def cpu_seconds(of_children: bool = False) -> float:
    """CPU time used so far by this process (all its threads), or by its child processes."""
    if not of_children:
        return time.process_time()
    total = 0.0
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.Error):
            times = child.cpu_times()
            total += times.user + times.system
    return total


def threads_vs_processes(
    workers: int = 0, work: int = 40_000_000, rounds: int = 1, reporter: Reporter | None = None
) -> dict[str, Any]:
    """Time `work` loop iterations serially, on `workers` threads and on `workers` processes."""
    reporter = reporter or NULL_REPORTER
    workers = workers or os.cpu_count() or 2
    rounds = max(1, int(rounds))
    # Two pieces per worker, so every worker has something to do in both pools;
    # with several rounds each round does a share and the median is kept.
    pieces = [work // (2 * workers * rounds)] * (2 * workers)
    seconds: dict[str, list[float]] = {}
    cores: dict[str, list[float]] = {}  # CPU seconds per wall second: how many cores were busy
    busy = cpu_busy_before()  # other programs' work would skew every timing
    burn(pieces[0] // 10)  # warm-up, so the first measurement is not the slowest
    with ThreadPoolExecutor(workers) as threads, \
            context().Pool(workers, initializer=start_orphan_watchdog) as pool:
        warm_up(pool, workers)  # start-up is not what we measure
        phases = [  # (name, what to run, does it run in child processes?)
            ("serial (1 thread)", lambda: [burn(piece) for piece in pieces], False),
            (f"{workers} threads", lambda: list(threads.map(burn, pieces)), False),
            (f"{workers} processes", lambda: pool.map(burn, pieces, chunksize=1), True),
        ]
        for r in range(rounds):
            for i, (name, run, in_children) in enumerate(phases):
                reporter.report(3 * r + i, 3 * rounds, name)
                cpu, start = cpu_seconds(in_children), time.perf_counter()
                run()
                wall = time.perf_counter() - start
                seconds.setdefault(name, []).append(wall)
                cores.setdefault(name, []).append((cpu_seconds(in_children) - cpu) / wall)
    reporter.report(3 * rounds, 3 * rounds, "done")

    serial = median(seconds[phases[0][0]])
    rows = [[name, round(median(t), 3), round(serial / median(t), 2), round(median(cores[name]), 2)]
            for name, t in seconds.items()]
    for row in rows:
        reporter.log(f"{row[0]}: {row[1]} s, speedup {row[2]}x, {row[3]} cores busy")
    return table(
        "CPU-bound work: threads against processes",
        ["how", "seconds", "speedup", "cores busy"],
        rows,
        f"threads: {rows[1][2]}x using {rows[1][3]} cores, processes: {rows[2][2]}x using "
        f"{rows[2][3]} cores (of {os.cpu_count()}): threads take turns holding the GIL, "
        "processes each have their own" + caution(busy),
        workers=workers, busy_before=busy, cpu_count=os.cpu_count(), thread_speedup=rows[1][2],
        process_speedup=rows[2][2], thread_cores=rows[1][3], process_cores=rows[2][3],
    )
