"""Lesson 3: Pool methods -- when do the results arrive?

Run it:  python 03_pool_methods.py

Eight tasks of uneven length (item 0 is slow, the others quick) go to a pool
of two processes with each method. For each we note when the first result
reached the parent, when the last did, and in which order they came.
"""

import json
import multiprocessing as mp
import threading
import time

DURATIONS = [0.4, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05]  # item 0 is slow


def work(i):
    time.sleep(DURATIONS[i])
    return i


def work_pair(i, factor):  # starmap unpacks (i, factor) into two arguments
    time.sleep(DURATIONS[i])
    return i * factor


def timed(pool, method):
    """Run the eight items with one method: (first result after, all after, order)."""
    start = time.perf_counter()
    arrived = []  # (seconds, item) as each result reaches the parent
    items = range(len(DURATIONS))
    if method == "map":
        for result in pool.map(work, items, chunksize=1):  # one list, at the very end
            arrived.append((time.perf_counter() - start, result))
    elif method == "starmap":
        for result in pool.starmap(work_pair, [(i, 1) for i in items], chunksize=1):
            arrived.append((time.perf_counter() - start, result))
    elif method in ("imap", "imap_unordered"):
        for result in getattr(pool, method)(work, items):  # one by one, as they come
            arrived.append((time.perf_counter() - start, result))
    elif method == "apply_async":
        done = threading.Event()

        def on_result(result):  # runs in the pool's result-handler thread
            arrived.append((time.perf_counter() - start, result))
            if len(arrived) == len(DURATIONS):
                done.set()
        for i in items:
            pool.apply_async(work, (i,), callback=on_result)
        done.wait(60)
    elif method == "map_async":
        async_result = pool.map_async(work, items, chunksize=1)
        async_result.wait(60)
        for result in async_result.get():
            arrived.append((time.perf_counter() - start, result))
    first, last = min(t for t, _ in arrived), max(t for t, _ in arrived)
    return first, last, " ".join(str(i) for _, i in arrived)


def main():
    methods = ["map", "imap", "imap_unordered", "apply_async", "map_async", "starmap"]
    with mp.Pool(2) as pool:
        pool.map(work, [1, 2], chunksize=1)  # start both processes before timing
        rows = [[method, *timed(pool, method)] for method in methods]
        table("Eight uneven tasks, two processes: when results reach the parent",
              ["method", "first result after (s)", "last result after (s)", "order received"],
              rows)

        # AsyncResult: ask without waiting, wait with a time limit, then get().
        async_result = pool.map_async(work, range(4))
        ready_at_once = async_result.ready()
        try:
            async_result.get(timeout=0.01)
            timed_out = False
        except mp.TimeoutError:  # not ready within 0.01 s; the tasks go on
            timed_out = True
        values = async_result.get(timeout=60)
        say("map_async returned at once: ready() was {ready}, get(timeout=0.01) raised "
            "TimeoutError: {timed_out}; later ready() was {ready_after}, successful() was "
            "{successful}, get() gave {values}.", ready=ready_at_once, timed_out=timed_out,
            ready_after=async_result.ready(), successful=async_result.successful(),
            values=values)

        # Callbacks run in ONE thread of the parent: a slow callback delays all later ones.
        handler = []
        start = time.perf_counter()

        def slow_callback(result):
            handler.append(threading.current_thread().name)
            time.sleep(0.1)
        for pending in [pool.apply_async(work, (i,), callback=slow_callback)
                        for i in range(1, 7)]:
            pending.wait(60)
        say("The callbacks ran in the parent's thread {thread!r}, not in the main thread; "
            "six 0.05 s tasks with a 0.1 s callback each took {seconds:.2f} s, because "
            "that one thread runs the callbacks one after another.",
            thread=handler[0], seconds=time.perf_counter() - start)
    say("map and starmap deliver all results at once, in input order; imap delivers them in "
        "input order as soon as each is ready, so slow item 0 holds back the rest; "
        "imap_unordered and apply_async deliver each result as soon as it is done.")
    finish("pool_methods")


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
