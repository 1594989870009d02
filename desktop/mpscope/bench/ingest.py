"""2. Ingest: 8 stream workers flat out into the window's drain, against a bare reader loop."""

from __future__ import annotations

import multiprocessing.connection
import time

from mpscope.bench.qtloop import LatenessProbe, application, spin_until
from mpscope.bench.table import Absolute, Median, Row
from mpscope.core.config import loads
from mpscope.core.engine.run import Run

WRITERS = 8
MESSAGES = 60_000


def _config() -> str:
    return f"""
[[workers]]
task = "stream"
count = {WRITERS}
args = {{ messages = {MESSAGES}, payload_bytes = 16 }}
"""


def _rate(run: Run, elapsed: float) -> float:
    total = sum(r.received for r in run.engine.records.values())
    assert all(r.received == r.sent for r in run.engine.records.values()), "messages lost"
    return total / elapsed


def bare() -> float:
    """The same writers read by a tight loop with no GUI at all."""
    run = Run(loads(_config()))
    run.start()
    started = time.perf_counter()
    while True:
        run.poll(0.05)
        if not run.busy:
            break  # no wait after the end: it would count against the baseline
        multiprocessing.connection.wait(run.wait_handles(), timeout=0.01)
    return _rate(run, time.perf_counter() - started)


def in_window() -> tuple[float, float]:
    """Through the window's QTimer drain; returns (messages/s, worst probe lateness in s)."""
    application()
    window, bridge = _window()
    bridge.set_config(loads(_config()))
    probe = LatenessProbe()
    probe.start()
    bridge.start()
    started = time.perf_counter()
    assert spin_until(lambda: not bridge.running, 120)
    elapsed = time.perf_counter() - started
    probe.stop()
    rate = _rate(bridge.run, elapsed)  # type: ignore[arg-type]
    bridge.shutdown()
    if window is not None:
        window.close()
    return rate, probe.worst


def _window():  # type: ignore[no-untyped-def]
    """The real main window when it exists; else the bridge alone."""
    try:
        from mpscope.gui.main_window import MainWindow
    except ImportError:
        from mpscope.gui.bridge import RunBridge

        return None, RunBridge()
    window = MainWindow()
    window.show()
    return window, window.bridge


def measure(repeat: int) -> list[Row | Absolute]:
    base, ours, late = [], [], []
    for _ in range(repeat):
        base.append(bare())
        rate, worst = in_window()
        ours.append(rate)
        late.append(worst)
    return [
        Row(f"2. ingest ({WRITERS} stream writers)", "msg/s", "bare reader loop",
            Median.of(base), Median.of(ours), ">= 0.95", higher_is_better=True),
        Absolute("2b. worst probe lateness during the flood", "ms", 1000 * max(late), 30,
                 note="5 ms QTimer; worst of all repeats"),
    ]
