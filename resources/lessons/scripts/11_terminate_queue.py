"""Lesson 11: terminate() and a shared Queue -- why the other writers can stall.

Run it:  python 11_terminate_queue.py

terminate() stops a process at once (SIGTERM on POSIX, TerminateProcess on
Windows): no `finally` block, no atexit hook, no cleanup runs, and the
process's own children are left orphaned.

On POSIX, a Queue shared by several writers has ONE lock for writing, taken
by each writer's feeder thread while it writes a message to the pipe. A
writer terminated while holding that lock never releases it: every other
writer then blocks for good. (On Windows the Queue has no such lock.)
Giving each writer its own Queue avoids it. A process that must exit while
its queue still holds data can call queue.cancel_join_thread() so that it
does not wait to flush it (the data is then lost).
"""

import json
import multiprocessing as mp
import random
import sys
import time

TRIALS = 10
WRITERS = 3
STALL = 0.5  # seconds without any message: the writers are stuck
PAYLOAD = b"x" * 20_000  # large messages: each write holds the lock a little longer


def writer(q, wid):
    for _ in range(2_000):
        q.put((wid, PAYLOAD))


def reader(q, counter):
    """Read one queue for ever, counting the messages (a separate process: it may block)."""
    while True:
        q.get()
        with counter.get_lock():
            counter.value += 1


def trial(context, shared):
    """Start the writers, terminate one mid-write; True if the others stall."""
    queues = [context.Queue()] * WRITERS if shared else [context.Queue() for _ in range(WRITERS)]
    counters = {id(q): context.Value("q", 0) for q in queues}
    readers = [context.Process(target=reader, args=(q, counters[id(q)]), daemon=True)
               for q in {id(q): q for q in queues}.values()]
    writers = [context.Process(target=writer, args=(q, wid)) for wid, q in enumerate(queues)]
    victim = random.randrange(WRITERS)
    # What the other writers got through: their queues' counters (a queue of their own, or
    # the shared one). A reader stuck on a half-written message also stops its counter.
    watched = [counters[id(q)] for i, q in enumerate(queues) if i != victim]
    try:
        for p in readers + writers:
            p.start()
        while sum(c.value for c in counters.values()) < 3 * WRITERS:
            time.sleep(0.001)  # wait until the writers are well under way
        time.sleep(random.uniform(0, 0.01))
        writers[victim].terminate()  # it may be holding the queue's lock right now
        last, progress = time.monotonic(), -1
        while True:
            others = [p for i, p in enumerate(writers) if i != victim]
            if all(p.exitcode is not None for p in others):
                return False  # the other writers finished
            now_progress = sum(c.value for c in watched)
            if now_progress != progress:
                last, progress = time.monotonic(), now_progress
            elif time.monotonic() - last > STALL:
                return True  # nothing moves any more, yet the others have not finished
            time.sleep(0.01)
    finally:
        for p in writers + readers:
            p.kill()  # end the stuck processes too
            p.join()


def main():
    # forkserver starts children from a clean process (fork is unsafe once a process has
    # threads, and a Queue's feeder is a thread).
    methods = mp.get_all_start_methods()
    context = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    stalls = {True: 0, False: 0}
    for _ in range(TRIALS):
        for shared in (True, False):  # alternate the two ways
            stalls[shared] += trial(context, shared)
    rows = [[phrase("one Queue shared by all writers"), TRIALS, stalls[True]],
            [phrase("a Queue for each writer"), TRIALS, stalls[False]]]
    table("3 writers, one terminated mid-write",
          ["how", "trials", "the others stalled"], rows)
    if stalls[True]:
        say("With one shared Queue, the other writers stalled in {stalls} of {trials} trials: "
            "the terminated writer died holding the queue's lock (or halfway through a "
            "message, which blocks the reader). With a Queue each: "
            "{own}.", stalls=stalls[True], trials=TRIALS, own=stalls[False])
    else:
        if sys.platform == "win32":
            say("No stall in {trials} trials: on Windows a Queue has no write lock to die "
                "holding.", trials=TRIALS)
        else:
            say("No stall in {trials} trials this time: the writer must die at the very "
                "moment it holds the lock, which is a matter of timing. Run it again.",
                trials=TRIALS)
    finish("terminate_queue")


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
