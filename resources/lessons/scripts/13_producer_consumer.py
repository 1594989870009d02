"""Lesson 13: producers and consumers -- sentinels, JoinableQueue and a join() that never returns.

Run it:  python 13_producer_consumer.py

1. One producer, three consumers, one Queue. When the work is done, the
   producer puts one sentinel (None) PER CONSUMER: each consumer stops when it
   takes one. One sentinel for three consumers would leave two waiting for ever.
2. A child that put a large item in a Queue cannot finish until that item has
   been read: its feeder thread is still writing it to the pipe. A parent that
   calls join() BEFORE reading the queue waits for ever (here: join(timeout=1)
   so that the lesson goes on). Read first, then join.
3. JoinableQueue: each consumer calls task_done() after each item, and the
   parent's queue.join() returns once every item put has been marked done.
"""

import json
import multiprocessing as mp
import os
import time

CONSUMERS = 3
ITEMS = 30


def producer(q, items, consumers):
    for i in range(items):
        q.put(i)
    for _ in range(consumers):
        q.put(None)  # one sentinel per consumer: each one stops at its own


def consumer(q, results):
    handled = 0
    while True:
        item = q.get()
        if item is None:
            break
        time.sleep(0.005)  # the work
        handled += 1
    results.put((os.getpid(), handled))


def joinable_consumer(q, done):
    while True:
        q.get()
        time.sleep(0.005)
        with done.get_lock():
            done.value += 1
        q.task_done()  # one task_done() for every get()


def big_item_child(q):
    q.put(b"x" * 10_000_000)  # 10 MB: far more than a pipe holds


def main():
    q, results = mp.Queue(), mp.Queue()
    workers = [mp.Process(target=consumer, args=(q, results)) for _ in range(CONSUMERS)]
    maker = mp.Process(target=producer, args=(q, ITEMS, CONSUMERS))
    for p in [maker, *workers]:
        p.start()
    counts = [results.get(timeout=60) for _ in range(CONSUMERS)]
    for p in [maker, *workers]:
        p.join()
    table("30 items, 3 consumers, one sentinel each",
          ["consumer pid", "items handled", "exit code"],
          [[pid, handled, p.exitcode] for (pid, handled), p in zip(counts, workers, strict=True)])
    say("The consumers handled {total} of {items} items between them and all three stopped "
        "at their sentinel.", total=sum(h for _, h in counts), items=ITEMS)

    # Before the JoinableQueue below: its put() starts a feeder thread in this process,
    # and a process that runs threads should not fork new ones.
    q = mp.Queue()
    child = mp.Process(target=big_item_child, args=(q,))
    child.start()
    child.join(timeout=1)  # join BEFORE reading: the child cannot finish its put
    stuck = child.is_alive()
    data = q.get(timeout=60)  # read first...
    child.join()  # ...then join: it returns at once
    table("A child puts 10 MB in a Queue and exits",
          ["order", "the child had ended"],
          [[phrase("join(timeout=1) before get()"), not stuck],
           [phrase("join() after get()"), child.exitcode == 0]])
    if stuck:
        say("join() before reading waited the full second and the child was still alive: "
            "without a timeout it would wait for ever. After reading the {mb} MB, join() "
            "returned at once.", mb=len(data) // 1_000_000)
    else:
        say("This time the child ended before the item was read (the system's pipe buffer "
            "was large enough); with larger items join() before get() waits for ever.")
    jq = mp.JoinableQueue()
    done = mp.Value("i", 0)
    helpers = [mp.Process(target=joinable_consumer, args=(jq, done), daemon=True)
               for _ in range(CONSUMERS)]
    for p in helpers:
        p.start()
    for i in range(ITEMS):
        jq.put(i)
    start = time.perf_counter()
    jq.join()  # returns when task_done() has been called once per item
    say("JoinableQueue.join() returned after {seconds:.2f} s, when {done} of {items} items "
        "had been marked done.", seconds=time.perf_counter() - start, done=done.value,
        items=ITEMS)
    for p in helpers:  # daemons that wait for ever: end them ourselves
        p.terminate()
        p.join()

    finish("producer_consumer")


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
