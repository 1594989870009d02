"""Lesson 7, shared memory: lost updates on a Value without a lock, exact counts with one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mpscope.core.lessons._common import context, end_all, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog


def add_without_lock(counter: Any, slot: int, increments: int, barrier: Any) -> None:
    """counter.value += 1, many times: read, add, write, and another process can get between."""
    start_orphan_watchdog()
    barrier.wait(30)  # everyone starts together, so the processes really overlap
    for _ in range(increments):
        counter.value += 1


def add_with_lock(counter: Any, slot: int, increments: int, barrier: Any) -> None:
    """The same, but read-add-write happens while holding the Value's lock."""
    start_orphan_watchdog()
    barrier.wait(30)
    for _ in range(increments):
        with counter.get_lock():
            counter.value += 1


def add_to_own_slot(counter: Any, slot: int, increments: int, barrier: Any) -> None:
    """No sharing at all: each process counts in its own element of an array."""
    start_orphan_watchdog()
    barrier.wait(30)
    for _ in range(increments):
        counter[slot] += 1


def lost_updates(
    processes: int = 4, increments: int = 500_000, reporter: Reporter | None = None
) -> dict[str, Any]:
    """N processes each add 1 M times to a shared counter, with and without a lock."""
    reporter = reporter or NULL_REPORTER
    ctx = context()
    expected = processes * increments
    cases: list[tuple[str, Any, Callable[..., None]]] = [
        ("RawValue, no lock", ctx.RawValue("i", 0), add_without_lock),
        # Value('i') has a lock, but `.value += 1` takes it for the read and for the
        # write separately, never around both: updates are still lost.
        ("Value, += without get_lock()", ctx.Value("i", 0), add_without_lock),
        ("Value, += inside get_lock()", ctx.Value("i", 0), add_with_lock),
        ("RawArray, one slot per process", ctx.RawArray("i", processes), add_to_own_slot),
    ]
    rows: list[list[Any]] = []
    for n, (name, counter, add) in enumerate(cases, 1):
        reporter.report(n - 1, len(cases), name)
        barrier = ctx.Barrier(processes)
        procs = [ctx.Process(target=add, args=(counter, slot, increments, barrier))
                 for slot in range(processes)]
        try:
            start = time.perf_counter()
            for proc in procs:
                proc.start()
            for proc in procs:
                proc.join()
            seconds = time.perf_counter() - start
        finally:
            end_all(procs)
        got = sum(counter) if name.startswith("RawArray") else counter.value
        rows.append([name, expected, got, expected - got, round(seconds, 2)])
        reporter.log(f"{name}: expected {expected:,}, got {got:,}, lost {expected - got:,}")
    reporter.report(len(cases), len(cases), "done")
    return table(
        f"{processes} processes × {increments:,} increments of one shared counter",
        ["how", "expected", "got", "lost", "seconds"],
        rows,
        f"without a lock around the whole read-add-write, {rows[0][3]:,} and {rows[1][3]:,} "
        "updates were lost; with the lock, or with a slot per process, none",
        expected=expected,
    )
