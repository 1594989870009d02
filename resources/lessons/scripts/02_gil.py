"""Lesson 2: threads against processes for CPU-bound work (the GIL).

Run it:  python 02_gil.py

The same amount of pure-Python arithmetic is done three ways: in one thread,
split over N threads, and split over N processes (N = the CPUs this program
may use). Each way is timed three times, alternating, and the median is kept.

In the usual ("default") build of CPython, one process runs Python code in
one thread at a time: the Global Interpreter Lock (GIL). Threads then do not
speed up CPU-bound Python code; processes do, each with its own interpreter
and GIL. The free-threaded builds (3.13t, 3.14t) can run without the GIL:
there, threads can use several cores too.
"""

import json
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time

WORK = 4_000_000  # loop iterations in all: about half a second in one thread


def burn(n):
    """Pure-Python arithmetic: CPU-bound, no waiting."""
    total = 0
    for i in range(n):
        total += i * i
    return total


def one_thread(parts):
    for n in parts:
        burn(n)


def threads(parts):
    workers = [threading.Thread(target=burn, args=(n,)) for n in parts]
    for t in workers:
        t.start()
    for t in workers:
        t.join()


def gil_enabled():
    """True in the default build; the free-threaded build may run without the GIL."""
    check = getattr(sys, "_is_gil_enabled", None)  # exists from Python 3.13
    return True if check is None else check()


def main():
    n = cpu_count()
    parts = [WORK // n] * n
    busy = cpu_busy()
    with mp.Pool(n) as pool:
        pool.map(burn, [1] * n)  # start the pool's processes before timing
        times = measure({
            "one thread": lambda: one_thread(parts),
            "threads": lambda: threads(parts),
            "processes": lambda: pool.map(burn, parts, chunksize=1),
        })
    base = median(times["one thread"])
    names = {"one thread": phrase("1 thread"), "threads": phrase("{n} threads", n=n),
             "processes": phrase("{n} processes", n=n)}
    rows = [[names[name], median(t), spread(t), base / median(t)] for name, t in times.items()]
    table("The same CPU-bound work, three ways (median of 3 rounds)",
          ["way", "median (s)", "spread (s)", "speedup"], rows)

    gil = gil_enabled()
    thread_speedup = base / median(times["threads"])
    process_speedup = base / median(times["processes"])
    if gil:
        say("This Python runs with the GIL ({version}): one thread at a time runs Python "
            "code in a process.", version=sys.version.split()[0])
    else:
        say("This Python runs WITHOUT the GIL ({version}, a free-threaded build): threads "
            "can run Python code on several cores at once here.", version=sys.version.split()[0])
    say("Threads: {threads:.2f}x as fast as one thread; processes: {processes:.2f}x "
        "({n} CPUs).", threads=thread_speedup, processes=process_speedup, n=n)
    if n < 2:
        say("This machine gives the program only one CPU: nothing can run in parallel, "
            "so neither threads nor processes can be faster.")
    elif process_speedup < 1.3 or (gil and thread_speedup > 1.3):
        # The result contradicts the lesson: say so, and why it may have happened.
        if busy is not None and busy > 50:
            say("This result does NOT show the lesson's point: the CPUs were already "
                "{busy:.0f}% busy with other programs, so the processes had no free cores. "
                "Close other programs and run it again.", busy=busy)
        else:
            say("This result does NOT show the lesson's point, although the CPUs looked "
                "idle ({busy}% busy): run it again and compare the spread column.",
                busy="?" if busy is None else round(busy))
    elif gil:
        say("As expected: threads did not speed up CPU-bound Python code, processes did.")
    finish("gil")


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
