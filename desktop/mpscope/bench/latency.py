"""4. Start latency: Start to first message for 8 workers, against 8 bare Process starts."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time

from mpscope.bench.qtloop import application, spin_until
from mpscope.bench.table import Row, alternate
from mpscope.core.config import loads

WORKERS = 8


def _hello(conn) -> None:  # type: ignore[no-untyped-def]
    conn.send_bytes(b"hello")
    time.sleep(0.2)


def bare(start_method: str) -> float:
    ctx = multiprocessing.get_context(start_method)
    readers, processes = [], []
    started = time.perf_counter()
    for _ in range(WORKERS):
        reader, writer = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_hello, args=(writer,))
        process.start()
        writer.close()
        readers.append(reader)
        processes.append(process)
    waiting = list(readers)
    while waiting:
        for ready in multiprocessing.connection.wait(waiting):
            ready.recv_bytes()
            waiting.remove(ready)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    return elapsed


def with_mpscope(start_method: str) -> float:
    from mpscope.gui.bridge import RunBridge

    application()
    bridge = RunBridge()
    bridge.set_config(loads(f"""
start_method = "{start_method}"
[[workers]]
task = "sleep_io"
count = {WORKERS}
args = {{ seconds = 0.2, steps = 1 }}
"""))
    started = time.perf_counter()
    bridge.start()
    assert spin_until(lambda: all(r.received for r in bridge.records), 30)
    elapsed = time.perf_counter() - started
    assert spin_until(lambda: not bridge.running, 30)
    bridge.shutdown()
    return elapsed


def measure(repeat: int, start_method: str = "spawn") -> list[Row]:
    base, ours = alternate(repeat, lambda: bare(start_method),
                           lambda: with_mpscope(start_method))
    return [Row(f"4. start latency ({WORKERS} workers, {start_method})", "ms", "bare Process",
                1000 * base, 1000 * ours, "<= 1.5",
                note=f"Start to first message; {os.cpu_count()} cores")]
