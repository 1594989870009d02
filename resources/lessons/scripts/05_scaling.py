"""Lesson 5: how many processes? Speedup, efficiency and Amdahl's law.

Run it:  python 05_scaling.py

A fixed amount of CPU-bound work (16 equal tasks) runs on pools of 1, 2, ...
up to twice the CPUs this program may use. Each size is timed three times,
alternating, and the median is kept.

  speedup(n)    = time with 1 process / time with n processes
  efficiency(n) = speedup(n) / n

CPU-bound work stops speeding up at the number of cores. Pool() with no
argument starts os.process_cpu_count() processes on Python 3.13+ (the CPUs
this program may use), os.cpu_count() before.

Amdahl's law: if a share s of the work can only run serially, the speedup on
n cores is at most 1 / (s + (1 - s) / n). Fitting s needs several points
below the core count; with 1 or 2 cores there are too few to say anything.
"""

import json
import multiprocessing as mp
import os
import statistics
import time

TASKS = 16
WORK = 4_000_000  # loop iterations in all


def burn(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def amdahl(s, n):
    return 1 / (s + (1 - s) / n)


def fit_serial_share(points):
    """The serial share s whose Amdahl curve is closest to the measured (n, speedup) points."""
    candidates = [i / 1000 for i in range(1001)]
    return min(candidates, key=lambda s: sum((amdahl(s, n) - v) ** 2 for n, v in points))


def main():
    cores = cpu_count()
    sizes = list(range(1, 2 * cores + 1))
    tasks = [WORK // TASKS] * TASKS
    busy = cpu_busy()
    # Several pools live at once, each with threads of its own in this process: their
    # processes start from a clean server (forkserver) or afresh (spawn), never by forking
    # a process that runs threads (unsafe; Python 3.12+ warns).
    methods = mp.get_all_start_methods()
    context = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    pools = {n: context.Pool(n) for n in sizes}
    try:
        for n, pool in pools.items():
            pool.map(burn, [1] * n, chunksize=1)  # start every process before timing
        times = measure({n: (lambda pool=pool: pool.map(burn, tasks, chunksize=1))
                         for n, pool in pools.items()})
    finally:
        for pool in pools.values():
            pool.terminate()
            pool.join()

    base = median(times[1])
    speedup = {n: base / median(t) for n, t in times.items()}
    rows = [[n, median(times[n]), spread(times[n]), speedup[n], speedup[n] / n]
            for n in sizes]
    table("16 CPU-bound tasks on pools of 1 to 2x the CPUs (median of 3 rounds)",
          ["processes", "median (s)", "spread (s)", "speedup", "efficiency"], rows)

    best = max(sizes, key=lambda n: speedup[n])
    say("The best speedup was {speedup:.2f}x, with {n} processes, on {cores} CPUs.",
        speedup=speedup[best], n=best, cores=cores)
    fit = None
    inside = [(n, speedup[n]) for n in sizes if 1 < n <= cores]
    if len(inside) >= 2:
        s = fit_serial_share(inside)
        worst = max(abs(amdahl(s, n) - v) / v for n, v in inside)
        if worst < 0.15:  # the curve fits the points: the serial share means something
            fit = s
            if s > 0:
                say("Amdahl's law fits these points with a serial share of {share:.0%}: even "
                    "on many cores the speedup would stay below {limit:.1f}x.",
                    share=s, limit=1 / s)
            else:
                say("Amdahl's law fits these points with no serial share at all: the work "
                    "scales fully up to the core count.")
        else:
            say("Amdahl's law does not fit these points (off by up to {off:.0%}): the timings "
                "vary too much to estimate a serial share.", off=worst)
    else:
        say("With {cores} CPUs there are too few points below the core count to fit Amdahl's "
            "law: no serial share is estimated.", cores=cores)
    if cores >= 2 and speedup[min(cores, 2)] < 1.3:
        if busy is not None and busy > 50:
            say("This result does NOT show the lesson's point: the CPUs were already "
                "{busy:.0f}% busy with other programs, so more processes found no free "
                "cores. Close other programs and run it again.", busy=busy)
        else:
            say("This result does NOT show the lesson's point, although the CPUs looked "
                "idle: run it again and compare the spread column.")
    elif cores >= 2:
        say("Beyond {cores} processes the speedup does not grow: there are no more cores to "
            "run them on, only more processes taking turns.", cores=cores)
    RESULT["chart"] = {"kind": "scaling", "cores": cores, "n": sizes,
                       "speedup": [speedup[n] for n in sizes],
                       "amdahl": None if fit is None else [amdahl(fit, n) for n in sizes],
                       "serial_share": fit}
    finish("scaling")


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
