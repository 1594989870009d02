"""Lesson 16: a pool's life -- `with Pool()`, close/join, maxtasksperchild, ProcessPoolExecutor.

Run it:  python 16_pool_lifecycle.py

- `with Pool() as pool:` calls pool.terminate() when the block ends -- not
  close() and join(). Tasks still running are stopped and their results
  never come: get what you need (map, get()) inside the block.
- pool.close() then pool.join() lets the submitted tasks finish first.
- Pool(maxtasksperchild=N) replaces each process after N tasks: a fresh
  process frees whatever memory the old one had collected (leaky libraries).
- concurrent.futures.ProcessPoolExecutor does the same job with futures; its
  `with` block waits for the submitted tasks (shutdown(wait=True)), and a
  process that dies makes the pool "broken" instead of hanging it.
"""

import json
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed


def slow(x):
    time.sleep(0.5)
    return x


def whoami(_):
    time.sleep(0.01)
    return os.getpid()


def square(x):
    return x * x


def main():
    rows = []
    with mp.Pool(2) as pool:
        pending = pool.apply_async(slow, (1,))
    # The block has ended: terminate() stopped the task mid-sleep.
    rows.append([phrase("{code} (the block ends)", code="with Pool() as pool: ..."),
                 phrase("terminate(): the task was stopped, ready() = {ready}",
                        ready=pending.ready())])

    pool = mp.Pool(2)
    pending = pool.apply_async(slow, (1,))
    pool.close()  # no more tasks
    pool.join()  # wait for those already submitted
    rows.append(["pool.close(); pool.join()",
                 phrase("the task finished: get() = {value}", value=pending.get(timeout=1))])
    table("What happens to a running task when the pool ends",
          ["how the pool ends", "what happened"], rows)

    rows = []
    for limit in (None, 2):
        with mp.Pool(2, maxtasksperchild=limit) as pool:
            pids = pool.map(whoami, range(12), chunksize=1)
        rows.append([str(limit), len(pids), len(set(pids))])
    table("12 tasks on a pool of 2 processes",
          ["maxtasksperchild", "tasks", "different processes used"], rows)
    say("Without a limit, {plain} processes did all 12 tasks; with maxtasksperchild=2 the "
        "pool replaced them and {fresh} different processes took part.",
        plain=rows[0][2], fresh=rows[1][2])

    with ProcessPoolExecutor(max_workers=2) as executor:
        squares = list(executor.map(square, range(10), chunksize=5))
        futures = [executor.submit(slow, i) for i in range(4)]
        order = [future.result() for future in as_completed(futures)]
    say("ProcessPoolExecutor: map gave {squares}; as_completed() yielded four futures as "
        "they finished ({count} results). Its `with` block waited for them all.",
        squares=squares[:5], count=len(order))
    finish("pool_lifecycle")


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
