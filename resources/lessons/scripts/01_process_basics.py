"""Lesson 1: process basics -- start(), join(), pids and the process tree.

Run it:  python 01_process_basics.py

The parent starts two children; the first child starts a child of its own
(a grandchild): four processes in all. Each one reports its pid and its
parent's pid through a Queue, so the parent can print the tree.
"""

import json
import multiprocessing as mp
import os
import time


def grandchild(queue, started):
    queue.put(("grandchild", os.getpid(), os.getppid(), time.time() - started))
    time.sleep(0.5)


def child(name, queue, started, has_child):
    queue.put((name, os.getpid(), os.getppid(), time.time() - started))
    if has_child:
        # A child may start children of its own: together they form a tree.
        p = mp.Process(target=grandchild, args=(queue, started))
        p.start()
        p.join()
    else:
        time.sleep(0.5)


def main():
    started = time.time()
    queue = mp.Queue()
    children = [mp.Process(target=child, args=("child 1", queue, started, True)),
                mp.Process(target=child, args=("child 2", queue, started, False))]

    t = time.perf_counter()
    for p in children:
        p.start()  # returns at once: the child now runs alongside the parent
    start_ms = (time.perf_counter() - t) * 1000

    # Read the 3 reports BEFORE join(): a child whose data still sits in the
    # queue's pipe may wait for it to be read before it can exit.
    reports = [("parent", os.getpid(), os.getppid(), 0.0)]
    reports += [queue.get(timeout=60) for _ in range(3)]

    t = time.perf_counter()
    for p in children:
        p.join()  # waits until the child has ended
    join_s = time.perf_counter() - t

    names = {"parent": phrase("parent"), "child 1": phrase("child 1"),
             "child 2": phrase("child 2"), "grandchild": phrase("grandchild (child of child 1)")}
    rows = [[names[name], pid, ppid, round(after * 1000, 1)]
            for name, pid, ppid, after in sorted(reports, key=lambda r: r[3])]
    table("Four processes, each with its own pid",
          ["process", "pid", "parent pid", "reported after (ms)"], rows)
    say("start() returned after {start_ms:.1f} ms for both children; join() then waited "
        "{join_s:.2f} s for them to end.", start_ms=start_ms, join_s=join_s)
    pids = {name: (pid, ppid) for name, pid, ppid, _ in reports}
    say("The grandchild's parent pid ({ppid}) is child 1's pid: the processes form a tree.",
        ppid=pids["grandchild"][1])
    say("The children ended with exit codes {first} and {second} (0 means a normal end).",
        first=children[0].exitcode, second=children[1].exitcode)
    finish("process_basics")


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
