"""10. Component costs: the events view, the task stream, the history file and the pool's poll.

The tests check these with generous bounds (a loaded CI machine must not fail
them); the figures themselves are measured here, as medians.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mpscope.bench.qtloop import application
from mpscope.bench.table import Absolute, Median

T0 = 1_700_000_000.0


def events_ms(count: int = 10_000) -> float:
    """Append `count` events to the Events panel in one batch and show them."""
    from PySide6.QtWidgets import QApplication

    from mpscope.core.engine.run_state import Event
    from mpscope.gui.bridge import RunBridge
    from mpscope.gui.events.panel import EventsPanel

    application()
    bridge = RunBridge(sample_ms=3_600_000)
    panel = EventsPanel(bridge)
    panel.resize(800, 500)
    panel.show()
    QApplication.processEvents()
    batch = [Event(T0 + i * 1e-3, 1 + i % 4, "log", f"w: line {i}") for i in range(count)]
    began = time.perf_counter()
    panel.add_events(batch)
    QApplication.processEvents()
    took = time.perf_counter() - began
    panel.cleanup()
    bridge.shutdown()
    panel.close()
    return 1000 * took


def task_stream_ms(count: int = 10_000, processes: int = 8) -> float:
    """Update the pool's task stream after its last tasks end, and repaint it."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from mpscope.core.pool.plan import TaskRecord
    from mpscope.gui.pool.task_stream import TaskStreamPlot

    application()
    view = pg.GraphicsLayoutWidget()
    plot = TaskStreamPlot()
    view.addItem(plot)
    view.resize(800, 400)
    view.show()
    QApplication.processEvents()
    tasks = [TaskRecord(i, i, 1) for i in range(count)]
    clock = [T0] * processes
    for i, task in enumerate(tasks):
        wid = i % processes + 1
        task.wid, task.pid, task.started = wid, 1000 + wid, clock[wid - 1]
        task.ended = clock[wid - 1] = task.started + 0.001
        task.outcome = "failed" if i % 50 == 0 else "ok"
    for task in tasks[-processes:]:
        task.ended, task.outcome = None, "running"
    plot.set_rows([(wid, f"pool-{wid - 1}") for wid in range(1, processes + 1)])
    plot.update_tasks(tasks, T0, T0 + 2.0)
    for task in tasks[-processes:]:
        task.ended, task.outcome = (task.started or T0) + 0.5, "ok"
    began = time.perf_counter()
    plot.update_tasks(tasks, T0, T0 + 2.25)
    view.viewport().repaint()
    took = time.perf_counter() - began
    view.close()
    return 1000 * took


def history_mb_per_hour() -> float:
    """Bytes an hour of a typical run adds to the history: 12 processes, 3 log lines and
    10 pool tasks a second, a sample every second."""
    from mpscope.core import config as cfg
    from mpscope.core.engine.run_state import Event, WorkerRecord
    from mpscope.core.engine.sampler import Sample
    from mpscope.core.engine.states import State
    from mpscope.core.history.history_writer import Recorder
    from mpscope.core.history.store import HistoryStore

    tasks = [SimpleNamespace(task_id=i, first_index=i, count=1, pid=None, wid=None,
                             started=None, ended=None, outcome="pending", attempt=1,
                             error=None, traceback=None, history=[]) for i in range(36_000)]
    records = {}
    for wid in range(1, 13):
        records[wid] = WorkerRecord(wid, f"w{wid}", "g", wid, "sleep_io", pid=1000 + wid,
                                    kind="worker" if wid <= 8 else "pool")
        records[wid].state, records[wid].total = State.RUNNING, 3600.0
    pool = SimpleNamespace(tasks=tasks, config=SimpleNamespace(processes=2),
                           items_total=len(tasks), handler=SimpleNamespace(generation=1))
    run: Any = SimpleNamespace(config=cfg.RunConfig(title="bench"),
                               engine=SimpleNamespace(records=records), pool=pool,
                               started_at=1000.0, ended_at=None, duration=1.0,
                               exit_code=lambda: 0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.sqlite3"
        with HistoryStore(path) as store:
            empty = store.used_bytes()
        recorder = Recorder(path, run)
        for second in range(3600):
            t = 1_000_000.0 + second
            for record in records.values():
                record.done = float(second)
            for i in range(second * 10, second * 10 + 10):
                tasks[i].started, tasks[i].ended, tasks[i].pid, tasks[i].wid = t, t + 0.3, 1009, 9
                tasks[i].outcome = "ok"
            for k in range(3):
                recorder.on_event(Event(t + k / 3, 1 + k, "log", f"w{1 + k}: step {second}"))
            per_pid = {r.pid: (50.0 + second % 50, 80_000_000 + second)
                       for r in records.values() if r.pid}
            recorder.on_sample(Sample(t, (61.5, 72.25), per_pid, 1.5, 60_000_000))
        recorder.finish(0, timeout=30)
        with HistoryStore(path) as store:
            return (store.used_bytes() - empty) / 1e6


def pool_poll_ms(items: int = 2_000) -> float:
    """The longest `PoolRun.poll(0.02)` while a 2-process imap pool runs `items` squares."""
    from mpscope.core import config as cfg
    from mpscope.core.engine.engine import Engine
    from mpscope.core.pool.pool_run import PoolRun

    engine = Engine("spawn", grace_seconds=5.0, report_interval=0.05)
    config = cfg.PoolConfig(task="square", items=items, processes=2, method="imap")
    pool = PoolRun(config, engine, "spawn")
    pool.start()
    worst = 0.0
    deadline = time.monotonic() + 120
    while pool.busy and time.monotonic() < deadline:
        began = time.monotonic()
        pool.poll(0.02)
        worst = max(worst, time.monotonic() - began)
        engine.poll(0.02)
        time.sleep(0.005)
    engine.shutdown()
    return 1000 * worst


def measure(repeat: int) -> list[Absolute]:
    events = Median.of(events_ms() for _ in range(repeat))
    stream = Median.of(task_stream_ms() for _ in range(repeat))
    polls = Median.of(pool_poll_ms() for _ in range(repeat))
    history = history_mb_per_hour()
    return [
        Absolute("10a. 10,000 events appended and shown", "ms", events, 50),
        Absolute("10b. task stream: 10,000 tasks, update + paint", "ms", stream, 50),
        Absolute("10c. longest pool poll (budget 20 ms)", "ms", polls, 100,
                 note="the test's bound is generous; a blocked poll would take seconds"),
        Absolute("10d. run history written per hour", "MB", history, 8,
                 note="12 processes, 3 log lines and 10 pool tasks a second"),
    ]
