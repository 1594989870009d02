"""Lesson 9: exceptions and crashes in child processes.

Run it:  python 09_exceptions.py

- An exception in a Process ends that process (exit code 1, the traceback
  printed on its stderr); the parent carries on and only sees the exit code.
  To get the error itself, catch it in the child and send it over a Queue.
- A pool sends a task's exception back: map() and get() raise it again in
  the parent. With apply_async(..., error_callback=f), f is called with the
  exception AND get() still raises it. imap's next() raises for the failing
  item, and the items after it can still be read.
- A crash (os._exit, a signal) raises nothing: only the exit code tells.
  In a Pool, a process that dies mid-task leaves that task unfinished and
  map()/get() wait for ever (CPython issue gh-66587); ProcessPoolExecutor
  notices and raises BrokenProcessPool instead.
"""

import json
import multiprocessing as mp
import os
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def risky(x):
    if x % 3 == 0:
        raise ValueError(f"{x} is a multiple of 3")
    return x * 10


def fails():
    risky(3)  # the traceback is printed on this child's stderr; the parent gets exit code 1


def fails_and_reports(errors):
    try:
        risky(3)
    except Exception as error:  # send the error itself (and its traceback) to the parent
        errors.put((type(error).__name__, str(error), traceback.format_exc()))


def crash():
    os._exit(3)  # ends the process at once: no exception, no cleanup


def main():
    rows = []
    p = mp.Process(target=fails)
    p.start()
    p.join()
    rows.append(["Process(target=fails)",
                 phrase("exit code {code}, no exception", code=p.exitcode)])

    errors = mp.Queue()
    p = mp.Process(target=fails_and_reports, args=(errors,))
    p.start()
    name, message, _traceback = errors.get(timeout=60)
    p.join()
    rows.append([phrase("{code} in the child", code="errors.put(...)"),
                 phrase("{error} with its message and traceback (exit code {code})",
                        error=name, code=p.exitcode)])

    p = mp.Process(target=crash)
    p.start()
    p.join()
    rows.append([phrase("{code} in the child", code="os._exit(3)"),
                 phrase("exit code {code}, no exception", code=p.exitcode)])

    with mp.Pool(2) as pool:
        try:
            pool.map(risky, [1, 2, 3, 4])
        except ValueError as error:
            rows.append(["pool.map(risky, [1, 2, 3, 4])", phrase(
                "map raised {error}; no result at all", error=type(error).__name__)])

        called = []
        pending = pool.apply_async(risky, (6,), error_callback=called.append)
        try:
            pending.get(timeout=60)
        except ValueError as error:
            rows.append(["apply_async(..., error_callback=f)", phrase(
                "f received {received}, and get() raised {error} too",
                received=type(called[0]).__name__ if called else "None",
                error=type(error).__name__)])

        results = pool.imap(risky, [1, 3, 4])
        got = []
        for _ in range(3):
            try:
                got.append(next(results))
            except ValueError:
                got.append("ValueError")
        rows.append(["next(pool.imap(risky, [1, 3, 4]))",
                     phrase("{results}: the item after the failure still came",
                            results=", ".join(map(str, got)))])

    with ProcessPoolExecutor(2) as executor:
        future = executor.submit(crash)
        try:
            future.result(timeout=60)
        except BrokenProcessPool:
            rows.append(["ProcessPoolExecutor.submit(crash)",
                         phrase("result() raised BrokenProcessPool")])
    table("What the parent sees when a child fails", ["what", "the parent sees"], rows)
    say("An exception ends only its own process; a pool hands it back to the caller. A "
        "crash raises nothing: only the exit code tells, and a Pool would wait for ever for "
        "the dead process's task, so this lesson shows the crash with ProcessPoolExecutor.")
    finish("exceptions")


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
