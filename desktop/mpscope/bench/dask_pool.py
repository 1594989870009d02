"""8. The Dask backend: mpscope's pool against bare `client.map` + `gather` on the same cluster.

Row 8 runs mpscope's `map` as configured (chunks as Pool.map cuts them) against
the `client.map` a Dask user writes (a task per item); row 8c gives mpscope
chunksize 1, so both sides run the same tasks and the ratio is mpscope's own cost.

Both sides use one `LocalCluster` (2 process workers, one thread each), started
before and closed after the measurements, so neither pays for its start-up:
mpscope connects to it as to any scheduler (`scheduler = ...`). Also measured:
how soon the scheduler reports a worker SIGKILLed mid-task (`remove-worker`).
"""

from __future__ import annotations

import logging
import multiprocessing.connection
import os
import queue
import signal
import time
from typing import Any

from mpscope.bench.table import Absolute, Median, Row, alternate
from mpscope.core.config import loads
from mpscope.core.engine.run import Run
from mpscope.core.tasks.builtin import count_primes, sleep_io

ITEMS = 2000
FIRST = 10_000  # count_primes(10_000 + i): a few ms each, as in benchmark 1
WORKERS = 2
SINGLE_ITEMS = 400  # row 8c: one task per item, as bare client.map makes them


def _cluster() -> tuple[Any, Any]:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                           silence_logs=logging.CRITICAL)
    return cluster, Client(cluster, set_as_default=False)


def bare(client: Any, count: int = ITEMS) -> float:
    items = [FIRST + i for i in range(count)]
    started = time.perf_counter()
    futures = client.map(count_primes, items, pure=False)
    client.gather(futures)
    elapsed = time.perf_counter() - started
    client.cancel(futures)
    return elapsed


def with_mpscope(address: str, count: int = ITEMS, chunksize: int = 0) -> float:
    run = Run(loads(f"""
[pool]
task = "count_primes"
items = {[FIRST + i for i in range(count)]}
processes = {WORKERS}
method = "map"
chunksize = {chunksize}
backend = "dask"
scheduler = "{address}"
"""))
    started = time.perf_counter()
    run.start()
    while True:  # the loop of `mpscope run`
        run.poll(0.05)
        if not run.busy:
            break
        multiprocessing.connection.wait(run.wait_handles(), timeout=0.1)
    elapsed = time.perf_counter() - started
    assert run.exit_code() == 0, "the benchmark workload failed"
    return elapsed


def removal_latency(client: Any, repeat: int) -> list[float]:
    """Seconds from a worker's SIGKILL (mid-task) to the scheduler's remove-worker event."""
    events: queue.SimpleQueue[float] = queue.SimpleQueue()

    def on_event(event: tuple[float, Any]) -> None:
        if isinstance(event[1], dict) and event[1].get("action") == "remove-worker":
            events.put(time.time())

    client.subscribe_topic("all", on_event)
    latencies = []
    try:
        for _ in range(repeat):
            client.wait_for_workers(WORKERS, timeout=60)
            future = client.submit(sleep_io, 5.0, pure=False)
            while not (busy := [w for w, keys in client.processing().items() if keys]):
                time.sleep(0.01)
            time.sleep(0.2)  # executing by now, not only assigned
            pid = client.run(os.getpid, workers=busy)[busy[0]]
            killed = time.time()
            os.kill(pid, signal.SIGKILL)
            latencies.append(events.get(timeout=30) - killed)
            client.cancel(future)
    finally:
        client.unsubscribe_topic("all")
    return latencies


def measure(repeat: int) -> list[Row | Absolute]:
    cluster, client = _cluster()
    try:
        address = cluster.scheduler_address
        bare_median, ours_median = alternate(repeat, lambda: bare(client),
                                             lambda: with_mpscope(address))
        # The same granularity as bare client.map (one task per item): mpscope's own cost.
        single = alternate(repeat, lambda: bare(client, SINGLE_ITEMS),
                           lambda: with_mpscope(address, SINGLE_ITEMS, chunksize=1))
        latencies = removal_latency(client, repeat)
    finally:
        client.close()
        cluster.close()
    return [
        Row(f"8. dask pool (count_primes x{ITEMS}, {WORKERS} workers)", "s",
            "client.map+gather", bare_median, ours_median, "<= 1.10",
            note="same LocalCluster"),
        Row(f"8c. dask pool, chunksize 1 (x{SINGLE_ITEMS})", "s", "client.map+gather",
            *single, "<= 1.10", note="one Dask task per item on both sides"),
        Absolute("8b. dask remove_worker after SIGKILL", "ms",
                 Median.of(1000 * x for x in latencies), 500.0,
                 note=f"median of {len(latencies)}; max {1000 * max(latencies):.0f} ms"),
    ]
