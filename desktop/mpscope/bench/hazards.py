"""`python -m mpscope.bench.hazards`: re-measure the CPython hazards docs/design.md is built on.

Each function reproduces one hazard with the standard library alone and returns
what it saw; nothing here uses mpscope's own machinery. Several minutes on 2 cores.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

SPAWN = multiprocessing.get_context("spawn")


# -- 1. a writer killed while it holds a shared Queue's write lock --------------------------
def _writer(q: Any, stop: Any) -> None:
    payload = b"x" * 100_000  # larger than the pipe: the feeder often waits in send_bytes()
    while not stop.is_set():
        q.put((os.getpid(), payload))


def shared_queue_stalls(trials: int = 30, writers: int = 4) -> tuple[int, int]:
    """Kill one of `writers` processes writing to one Queue; → (trials that stalled, trials).

    A trial stalls when a surviving writer cannot even finish after being asked to stop
    (its feeder thread waits for a lock the dead writer holds).
    """
    stalled = 0
    for _ in range(trials):
        q, stop = SPAWN.Queue(maxsize=1000), SPAWN.Event()
        procs = [SPAWN.Process(target=_writer, args=(q, stop), daemon=True)
                 for _ in range(writers)]
        for p in procs:
            p.start()
        heard: set[int] = set()
        draining = threading.Event()

        def drain(q: Any = q, draining: threading.Event = draining, heard: set[int] = heard,
                  ) -> None:
            while not draining.is_set():  # a reader slower than the writers: the pipe fills
                with contextlib.suppress(queue.Empty, OSError, EOFError):
                    heard.add(q.get(timeout=0.05)[0])
                time.sleep(0.002)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while len(heard) < writers and time.monotonic() < deadline:  # every writer writes
            time.sleep(0.01)
        time.sleep(random.uniform(0.0, 0.2))
        os.kill(procs[0].pid or 0, signal.SIGKILL)
        time.sleep(0.2)
        stop.set()
        deadline = time.monotonic() + 5
        for p in procs[1:]:
            p.join(max(0.0, deadline - time.monotonic()))
        if any(p.is_alive() for p in procs[1:]):
            stalled += 1
        for p in procs:
            if p.is_alive():
                p.kill()
            p.join()
        draining.set()
        reader.join(1)
    return stalled, trials


# -- 3. multiprocessing.Pool after a worker dies --------------------------------------------
def _nap(folder: str, seconds: float) -> float:
    with open(os.path.join(folder, str(os.getpid())), "w", encoding="utf-8"):
        pass  # says "this process runs a task"
    time.sleep(seconds)
    return seconds


def _running(folder: str, count: int, timeout: float = 60.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(os.listdir(folder)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return [int(name) for name in os.listdir(folder)]


def pool_after_a_death(timeout: float = 10.0) -> dict[str, bool]:
    """Does map_async finish after a worker running a task is killed; does terminate()
    return after the idle workers are killed? Each is given `timeout` seconds."""
    seen: dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as folder:
        pool = SPAWN.Pool(2)
        result = pool.starmap_async(_nap, [(folder, 3.0), (folder, 3.0)], chunksize=1)
        os.kill(_running(folder, 2)[0], signal.SIGKILL)
        result.wait(timeout)
        seen["map_async finished after a busy worker was killed"] = result.ready()
        pool.terminate()
    pool = SPAWN.Pool(2)
    pool.map(time.sleep, [0.0, 0.0])  # both started; both idle now, one holding the queue lock
    for process in list(pool._pool):  # type: ignore[attr-defined]
        os.kill(process.pid, signal.SIGKILL)
    time.sleep(0.5)
    done = threading.Event()
    threading.Thread(target=lambda: (pool.terminate(), done.set()), daemon=True).start()
    seen["terminate() returned after the idle workers were killed"] = done.wait(timeout)
    if not done.is_set():
        for child in multiprocessing.active_children():
            child.kill()
    return seen


# -- 4. what a spawned child costs when Qt is imported at the top of __main__ ---------------
_SPAWN_TIMER = """
import multiprocessing, sys, time
{qt}
def child(conn):
    conn.send(time.perf_counter())
if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    ms = []
    for _ in range({n}):
        reader, writer = ctx.Pipe(duplex=False)
        began = time.perf_counter()
        p = ctx.Process(target=child, args=(writer,))
        p.start()
        ms.append(1000 * (reader.recv() - began))
        p.join()
    ms.sort()
    print(ms[len(ms) // 2])
"""


def spawn_start_ms(qt_at_top: bool, samples: int = 15) -> float:
    """Median ms from Process.start() until a spawned child runs code."""
    qt = "import PySide6.QtWidgets, pyqtgraph" if qt_at_top else ""
    with tempfile.TemporaryDirectory() as folder:  # spawn re-imports the main module's file
        script = os.path.join(folder, "timer.py")
        with open(script, "w", encoding="utf-8") as file:
            file.write(_SPAWN_TIMER.format(qt=qt, n=samples))
        out = subprocess.run([sys.executable, script], capture_output=True, text=True,
                             check=True)
    return float(out.stdout.strip())


# -- 5. orphans ---------------------------------------------------------------------------
def _sleeper() -> None:
    time.sleep(60)


def _parent(ready: Any) -> None:
    child = SPAWN.Process(target=_sleeper)
    child.start()
    ready.send(child.pid)
    time.sleep(60)


def orphan_survives(seconds: float = 3.0) -> bool:
    """SIGKILL a process that has a child: is the child still alive `seconds` later?"""
    reader, writer = SPAWN.Pipe(duplex=False)
    parent = SPAWN.Process(target=_parent, args=(writer,))
    parent.start()
    pid = reader.recv()
    parent.kill()
    parent.join()
    time.sleep(seconds)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    os.kill(pid, signal.SIGKILL)
    return True


def main() -> int:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    stalled, trials = shared_queue_stalls()
    print(f"1. shared Queue, 4 writers, one SIGKILLed: survivors stalled in {stalled}/{trials}")
    for what, happened in pool_after_a_death().items():
        print(f"3. Pool: {what}: {'yes' if happened else 'no'}")
    plain = spawn_start_ms(False)
    with_qt = spawn_start_ms(True)
    print(f"4. spawn start: {plain:.0f} ms plain, {with_qt:.0f} ms with Qt imported at the top")
    print(f"5. a SIGKILLed parent's child still alive 3 s later: {orphan_survives()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
