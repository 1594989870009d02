"""Lessons 3 and 4, Pool methods and chunksize: result order, callbacks, per-task overhead."""

from __future__ import annotations

import math
import os
import time
from typing import Any

from mpscope.core.lessons._common import context, table, warm_up
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog

UNIT_SECONDS = 0.04


def uneven_slow(x: int) -> int:
    """Burn 1 to 10 units of 40 ms of CPU (item 0 is one of the slowest) and return x."""
    units = (7 * int(x) + 9) % 10 + 1  # 10, 7, 4, 1, 8, 5, 2, 9, 6, 3, 10, 7, ...
    # Spin on this thread's CPU clock, not the wall clock, so more processes than
    # cores really take longer, as real work would.
    end = time.thread_time() + units * UNIT_SECONDS
    while time.thread_time() < end:
        pass
    return x


def fails_on_3(x: int) -> int:
    """Return x * x, but raise ValueError for multiples of 3 (to show error handling)."""
    if x % 3 == 0:
        raise ValueError(f"item {x} is a multiple of 3 (raised in pid {os.getpid()})")
    return x * x


def square(x: int) -> int:
    """Almost no work: the cost of sending each task is all there is to see."""
    return x * x


def pool_methods_demo(
    items: int = 12, processes: int = 2, reporter: Reporter | None = None
) -> dict[str, Any]:
    """Run the same items with map, imap, imap_unordered and apply_async; note when results come."""
    reporter = reporter or NULL_REPORTER
    rows: list[list[Any]] = []
    with context().Pool(processes, initializer=start_orphan_watchdog) as pool:
        warm_up(pool, processes)  # start every process first

        def record(method: str, arrivals: list[tuple[float, int]], start: float) -> None:
            order = " ".join(str(x) for _, x in arrivals)
            rows.append([method, round(arrivals[0][0] - start, 2),
                         round(arrivals[-1][0] - start, 2), order])
            reporter.log(f"{method}: results arrived in the order {order}")
            reporter.report(len(rows), 5, method)

        # map: blocks until every result is ready, then returns them in input order.
        start = time.perf_counter()
        results = pool.map(uneven_slow, range(items), chunksize=1)
        record("map", [(time.perf_counter(), x) for x in results], start)

        # imap: a lazy iterator in input order; a slow item 0 holds back all the others.
        start = time.perf_counter()
        record("imap", [(time.perf_counter(), x) for x in
                        pool.imap(uneven_slow, range(items))], start)

        # imap_unordered: each result as soon as it is done, in completion order.
        start = time.perf_counter()
        record("imap_unordered", [(time.perf_counter(), x) for x in
                                  pool.imap_unordered(uneven_slow, range(items))], start)

        # apply_async: one call per item; the callback runs in the parent when each finishes.
        arrivals: list[tuple[float, int]] = []
        start = time.perf_counter()
        pending = [pool.apply_async(uneven_slow, (x,),
                                    callback=lambda x: arrivals.append((time.perf_counter(), x)))
                   for x in range(items)]
        for result in pending:
            result.wait()
        record("apply_async + callback", arrivals, start)

        # error_callback: a failing call does not stop the others; each error arrives on its own.
        errors: list[str] = []
        good: list[int] = []
        start = time.perf_counter()
        pending = [pool.apply_async(fails_on_3, (x,), callback=good.append,
                                    error_callback=lambda e: errors.append(repr(e)))
                   for x in range(items)]
        for result in pending:
            result.wait()
        rows.append(["apply_async + error_callback", "", round(time.perf_counter() - start, 2),
                     f"{len(good)} succeeded, {len(errors)} failed, e.g. {errors[0]}"])
        reporter.report(5, 5, "done")
    return table(
        "When do results arrive?",
        ["method", "first result (s)", "all done (s)", "order the results arrived in"],
        rows,
        "map waits for all; imap keeps input order (item 0 is slow, so it holds the rest back); "
        "imap_unordered and callbacks deliver in finishing order",
    )


def chunksize_timing(
    items: int = 100_000, processes: int = 2, chunksizes: tuple[int, ...] = (1, 10, 100, 1000),
    reporter: Reporter | None = None,
) -> dict[str, Any]:
    """Time pool.map over many tiny items with each chunksize, and with the default."""
    reporter = reporter or NULL_REPORTER
    default = math.ceil(items / (4 * processes))  # what Pool.map picks when chunksize is None
    sizes: list[int | None] = [int(c) for c in chunksizes]
    rows: list[list[Any]] = []
    with context().Pool(processes, initializer=start_orphan_watchdog) as pool:
        warm_up(pool, processes)  # start every process first
        for n, chunksize in enumerate([*sizes, None], 1):
            start = time.perf_counter()
            pool.map(square, range(items), chunksize=chunksize)
            seconds = time.perf_counter() - start
            size = chunksize or default
            label = f"{size} (the default)" if chunksize is None else str(size)
            rows.append([label, math.ceil(items / size), float(f"{seconds:.3g}"),
                         round(items / seconds)])
            reporter.log(f"chunksize {label}: {seconds:.3f} s")
            reporter.report(n, len(sizes) + 1, f"chunksize {label}")
    slowest, fastest = max(r[2] for r in rows), min(r[2] for r in rows)
    return table(
        f"pool.map over {items:,} tiny items with {processes} processes",
        ["chunksize", "messages sent", "seconds", "items/s"],
        rows,
        f"the same work took {slowest} s in the worst case and {fastest} s in the best: "
        "with tiny items, sending each one costs more than doing it",
        default_chunksize=default,
    )
