"""5. Scale: 256 sleeping workers plus a 10,000-task pool; 128 synthetic cores in the CPU panel.

The stall (5a) is measured in a fresh process each time (`python -m
mpscope.bench.scale`), as a user starts mpscope: in the benchmark's own process
the collector would also walk what the earlier suites left.
"""

from __future__ import annotations

import json
import random
import statistics
import time

from mpscope.bench.fresh import in_a_fresh_process
from mpscope.bench.qtloop import LatenessProbe, application, spin_until
from mpscope.bench.table import Absolute, Median, Row
from mpscope.core.config import loads
from mpscope.core.engine.sampler import Sample

WORKERS = 256
POOL_ITEMS = 10_000


def stall_ms() -> tuple[float, float]:
    """Worst probe lateness (ms): while idle, and with 256 workers plus a 10k-task pool."""
    from mpscope.gui.main_window import MainWindow

    application()
    window = MainWindow()
    window.show()
    bridge = window.bridge
    idle = LatenessProbe()
    idle.start()
    spin_until(lambda: False, 3.0)
    idle.stop()
    bridge.set_config(loads(f"""
start_method = "forkserver"
[[workers]]
task = "sleep_io"
count = {WORKERS}
args = {{ seconds = 20, steps = 20 }}
[pool]
task = "square"
items = {POOL_ITEMS}
processes = 2
method = "imap_unordered"
chunksize = 1
"""))
    probe = LatenessProbe()
    probe.start()
    bridge.start()
    assert spin_until(lambda: not bridge.running, 300), "the scale run did not end"
    probe.stop()
    bridge.shutdown()
    window.close()
    return 1000 * idle.worst, 1000 * probe.worst


def frame_ms(cores: int, frames: int = 60) -> float:
    """Median time to add one sample and redraw the CPU panel with `cores` synthetic cores."""
    from PySide6.QtWidgets import QApplication

    from mpscope.gui.bridge import RunBridge
    from mpscope.gui.cpu.panel import CpuPanel

    application()
    bridge = RunBridge(sample_ms=3_600_000)
    panel = CpuPanel(bridge)
    panel.resize(1200, 700)
    panel.show()
    rng = random.Random(1)
    now = time.time()
    for i in range(600):  # fill the window's history first
        panel.add_sample(Sample(now - 600 + i, tuple(rng.uniform(0, 100) for _ in range(cores)),
                                {}, 0.0, 0))
    times = []
    for i in range(frames):
        sample = Sample(now + i, tuple(rng.uniform(0, 100) for _ in range(cores)), {}, 0.0, 0)
        started = time.perf_counter()
        panel.add_sample(sample)
        panel.repaint()
        QApplication.processEvents()
        times.append(time.perf_counter() - started)
    panel.cleanup()
    panel.close()
    bridge.shutdown()
    return 1000 * statistics.median(times)


def measure(repeat: int) -> list[Row | Absolute]:
    stalls = [in_a_fresh_process("mpscope.bench.scale") for _ in range(repeat)]
    idle = Median.of(s[0] for s in stalls)
    loaded = Median.of(s[1] for s in stalls)
    small = Median.of(frame_ms(16) for _ in range(repeat))
    large = Median.of(frame_ms(128) for _ in range(repeat))
    return [
        Absolute(f"5a. worst GUI stall, {WORKERS} workers + {POOL_ITEMS:,}-task pool", "ms",
                 loaded, 100, note=f"idle window: {idle:.1f} ms"),
        Row("5b. CPU panel frame, 128 synthetic cores", "ms", "16 cores", small, large,
            "<= 5.0", note="absolute target <= 10 ms"),
        Absolute("5c. CPU panel frame, 128 cores (absolute)", "ms", large, 10),
    ]


if __name__ == "__main__":
    print(json.dumps(stall_ms()))
