"""Find what stalls the GUI at scale: the longest call of each suspect during benchmark 5a.

Runs 256 sleeping workers and a 10,000-task pool in the real window (offscreen),
wraps the main suspects and the garbage collector, and prints the worst
duration of each next to the worst lateness of a 5 ms QTimer probe.

    PYTHONPATH=desktop python3 scripts/stall_probe.py
"""

from __future__ import annotations

import collections
import functools
import gc
import time
from typing import Any

CONFIG = """
start_method = "forkserver"
[[workers]]
task = "sleep_io"
count = 256
args = { seconds = 20, steps = 20 }
[pool]
task = "square"
items = 10000
processes = 2
method = "imap_unordered"
chunksize = 1
"""


def main() -> None:
    from mpscope.bench.qtloop import LatenessProbe, application, spin_until
    from mpscope.core.config import loads
    from mpscope.core.engine import engine, run
    from mpscope.core.pool import pool_run

    worst: dict[str, float] = collections.defaultdict(float)

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                worst[label] = max(worst[label], time.perf_counter() - started)

        setattr(owner, name, timed)

    # Wrapped on the classes, before the window exists, so bound timers call the wrappers.
    wrap(run.Run, "poll", "Run.poll")
    wrap(engine.Engine, "_hand_over_starts", "Engine._hand_over_starts")  # the window's starts
    wrap(engine.Engine, "_drain", "Engine._drain")
    wrap(engine.Engine, "_reap", "Engine._reap")
    wrap(pool_run.PoolRun, "poll", "PoolRun.poll")
    gc_started: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            label = f"gc generation {info['generation']}"
            worst[label] = max(worst[label], time.perf_counter() - gc_started[0])

    application()
    from mpscope.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    bridge = window.bridge
    gc.callbacks.append(on_gc)
    bridge.set_config(loads(CONFIG))
    probe = LatenessProbe()
    probe.start()
    bridge.start()
    spin_until(lambda: not bridge.running, 300)
    probe.stop()
    gc.callbacks.remove(on_gc)
    print(f"worst probe lateness: {1000 * probe.worst:.1f} ms")
    for label, seconds in sorted(worst.items(), key=lambda item: -item[1]):
        print(f"  {label:24s} {1000 * seconds:8.1f} ms")
    bridge.shutdown()
    window.close()


if __name__ == "__main__":
    main()
