"""7. Memory of long runs: growth over a million tiny pool tasks, and the peak of exporting one.

Each figure comes from a child process of its own (`python -m mpscope.bench.memory …`),
so the suites run before it cannot lend it memory. RSS is read with psutil.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from mpscope.bench.table import Median, Row

# MPSCOPE_BENCH_MEMORY_TASKS scales both rows down for a quick look (the targets are for 1M).
TASKS = int(os.environ.get("MPSCOPE_BENCH_MEMORY_TASKS", "1000000"))
ALLOWED_GROWTH_MB = 20.0
EXPORT_LIMIT_MB = 150.0
REPEATS = 2  # a million-task run takes minutes: two runs, whatever --repeat says


def measure(repeat: int) -> list[Row]:
    runs = max(1, min(repeat, REPEATS))
    headless = [_child("headless", str(TASKS)) for _ in range(runs)]
    with tempfile.TemporaryDirectory() as data:
        _child("fill", data, str(TASKS))
        exports = [_child("export", data) for _ in range(runs)]
    at_tenth = Median.of(h["tenth_mb"] for h in headless)
    return [
        Row(f"7a. memory after {TASKS:,} tiny pool tasks, headless", "MB",
            f"RSS after 10 % + {ALLOWED_GROWTH_MB:g} MB", at_tenth + ALLOWED_GROWTH_MB,
            Median.of(h["last_mb"] for h in headless), "<= 1.0",
            note=f"grew {Median.of(h['last_mb'] - h['tenth_mb'] for h in headless):.1f} MB "
                 f"after 10 %; square, imap_unordered, chunksize 1, 2 processes"),
        Row(f"7b. export of a {TASKS:,}-task run, peak RSS", "MB", "limit",
            EXPORT_LIMIT_MB, Median.of(e["peak_mb"] for e in exports), "<= 1.0",
            note=f"run.json of {exports[0]['size_mb']:.0f} MB"),
    ]


def _child(*args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "mpscope.bench.memory", *args], check=True,
                          capture_output=True, text=True, timeout=3600)
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1] or "{}")
    return figures


def headless(tasks: int) -> dict[str, float]:
    """`mpscope run` of `tasks` tiny tasks (recorded, as by default): RSS at 10 % and at the end."""
    import psutil

    from mpscope.core.config import loads
    from mpscope.core.console.headless import HeadlessRunner

    config = loads(f"""
start_method = "forkserver"
[pool]
task = "square"
items = {tasks}
processes = 2
method = "imap_unordered"
chunksize = 1
""")
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
    # ru_maxrss: kilobytes on Linux
    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
            "size_mb": size / 1e6}


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    if what == "headless":
        result = headless(int(rest[0]))
    elif what == "fill":
        result = fill(rest[0], int(rest[1]))
    else:
        result = export(rest[0])
    print(json.dumps(result))
