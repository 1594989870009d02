"""1. Overhead: a CPU-bound pool workload through mpscope headless against a bare Pool."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import time

from mpscope.bench.table import Row, alternate
from mpscope.core.config import loads
from mpscope.core.engine.run import Run
from mpscope.core.tasks.builtin import count_primes

ITEMS = 2000
FIRST = 10_000  # count_primes(10_000 + i): a few ms each, so the pool does real work


def _config(start_method: str) -> str:
    return f"""
start_method = "{start_method}"
[pool]
task = "count_primes"
items = {[FIRST + i for i in range(ITEMS)]}
processes = 2
method = "map"
"""


def bare(start_method: str) -> float:
    started = time.perf_counter()
    with multiprocessing.get_context(start_method).Pool(2) as pool:
        pool.map(count_primes, [FIRST + i for i in range(ITEMS)])
    return time.perf_counter() - started


def with_mpscope(start_method: str) -> float:
    run = Run(loads(_config(start_method)))
    started = time.perf_counter()
    run.start()
    while True:  # the loop of `mpscope run` (core/console/headless.py)
        run.poll(0.05)
        if not run.busy:
            break  # not one more wait: with nothing left to wait on it would sleep 0.1 s
        multiprocessing.connection.wait(run.wait_handles(), timeout=0.1)
    elapsed = time.perf_counter() - started
    assert run.exit_code() == 0, "the benchmark workload failed"
    return elapsed


def measure(repeat: int, start_method: str = "spawn") -> list[Row]:
    base, ours = alternate(repeat, lambda: bare(start_method),
                           lambda: with_mpscope(start_method))
    return [Row("1. pool overhead (count_primes x2000, 2 procs)", "s", "bare Pool.map",
                base, ours, "<= 1.03",
                note="wall time, headless")]
