"""Lesson 6: Queue, SimpleQueue and Pipe -- how processes send each other data.

Run it:  python 06_queue_pipe.py

- Pipe() gives two connected ends; by default both can send AND receive
  (duplex). It has no lock: two processes must not use the same end at once.
- Queue is a pipe plus locks plus a background "feeder" thread: put() hands
  the item to that thread and returns, usually before the item is sent.
  Queue(maxsize=N) makes put() block while N items wait.
- SimpleQueue is a pipe plus locks, without the feeder thread.
Every message has a fixed cost, so sending items in batches is much faster.
The rates below are what this machine measured, not a rule.
"""

import json
import multiprocessing as mp
import os
import queue as queue_module
import statistics
import time

MESSAGES = 20_000
BATCH = 100


def send_queue(q, count, batch):
    for start in range(0, count, batch):
        q.put(list(range(start, start + batch)) if batch > 1 else start)
    q.put(None)  # the end


def send_pipe(conn, count, batch):
    for start in range(0, count, batch):
        conn.send(list(range(start, start + batch)) if batch > 1 else start)
    conn.send(None)
    conn.close()


def echo(conn):
    """One end of a duplex Pipe: receive a question, answer on the same end."""
    question = conn.recv()
    conn.send(question.upper())
    conn.close()


def receive_all(get):
    while get() is not None:
        pass


def transfer(kind, batch):
    """Send MESSAGES numbers from a child to this process; the timing includes the start."""
    if kind == "Pipe":
        receiver, sender = mp.Pipe(duplex=False)
        child = mp.Process(target=send_pipe, args=(sender, MESSAGES, batch))
        child.start()
        sender.close()  # our copy of the sending end: only the child sends
        receive_all(receiver.recv)
    else:
        q = mp.Queue() if kind == "Queue" else mp.SimpleQueue()
        child = mp.Process(target=send_queue, args=(q, MESSAGES, batch))
        child.start()
        receive_all(q.get)
    child.join()


def main():
    busy = cpu_busy()
    cases = {(kind, 1): (lambda kind=kind: transfer(kind, 1))
             for kind in ("Queue", "SimpleQueue", "Pipe")}
    cases[("Queue", BATCH)] = lambda: transfer("Queue", BATCH)
    times = measure(cases)
    rows = [[kind, batch, MESSAGES // batch, median(t), spread(t), MESSAGES / median(t)]
            for (kind, batch), t in times.items()]
    table("20,000 numbers from a child to its parent (median of 3 rounds)",
          ["channel", "items per message", "messages", "median (s)", "spread (s)",
           "items per second"], rows)
    one, batched = median(times[("Queue", 1)]), median(times[("Queue", BATCH)])
    say("Measured here: sending {batch} items per message moved the same numbers "
        "{ratio:.1f}x as fast as one item per message.", batch=BATCH, ratio=one / batched)
    if busy is not None and busy > 50:
        say("The CPUs were already {busy:.0f}% busy with other programs: these rates are "
            "lower and less steady than on an idle machine.", busy=busy)

    # A Pipe is duplex by default: the child answers on the end it received on.
    here, there = mp.Pipe()
    child = mp.Process(target=echo, args=(there,))
    child.start()
    here.send("hello")
    say("Pipe() is duplex: the child received {sent!r} and sent back {reply!r} on the same "
        "end.", sent="hello", reply=here.recv(), )
    child.join()

    # A bounded Queue: put() blocks while it is full (here: gives up after 0.2 s).
    small = mp.Queue(maxsize=2)
    small.put(1)
    small.put(2)
    start = time.perf_counter()
    try:
        small.put(3, timeout=0.2)
        blocked = False
    except queue_module.Full:
        blocked = True
    say("Queue(maxsize=2) with 2 items waiting: a third put() blocked: {blocked} (it gave "
        "up with queue.Full after {seconds:.2f} s).", blocked=blocked,
        seconds=time.perf_counter() - start)
    small.get(), small.get()
    finish("queue_pipe")


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
