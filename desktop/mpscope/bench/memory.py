"""12. Long runs: memory growth over a million tiny pool tasks (headless and in the window), the
window's CPU late in the run against early, and the peak of exporting such a run.

Each figure comes from a child process of its own (`python -m mpscope.bench.memory …`),
so the suites run before it cannot lend it memory. RSS and CPU are read with psutil.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from mpscope.bench.fresh import in_a_fresh_process
from mpscope.bench.table import Median, Row

# MPSCOPE_BENCH_MEMORY_TASKS scales both rows down for a quick look (the targets are for 1M).
TASKS = int(os.environ.get("MPSCOPE_BENCH_MEMORY_TASKS", "1000000"))
ALLOWED_GROWTH_MB = 20.0
CPU_WINDOW_S = 60.0  # the window's CPU: the first and the last minute (a tenth of a shorter run)
EXPORT_LIMIT_MB = 150.0
REPEATS = 2  # a million-task run takes minutes: two runs, whatever --repeat says
POOL = """
start_method = "forkserver"
[pool]
task = "square"
items = {tasks}
processes = 2
method = "imap_unordered"
chunksize = 1
"""


def measure(repeat: int) -> list[Row]:
    runs = max(1, min(repeat, REPEATS))
    headless = [_child("headless", str(TASKS)) for _ in range(runs)]
    windows = [_child("window", str(TASKS)) for _ in range(runs)]
    with tempfile.TemporaryDirectory() as data:
        _child("fill", data, str(TASKS))
        exports = [_child("export", data) for _ in range(runs)]
    at_tenth = Median.of(h["tenth_mb"] for h in headless)
    return [
        Row(f"12a. memory after {TASKS:,} tiny pool tasks, headless", "MB",
            f"RSS after 10 % + {ALLOWED_GROWTH_MB:g} MB", at_tenth + ALLOWED_GROWTH_MB,
            Median.of(h["last_mb"] for h in headless), "<= 1.0",
            note=f"grew {Median.of(h['last_mb'] - h['tenth_mb'] for h in headless):.1f} MB "
                 f"after 10 %; square, imap_unordered, chunksize 1, 2 processes"),
        Row(f"12b. memory after {TASKS:,} tiny pool tasks, window", "MB",
            f"RSS after 10 % + {ALLOWED_GROWTH_MB:g} MB",
            Median.of(w["tenth_mb"] for w in windows) + ALLOWED_GROWTH_MB,
            Median.of(w["last_mb"] for w in windows), "<= 1.0",
            note=f"grew {Median.of(w['last_mb'] - w['tenth_mb'] for w in windows):.1f} MB "
                 "after 10 %; offscreen, 1366×768, the pool panel shown"),
        Row("12c. window CPU while the pool runs: last stretch against the first", "% of a core",
            "first", Median.of(w["first_cpu"] for w in windows),
            Median.of(w["last_cpu"] for w in windows), "<= 1.1",
            note=f"{Median.of(w['stretch_s'] for w in windows):.0f} s each (a minute, or a "
                 "tenth of a shorter run); the GUI process, pool tracking included"),
        Row(f"12d. export of a {TASKS:,}-task run, peak RSS", "MB", "limit",
            EXPORT_LIMIT_MB, Median.of(e["peak_mb"] for e in exports), "<= 1.0",
            note=f"run.json of {exports[0]['size_mb']:.0f} MB"),
    ]


def _child(*args: str) -> dict[str, float]:
    figures: dict[str, float] = in_a_fresh_process("mpscope.bench.memory", *args,
                                                   timeout=3600)
    return figures


def headless(tasks: int) -> dict[str, float]:
    """`mpscope run` of `tasks` tiny tasks (recorded, as by default): RSS at 10 % and at the end."""
    import psutil

    from mpscope.core.config import loads
    from mpscope.core.console.headless import HeadlessRunner

    config = loads(POOL.format(tasks=tasks))
    me = psutil.Process()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as data:
        runner = HeadlessRunner(config, out=io.StringIO(), history=Path(data) / "h.sqlite3")
        poll = runner.run.poll

        def watched_poll(budget: float = 0.005) -> int:
            handled: int = poll(budget)
            done = runner.run.pool.items_done
            if "tenth_mb" not in figures and done >= tasks // 10:
                figures["tenth_mb"] = me.memory_info().rss / 1e6
            if "last_mb" not in figures and done >= tasks:
                figures["last_mb"] = me.memory_info().rss / 1e6
            return handled

        runner.run.poll = watched_poll  # type: ignore[method-assign]
        runner.execute()
    return figures


def window(tasks: int) -> dict[str, float]:
    """The window running `tasks` tiny tasks offscreen: RSS at 10 % and at the end, and its
    CPU over the first and the last stretch of the pool's run."""
    import psutil
    from PySide6.QtCore import QEventLoop, QTimer

    from mpscope.bench.qtloop import application
    from mpscope.core.config import loads

    with tempfile.TemporaryDirectory() as data:
        os.environ["MPSCOPE_DATA_DIR"] = data  # the run is recorded, as always, but not here
        from mpscope.gui.main_window import MainWindow

        application()
        window = MainWindow()
        window.resize(1366, 768)
        window.show()
        bridge = window.bridge
        bridge.set_config(loads(POOL.format(tasks=tasks)))
        me = psutil.Process()
        marks: list[tuple[float, float, int]] = []  # (monotonic, CPU seconds, items done)
        figures: dict[str, float] = {}
        loop = QEventLoop()

        def look() -> None:  # four times a second: a light touch beside the window's own work
            pool = bridge.pool
            done = pool.items_done if pool is not None else 0
            cpu = me.cpu_times()
            marks.append((time.monotonic(), cpu.user + cpu.system, done))
            if "tenth_mb" not in figures and done >= tasks // 10:
                figures["tenth_mb"] = me.memory_info().rss / 1e6
            ended = pool is not None and pool.started_at is not None and not pool.busy
            if done >= tasks or ended:
                figures["last_mb"] = me.memory_info().rss / 1e6
                loop.quit()

        timer = QTimer()
        timer.timeout.connect(look)
        timer.start(250)
        bridge.start()
        loop.exec()
        timer.stop()
        done = bridge.pool.items_done if bridge.pool is not None else 0
        assert done >= tasks, f"the pool ended with {done:,} of {tasks:,} items done"
        bridge.kill_all()
        bridge.shutdown()
        window.close()
    running = [m for m in marks if m[2] > 0]  # from the first finished task
    stretch = min(CPU_WINDOW_S, (running[-1][0] - running[0][0]) / 10)
    figures["first_cpu"] = _cpu_share(running, running[0][0], running[0][0] + stretch)
    figures["last_cpu"] = _cpu_share(running, running[-1][0] - stretch, running[-1][0])
    figures["stretch_s"] = stretch
    return figures


