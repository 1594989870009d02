"""Lesson 14: Lock, Semaphore and Barrier -- how processes take turns and meet.

Run it:  python 14_locks_semaphores.py

Six processes each spend 0.2 s in a "room" (a part of the code that uses
something shared: a file, a device, a connection):
- with a Lock, one process at a time may be inside;
- with a Semaphore(2), at most two at a time (e.g. two licences, two GPUs);
- with no limit, all six at once.
We count how many were inside together, and how long all six took.

A Barrier(3) makes three processes wait for each other: each arrives at a
different time, and none goes on until all three have arrived.
"""

import json
import multiprocessing as mp
import time

PROCESSES = 6
STAY = 0.2


def visit(guard, inside, most):
    with guard:  # Lock or Semaphore: wait here until there is room
        with inside.get_lock():
            inside.value += 1
            most.value = max(most.value, inside.value)
        time.sleep(STAY)  # the work done in the room
        with inside.get_lock():
            inside.value -= 1


class NoLimit:
    """Stands in for a lock that lets everyone in."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def run(guard):
    inside, most = mp.Value("i", 0), mp.Value("i", 0)
    visitors = [mp.Process(target=visit, args=(guard, inside, most)) for _ in range(PROCESSES)]
    start = time.perf_counter()
    for p in visitors:
        p.start()
    for p in visitors:
        p.join()
    return most.value, time.perf_counter() - start


def meet(barrier, delay, passed):
    time.sleep(delay)  # each arrives at its own time
    arrived = time.time()
    barrier.wait()  # nobody passes until all three have arrived
    passed.put((delay, arrived, time.time()))


def main():
    rows = []
    for name, guard in (("Lock()", mp.Lock()), ("Semaphore(2)", mp.Semaphore(2)),
                        (phrase("no limit"), NoLimit())):
        most, seconds = run(guard)
        rows.append([name, most, seconds])
    table("6 processes, each 0.2 s in the room",
          ["guard", "most inside at once", "all six took (s)"], rows)
    say("A Lock let {lock} process in at a time and the six took {lock_s:.1f} s; a "
        "Semaphore(2) let {sem} in at a time ({sem_s:.1f} s); with no limit {free} were inside "
        "together.", lock=rows[0][1], lock_s=rows[0][2], sem=rows[1][1], sem_s=rows[1][2],
        free=rows[2][1])

    barrier, passed = mp.Barrier(3), mp.Queue()
    delays = [0.0, 0.3, 0.6]
    members = [mp.Process(target=meet, args=(barrier, d, passed)) for d in delays]
    for p in members:
        p.start()
    times = sorted(passed.get(timeout=60) for _ in delays)
    for p in members:
        p.join()
    first = min(arrived for _, arrived, _ in times)
    table("Barrier(3): three processes arriving at different times",
          ["arrives after (s)", "waited (s)", "went on after (s)"],
          [[arrived - first, gone - arrived, gone - first] for _, arrived, gone in times])
    say("All three went on within {spread:.3f} s of each other, although they arrived "
        "{apart:.1f} s apart: the first waited longest.",
        spread=max(g for *_, g in times) - min(g for *_, g in times),
        apart=max(a for _, a, _ in times) - first)
    finish("locks_semaphores")


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
