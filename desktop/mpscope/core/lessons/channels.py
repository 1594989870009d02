"""Lesson 6, Queue and Pipe: a producer process, a consumer, and how many messages per second."""

from __future__ import annotations

import time
from typing import Any

from mpscope.core.lessons._common import context, end_all, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog


def producer(channel: Any, messages: int, batch: int) -> None:
    """Send `messages` small tuples (in lists of `batch` when batch > 1), then the time it took."""
    start_orphan_watchdog()
    send = channel.send if hasattr(channel, "send") else channel.put  # Pipe or queue
    start = time.perf_counter()
    if batch <= 1:
        for i in range(messages):
            send((i, "x"))
    else:
        for first in range(0, messages, batch):
            send([(i, "x") for i in range(first, min(first + batch, messages))])
    # A Queue's put() only hands the item to a background thread, so this time can
    # be far shorter than the time the consumer needs to receive everything.
    send(("done", time.perf_counter() - start))


def consume(channel: Any, messages: int, reporter: Reporter) -> tuple[float, float]:
    """Receive until the producer's "done"; return (producer seconds, consumer seconds)."""
    receive = channel.recv if hasattr(channel, "recv") else channel.get
    received = 0
    first = None
    while True:
        item = receive()
        first = first or time.perf_counter()  # count from the first message, not start-up
        if isinstance(item, tuple) and item[0] == "done":
            return item[1], time.perf_counter() - first
        received += len(item) if isinstance(item, list) else 1
        if received % 5000 == 0:
            reporter.report(received, messages)


def channel_throughput(
    messages: int = 200_000, reporter: Reporter | None = None
) -> dict[str, Any]:
    """Messages per second through Queue, SimpleQueue and Pipe (one at a time, and batched)."""
    reporter = reporter or NULL_REPORTER
    ctx = context()
    rows: list[list[Any]] = []
    cases = ["Queue", "SimpleQueue", "Pipe", "Pipe, 100 per message"]
    for n, name in enumerate(cases, 1):
        reporter.log(f"{name}: sending {messages:,} messages")
        if name.startswith("Pipe"):
            reading, writing = ctx.Pipe(duplex=False)
        else:
            reading = writing = ctx.Queue() if name == "Queue" else ctx.SimpleQueue()
        batch = 100 if "100" in name else 1
        proc = ctx.Process(target=producer, args=(writing, messages, batch))
        try:
            proc.start()
            if reading is not writing:
                writing.close()  # only the producer writes; we keep the reading end
            produced, consumed = consume(reading, messages, reporter)
            proc.join()
        finally:
            end_all([proc])
        rows.append([name, messages, round(messages / produced), round(messages / consumed)])
        reporter.log(f"{name}: producer {rows[-1][2]:,}/s, consumer {rows[-1][3]:,}/s")
        reporter.report(n, len(cases), name)
    best = max(rows[:3], key=lambda row: row[3])
    return table(
        f"{messages:,} small messages from a producer process to a consumer",
        ["channel", "messages", "producer sends/s", "consumer receives/s"],
        rows,
        f"one by one, {best[0]} was fastest ({best[3]:,}/s); sending 100 per message gave "
        f"{rows[3][3]:,}/s: the cost is per message, not per item",
    )
