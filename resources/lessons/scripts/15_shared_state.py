"""Lesson 15: sharing state -- a Manager, and shared_memory.SharedMemory.

Run it:  python 15_shared_state.py

- A Manager runs a server process that holds ordinary Python objects (dict,
  list, ...); other processes get *proxies* and every operation on a proxy is
  a message to that server. Easy and flexible, but each access is slow.
- multiprocessing.shared_memory.SharedMemory is a block of raw bytes that
  several processes map into their memory: no copying, no messages, but
  just bytes -- you decide what they mean, and you synchronise yourself.
  The process that creates a block must unlink() it when done.
The lesson counts how many updates per second each way manages, and how long
sending 20 MB takes through a Queue against SharedMemory.
"""

import json
import multiprocessing as mp
import os
import statistics
import time
from multiprocessing import shared_memory

UPDATES = 2_000
SIZE = 20_000_000  # bytes


def update_proxy(shared, key, n):
    for i in range(n):
        shared[key] = i  # one message to the Manager's server process each time


def update_block(name, slot, n):
    block = shared_memory.SharedMemory(name=name)  # attach to the existing block
    for i in range(n):
        block.buf[slot] = i % 256  # a plain write to memory
    block.close()


def fill_block(name, size):
    block = shared_memory.SharedMemory(name=name)
    block.buf[:size] = b"\x07" * size
    block.close()


def send_bytes(q, size):
    q.put(b"\x07" * size)


def main():
    rows = []
    with mp.Manager() as manager:
        shared = manager.dict()
        workers = [mp.Process(target=update_proxy, args=(shared, k, UPDATES)) for k in range(2)]
        start = time.perf_counter()
        for p in workers:
            p.start()
        for p in workers:
            p.join()
        seconds = time.perf_counter() - start
        rows.append(["manager.dict()", 2 * UPDATES, seconds, 2 * UPDATES / seconds])
        kept = ", ".join(f"{key}: {value}" for key, value in sorted(shared.items()))
    block = shared_memory.SharedMemory(create=True, size=SIZE)
    try:
        workers = [mp.Process(target=update_block, args=(block.name, k, UPDATES))
                   for k in range(2)]
        start = time.perf_counter()
        for p in workers:
            p.start()
        for p in workers:
            p.join()
        seconds = time.perf_counter() - start
        rows.append(["SharedMemory", 2 * UPDATES, seconds, 2 * UPDATES / seconds])
        table("Two processes, 2,000 updates each (the time includes starting them)",
              ["shared through", "updates", "seconds", "updates per second"], rows)
        say("The Manager's dict ended as {{{kept}}} (each process's last value): every update was "
            "a message to the server process.", kept=kept)

        def via_block():
            child = mp.Process(target=fill_block, args=(block.name, SIZE))
            child.start()
            child.join()

        q = mp.Queue()

        def via_queue():
            child = mp.Process(target=send_bytes, args=(q, SIZE))
            child.start()
            data = q.get(timeout=60)
            child.join()
            assert len(data) == SIZE

        times = measure({"Queue.put(bytes)": via_queue, "SharedMemory": via_block})
        whole = bytes(block.buf[:3]) == b"\x07\x07\x07"
    finally:
        block.close()
        block.unlink()  # the creator frees the block; otherwise it outlives the program
    table("20 MB from a child to its parent (median of 3 rounds)",
          ["way", "median (s)", "spread (s)"],
          [[way, median(t), spread(t)] for way, t in times.items()])
    say("Measured here: the child's 20 MB took {queue:.3f} s through a Queue (pickled, "
        "copied through a pipe) and {block:.3f} s written straight into shared memory "
        "(the parent then reads it in place: {whole}).",
        queue=median(times["Queue.put(bytes)"]), block=median(times["SharedMemory"]),
        whole=whole)
    finish("shared_state")


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
