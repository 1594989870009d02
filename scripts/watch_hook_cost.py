"""What the watch hooks cost a pool process per task, in microseconds.

    PYTHONPATH=desktop python scripts/watch_hook_cost.py [TASKS]

Runs a pool process's task loop by hand: the hooks' queue proxies
(core/watch/pool_side.py) around stand-in queues, with a real channel to a
socket a thread of this process drains and the flusher thread running, as in
a watched pool process, and a thread taking the task ring's entries every
20 ms as mpscope does. The task itself is nothing, so the figure is the
hooks' own cost; a cProfile of the same loop follows.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import socket
import sys
import tempfile
import threading
import time
from typing import Any


class _Queue:
    """Stands for the pool's task or result queue."""

    def __init__(self, items: list[Any] | None = None) -> None:
        self.items = items or []

    def get(self) -> Any:
        return self.items.pop()

    def put(self, obj: Any) -> None:
        pass


def _loop(count: int) -> None:
    from mpscope.core.watch import pool_side

    def task(x: int) -> int:
        return x

    inbox = pool_side._PoolInbox(_Queue([(1, i, task, (i,), {}) for i in range(count)]), 7)
    outbox = pool_side._PoolOutbox(_Queue(), 7)
    for _ in range(count):
        job, index, *_ = inbox.get()
        outbox.put((job, index, (True, index)))


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        address = os.path.join(folder, "watch.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(address)
        server.listen()
        os.environ["MPSCOPE_WATCH"] = address

        def drain() -> None:
            connection, _ = server.accept()
            while connection.recv(1 << 20):
                pass

        def take_ring() -> None:
            from mpscope.core.watch.task_rings import TaskRings

            rings = TaskRings(address)
            while True:
                rings.take(os.getpid())
                time.sleep(0.02)

        threading.Thread(target=drain, daemon=True).start()
        threading.Thread(target=take_ring, daemon=True).start()
        from mpscope.core.watch.client import channel

        channel().keep_flushed()
        started = time.perf_counter()
        _loop(count)
        print(f"{(time.perf_counter() - started) / count * 1e6:.1f} µs a task "
              f"({count:,} tasks)")
        profile = cProfile.Profile()
        profile.runcall(_loop, count)
        pstats.Stats(profile).sort_stats("tottime").print_stats(10)
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
