"""Lesson 7: shared memory, lost updates and locks.

Run it:  python 07_shared_counter.py

Four processes each add 1 to a shared counter 20,000 times, three ways:

1. counter.value += 1 with no lock: it is three steps (read, add, write), and
   another process can write between them -- its update is then lost (a race
   condition). mp.Value has a lock, but += does not hold it across the steps.
2. with counter.get_lock(): counter.value += 1 -- exact, but every step waits
   for the lock.
3. Count in a local variable and add the total to the shared counter ONCE,
   under the lock -- exact and fast: share as little as possible.
"""

import json
import multiprocessing as mp
import os
import statistics
import time

PROCESSES = 4
ADDS = 20_000


def add_without_lock(counter, n):
    for _ in range(n):
        counter.value += 1  # read, add, write: not one atomic step


def add_with_lock(counter, n):
    for _ in range(n):
        with counter.get_lock():  # only one process at a time gets past here
            counter.value += 1


def add_locally_then_once(counter, n):
    count = 0
    for _ in range(n):
        count += 1  # private to this process: no other process can interfere
    with counter.get_lock():
        counter.value += count  # one shared write per process


def run(how):
    """Four processes run `how`; returns the final count."""
    counter = mp.Value("i", 0)  # an int in shared memory, with a lock
    workers = [mp.Process(target=how, args=(counter, ADDS)) for _ in range(PROCESSES)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
    return counter.value


def main():
    counts = {}
    ways = {"no lock": add_without_lock, "lock on every add": add_with_lock,
            "count locally, add once": add_locally_then_once}

    def case(name):
        return lambda: counts.setdefault(name, []).append(run(ways[name]))
    times = measure({name: case(name) for name in ways})
    expected = PROCESSES * ADDS
    labels = {"no lock": phrase("counter.value += 1, no lock"),
              "lock on every add": phrase("with get_lock(): on every add"),
              "count locally, add once": phrase("count locally, add once with the lock")}
    rows = [[labels[name], expected, min(counts[name]), expected - min(counts[name]),
             median(times[name])] for name in ways]
    table("4 processes x 20,000 adds to one shared counter (worst of 3 rounds)",
          ["way", "expected", "final count", "lost updates", "median (s)"], rows)
    lost = expected - min(counts["no lock"])
    if lost:
        say("Without a lock, {lost:,} of {expected:,} updates were lost: two processes read "
            "the same value, and one write overwrote the other.", lost=lost, expected=expected)
    else:
        say("This time no update was lost without the lock: the race is real but depends on "
            "timing (with one CPU, or by luck, the processes rarely overlap). Run it again.")
    say("With the lock the count is exact, but it took {locked:.2f} s against {local:.3f} s "
        "for counting locally and writing once.", locked=median(times["lock on every add"]),
        local=median(times["count locally, add once"]))
    finish("shared_memory")


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
