"""`python -m mpscope.bench`: run the benchmarks and print the table (not part of the tests)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import time

from mpscope.bench import (
    components,
    dask_pool,
    finegrained,
    follow,
    idle,
    ingest,
    latency,
    memory,
    overhead,
    scale,
    startup,
    watch,
)
from mpscope.bench.machine import BUSY_OTHERS, LoadWatch
from mpscope.bench.table import render

SUITES = {
    "overhead": overhead.measure,
    "ingest": ingest.measure,
    "idle": idle.measure,
    "latency": latency.measure,
    "scale": scale.measure,
    "startup": startup.measure,
    "watch": watch.measure,
    "dask": dask_pool.measure,  # imports Dask only when it runs
    "follow": follow.measure,
    "components": components.measure,
    "finegrained": finegrained.measure,
    "memory": memory.measure,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mpscope.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (median; default 5)")
    parser.add_argument("--only", nargs="*", choices=sorted(SUITES), help="run only these")
    parser.add_argument("--idle-seconds", type=float, default=60.0,
                        help="how long each idle measurement lasts (default 60)")
    options = parser.parse_args(argv)
    rows = []
    for name in options.only or SUITES:
        started = time.monotonic()
        print(f"running {name} …", file=sys.stderr, flush=True)
        with LoadWatch() as watch:
            if name == "idle":
                suite_rows = idle.measure(options.repeat, options.idle_seconds)
            else:
                suite_rows = SUITES[name](options.repeat)
        rows += [dataclasses.replace(row, load=watch.load) for row in suite_rows]
        print(f"  {name} took {time.monotonic() - started:.0f}s ({watch.load})",
              file=sys.stderr, flush=True)
    python = platform.python_version()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {python}")
    print(f"medians of {options.repeat} runs, min–max in brackets; machine: the 1-minute load "
          f"average before each suite, and the CPU other programs used during it (a suite "
          f"beside more than {BUSY_OTHERS:g} % of a core of other work is BUSY, not a "
          f"result)\n")
    print(render(rows))
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
