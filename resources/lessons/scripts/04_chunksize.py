"""Lesson 4: chunksize -- how many items a pool sends in one message.

Run it:  python 04_chunksize.py

Each message to a pool process, and each one back, costs the same whatever
it holds (pickling, a pipe write, waking a process up). With tiny tasks that
cost is larger than the work itself, so sending items in chunks is faster.
Only map, starmap and map_async choose a chunksize for you (about
items / (4 x processes)); imap, imap_unordered, apply_async and
concurrent.futures' ProcessPoolExecutor.map send one item at a time (1)
unless you pass chunksize.
"""

import json
import math
import multiprocessing as mp
import os
import statistics
import time

ITEMS = 5_000
SIZES = [1, 10, 100, 1000]


def square(x):  # a tiny task: far cheaper than the message that carries it
    return x * x


def nap(seconds):  # an uneven task: it waits for as long as it is told
    time.sleep(seconds)
    return seconds


def main():
    processes = min(cpu_count(), 4)
    busy = cpu_busy()
    with mp.Pool(processes) as pool:
        pool.map(square, range(processes), chunksize=1)  # start the processes first
        cases = {size: (lambda size=size: list(pool.imap(square, range(ITEMS), size)))
                 for size in SIZES}
        cases["map"] = lambda: pool.map(square, range(ITEMS))  # map picks its own
        times = measure(cases)
        auto = math.ceil(ITEMS / (4 * processes))
        rows = [[phrase("imap, chunksize={size}", size=size) if size != "map"
                 else phrase("map (it chose chunksize={size})", size=auto),
                 math.ceil(ITEMS / (auto if size == "map" else size)),
                 median(t), spread(t)] for size, t in times.items()]
        table("5,000 tiny tasks (median of 3 rounds)",
              ["how", "messages out", "median (s)", "spread (s)"], rows)
        ratio = median(times[1]) / median(times[1000])
        say("Chunks of 1000 were {ratio:.0f}x as fast as one item per message: the work "
            "is the same, only the number of messages changed.", ratio=ratio)
        if ratio < 2:
            note_busy(busy)

        # Uneven tasks: the first 7 are slow. In chunks of 7 they all go to ONE process.
        uneven = [0.05] * 7 + [0.005] * 13
        cases = {size: (lambda size=size: pool.map(nap, uneven, chunksize=size))
                 for size in (1, 7)}
        times = measure(cases)
        rows = [[phrase("map, chunksize={size}", size=size), math.ceil(len(uneven) / size),
                 median(t), spread(t)] for size, t in times.items()]
        table("20 uneven tasks (7 slow ones first; median of 3 rounds)",
              ["how", "messages out", "median (s)", "spread (s)"], rows)
        say("With uneven tasks, chunks of 7 took {big:.2f} s against {small:.2f} s for "
            "chunks of 1: one process got all the slow items while the other sat idle.",
            big=median(times[7]), small=median(times[1]))
    finish("chunksize")


def note_busy(busy):
    """Say so when the result does not show the lesson's point, and why it may be."""
    if busy is not None and busy > 50:
        say("This result does NOT show the lesson's point clearly: the CPUs were already "
            "{busy:.0f}% busy with other programs. Close them and run it again.", busy=busy)
    else:
        say("This result does NOT show the lesson's point clearly, although the CPUs "
            "looked idle: run it again and compare the spread column.")


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