def _cpu_share(marks: list[tuple[float, float, int]], start: float, end: float) -> float:
    """% of a core between the marks nearest `start` and `end`."""
    first = min(marks, key=lambda m: abs(m[0] - start))
    last = min(marks, key=lambda m: abs(m[0] - end))
    return 100 * (last[1] - first[1]) / max(1e-9, last[0] - first[0])


def fill(data: str, tasks: int) -> dict[str, float]:
    """A history holding one run of `tasks` finished tasks (with peaks, events, samples)."""
    from mpscope.core.history.store import HistoryStore, pack_cpu

    with HistoryStore(Path(data) / "history.sqlite3") as store:
        run_id = store.begin_run(title="memory bench", started_at=0.0, status="finished")
        with store.transaction():
            store.insert("tasks", ((run_id, seq, seq, seq, 1, 1000 + seq % 2, 1 + seq % 2,
                                    seq / 1e3, seq / 1e3 + 5e-4, "ok", 1, None, None, None)
                                   for seq in range(tasks)))
            store.insert("peaks", ((run_id, "task", seq, 10 ** 7 + seq)
                                   for seq in range(0, tasks, 7)))
            store.insert("events", ((run_id, float(i), 0, "pool", f"event {i}", None)
                                    for i in range(1000)))
            store.insert("core_samples", ((run_id, float(t), pack_cpu([50.0, 50.0]), 1.0, 10 ** 8)
                                          for t in range(tasks // 1000)))
    return {"run_id": run_id}


def export(data: str) -> dict[str, float]:
    """`mpscope export 1` of the filled history: this process's peak RSS, the file's size."""
    from mpscope import cli

    os.environ["MPSCOPE_DATA_DIR"] = data
    with tempfile.TemporaryDirectory() as out:
        code = cli.main(["export", "1", "--out", out])
        size = Path(out, "run.json").stat().st_size
    assert code == 0, f"export failed ({code})"
    return {"peak_mb": _peak_rss_kb() / 1e3, "size_mb": size / 1e6}


def _peak_rss_kb() -> float:
    """This process's own peak RSS. Not ru_maxrss: Linux carries the parent's peak across
    fork and exec into it (the bench, holding ~400 MB after the window rows, made a 23 MB
    export read 415 MB); VmHWM is the peak of this process's own memory since exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    if what == "headless":
        result = headless(int(rest[0]))
    elif what == "window":
        result = window(int(rest[0]))
    elif what == "fill":
        result = fill(rest[0], int(rest[1]))
    else:
        result = export(rest[0])
    print(json.dumps(result))
