"""Lesson 12: pool sizing for I/O-bound work.

Run it:  python 12_pool_sizing.py

A task that mostly WAITS (for a disk, a network, a database: here a 10 ms
sleep) leaves its core idle while it waits, so a pool can usefully have more
processes than cores. A CPU-bound task keeps its core busy: more processes
than cores only take turns. This lesson measures the throughput (tasks per
second) of pools of 1x, 2x, 4x and 8x the CPUs for both kinds of task, and
for the waiting task also with threads (multiprocessing.pool.ThreadPool).

"About twice the cores for I/O" is only a rule of thumb: the best size
depends on how long a task waits compared with how long it computes. For
I/O-bound work, threads or asyncio are usually the better tool: waiting
does not need the GIL, and a thread costs far less than a process.
"""

import json
import multiprocessing as mp
import os
import statistics
import time
from multiprocessing.pool import ThreadPool

WAIT = 0.01  # seconds one I/O-bound task waits


def wait_task(_):
    time.sleep(WAIT)  # stands for a disk read or a web request


def cpu_task(_):
    total = 0
    for i in range(50_000):  # a few milliseconds of arithmetic
        total += i * i
    return total


def main():
    cores = cpu_count()
    factors = [1, 2, 4, 8]
    tasks = range(16 * cores)
    busy = cpu_busy()
    pools = {}
    try:
        # Several pools live at once, each with threads of its own in this process: their
        # processes start from a clean server (forkserver) or afresh (spawn), never by
        # forking a process that runs threads (unsafe; Python 3.12+ warns).
        methods = mp.get_all_start_methods()
        context = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        for f in factors:
            pools[("process", f)] = context.Pool(f * cores)
            pools[("thread", f)] = ThreadPool(f * cores)
        for (_kind, f), pool in pools.items():
            pool.map(wait_task, range(f * cores), chunksize=1)  # every worker started
        cases = {}
        for f in factors:
            cases[("io", f)] = lambda f=f: pools[("process", f)].map(wait_task, tasks, 1)
            cases[("io threads", f)] = lambda f=f: pools[("thread", f)].map(wait_task, tasks, 1)
            cases[("cpu", f)] = lambda f=f: pools[("process", f)].map(cpu_task, tasks, 1)
        times = measure(cases)
    finally:
        for pool in pools.values():
            pool.terminate()
            pool.join()

    rate = {key: len(tasks) / median(t) for key, t in times.items()}
    rows = [[f * cores, phrase("{factor}x the CPUs", factor=f), rate[("io", f)],
             rate[("io threads", f)], rate[("cpu", f)]] for f in factors]
    table("Tasks per second by pool size (median of 3 rounds)",
          ["processes or threads", "pool size", "waiting task, processes",
           "waiting task, threads", "CPU-bound task, processes"], rows)

    io_gain = rate[("io", 8)] / rate[("io", 1)]
    cpu_gain = rate[("cpu", 8)] / rate[("cpu", 1)]
    say("The waiting task ran {io:.1f}x as fast with 8x the CPUs as with 1x; the CPU-bound "
        "task {cpu:.1f}x.", io=io_gain, cpu=cpu_gain)
    if io_gain > 2 and cpu_gain < 1.5:
        say("As expected: a pool bigger than the core count helped only while its tasks "
            "wait.")
    elif busy is not None and busy > 50:
        say("This result does NOT show the lesson's point clearly: the CPUs were already "
            "{busy:.0f}% busy with other programs. Close them and run it again.", busy=busy)
    else:
        say("This result does NOT show the lesson's point clearly, although the CPUs looked "
            "idle: run it again.")
    if rate[("io threads", 8)] >= 0.8 * rate[("io", 8)]:
        say("Threads did as well as processes for the waiting task ({threads:,.0f} against "
            "{processes:,.0f} tasks per second), at a fraction of the cost.",
            threads=rate[("io threads", 8)], processes=rate[("io", 8)])
    say("This task only waits, so it keeps gaining from more workers; a real task also "
        "computes, and the gain stops sooner. The best size depends on how long a task waits "
        "compared with how long it computes: measure it, as here.")
    finish("pool_sizing")


# -- measuring -----------------------------------------------------------------------
def cpu_count():
    """The CPUs this program may use (Python 3.13+ also counts CPU affinity, as Pool() does)."""
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count
    return counter() or 1


def measure(cases, rounds=3):
    """Time each case `rounds` times, alternating (A B C, A B C, ...): {name: [seconds, ...]}.

    Alternating spreads a moment of background load over all cases instead of
    spoiling one of them; the median then ignores the odd slow round.
    """
    times = {name: [] for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def median(values):
    return statistics.median(values)


def spread(values):
    """How far apart the rounds were (max - min): large means the timing is not reliable."""
    return max(values) - min(values)


def cpu_busy():
    """How busy the CPUs already are, in percent (None when this system cannot tell)."""
    try:
        import psutil  # optional (pip install psutil): a precise reading
    except ImportError:
        if hasattr(os, "getloadavg"):  # Linux and macOS: the 1-minute load average
            return min(100.0, 100.0 * os.getloadavg()[0] / cpu_count())
        return None
    return psutil.cpu_percent(interval=0.3)


# -- printing the results ------------------------------------------------------------
# Each table and finding is printed for you to read, and kept: the last line
# repeats them all as JSON ("LESSON-RESULT {...}") for programs that read them.
RESULT = {"tables": [], "findings": []}


def table(title, columns, rows):
    """Print a table, and keep it for the result line."""
    RESULT["tables"].append({"title": title, "columns": columns, "rows": rows})
    cells = [columns] + [[show(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(line.rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))
    print()


def say(text, **values):
    """Print one finding, and keep it for the result line."""
    RESULT["findings"].append(phrase(text, **values))
    print(show(RESULT["findings"][-1]))


def phrase(text, **values):
    """Words for a table cell or a finding: the text with {names} filled in from values."""
    return {"text": text, "values": values}


def show(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, dict):
        return value["text"].format(**value["values"])
    return str(value)


def finish(lesson):
    print("LESSON-RESULT " + json.dumps({"lesson": lesson, **RESULT}), flush=True)


if __name__ == "__main__":  # needed: under spawn, every child imports this file again
    main()
