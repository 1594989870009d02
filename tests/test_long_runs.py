"""Long runs do not cost more as they go on: bounded task bars, bounded headless growth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mpscope.core.pool import TaskRecord
from mpscope.gui.pool.task_bars import RECENT_BARS, BarTable
from mpscope.gui.pool.task_stream import DRAWN, FINAL, SPAN_OUTCOMES

DESKTOP = Path(__file__).resolve().parent.parent / "desktop"


def test_the_task_stream_keeps_only_the_newest_finished_bars():
    t0 = 1_700_000_000.0
    tasks = [TaskRecord(i, i, 1) for i in range(6_000)]
    table = BarTable(DRAWN, FINAL, SPAN_OUTCOMES)
    table.rows = {1: 0, 2: 1}
    table.recent = 1_000
    for batch in range(0, len(tasks), 500):  # tasks finish 500 between two updates
        for i in range(batch, batch + 500):
            task = tasks[i]
            task.wid, task.pid, task.started = 1 + i % 2, 1000 + i % 2, t0 + i / 100
            task.ended, task.outcome = task.started + 0.005, "failed" if i % 7 == 0 else "ok"
        changed = table.update(tasks, t0, t0 + batch / 100 + 5)
        assert len(table.closed) <= 1_000
    assert table.count() == 1_000
    assert int(table.closed[:, 4].min()) == 5_000  # the newest 1,000 tasks
    assert DRAWN.index("failed") in changed  # dropped failures are redrawn away too
    assert RECENT_BARS >= 10_000  # the window still shows a good stretch of a fast pool


def test_a_recorded_run_draws_every_task_it_loaded(qtbot):
    from mpscope.gui.history.run_charts import RunTaskStream

    chart = RunTaskStream()
    qtbot.addWidget(chart)
    assert chart.stream.table.recent > 10 ** 9


def test_a_50000_task_headless_run_grows_by_a_bounded_amount():
    # `mpscope run` of 50,000 tiny tasks, recorded: RSS at 10 % and at the end. The soak
    # found about 290 bytes a task (15 MB here); the bound is generous, to catch a leak of
    # a kilobyte or more a task, not to measure (bench: `python -m mpscope.bench --only memory`).
    env = {**os.environ, "PYTHONPATH": str(DESKTOP)}
    done = subprocess.run([sys.executable, "-m", "mpscope.bench.memory", "headless", "50000"],
                          capture_output=True, text=True, timeout=300, env=env, check=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    growth = figures["last_mb"] - figures["tenth_mb"]
    assert growth < 45, f"grew {growth:.1f} MB between 10 % and 100 %"


def test_a_50000_task_run_in_the_window_grows_by_a_bounded_amount():
    # The same pool in the real window, offscreen, in a process of its own (the bench's
    # child). The bound catches a leak of a kilobyte a task, not the target (bench row 12b).
    env = {**os.environ, "PYTHONPATH": str(DESKTOP), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "mpscope.bench.memory", "window", "50000"],
                          capture_output=True, text=True, timeout=300, env=env, check=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    growth = figures["last_mb"] - figures["tenth_mb"]
    assert growth < 45, f"grew {growth:.1f} MB between 10 % and 100 %"
    assert figures["first_cpu"] > 0 and figures["last_cpu"] > 0  # both stretches were measured


def test_pool_results_are_kept_compactly_and_read_back_as_pairs():
    import tracemalloc

    from mpscope.core.pool.result_list import ResultList

    results = ResultList()
    results.add(10, ["a", None])
    results.extend([(0, 1.5)])
    assert list(results) == [(10, "a"), (11, None), (0, 1.5)] == results
    assert len(results) == 3 and dict(results)[11] is None and sorted(results)[0] == (0, 1.5)
    values = [object() for _ in range(100_000)]  # the values are the task's own: not counted
    tracemalloc.start()
    try:
        kept = ResultList()
        for index in range(100_000):
            kept.add(1_000 + index, values[index:index + 1])
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size < 100_000 * 30  # a list of (index, value) tuples took about 90 bytes a result


def test_results_past_a_batch_spill_to_a_temporary_file_and_read_back_in_order():
    from mpscope.core.pool.result_list import ResultList

    results = ResultList(spill_at=1_000)
    for first in range(0, 10_500, 3):
        results.add(first, [first * first, None, f"r{first}"][: min(3, 10_500 - first)])
    expected = [(i, [(i - i % 3) ** 2, None, f"r{i - i % 3}"][i % 3]) for i in range(10_500)]
    assert len(results) == 10_500 and results.spilled >= 9_000
    assert len(results._values) < 1_003  # one batch at most stays in memory
    assert list(results) == expected == results  # twice: reading does not consume
    assert dict(results)[9_999] == 9_999 ** 2 and dict(results)[10_000] is None


def test_results_that_cannot_be_pickled_stay_in_memory():
    import threading

    from mpscope.core.pool.result_list import ResultList

    locks = [threading.Lock() for _ in range(50)]
    results = ResultList(spill_at=10)
    results.extend(enumerate(locks))
    assert results.spilled == 0 and [value for _, value in results] == locks


def test_finished_tasks_keep_no_objects_per_time_or_peak():
    import tracemalloc

    from mpscope.core.pool.plan import make_tasks

    tasks = make_tasks(50_000, 1)
    tracemalloc.start()
    try:
        for i, task in enumerate(tasks):  # fresh floats and ints, as unpickled from a report
            task.started, task.ended, task.peak_rss = 1e9 + i / 7, 1e9 + i / 5, 10 ** 8 + i
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size < 50_000 * 4  # three objects a task kept about 80 bytes
    task = tasks[123]
    assert (task.started, task.ended, task.peak_rss) == (
        1e9 + 123 / 7, 1e9 + 123 / 5, 10 ** 8 + 123)
    task.archive("lost")
    assert (task.started, task.ended, task.peak_rss, task.history[0].started) == (
        None, None, None, 1e9 + 123 / 7)
    assert make_tasks(3, 1)[0].started is None and TaskRecord(0, 0, 1, started=2.5).started == 2.5
