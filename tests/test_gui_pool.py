"""The pool panel against real pools, and its task stream against 10,000 synthetic tasks."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics

from mpscope.core import config as cfg
from mpscope.core.pool import Span, TaskRecord
from mpscope.gui.pool.panel import PoolPanel
from mpscope.gui.pool.task_stream import TaskStreamPlot, outcome_color
from mpscope.gui.widgets.charts import chart_style

WAIT_MS = 30_000


@pytest.fixture
def panel(show_panel):
    return show_panel(PoolPanel, 700, 600)


def run_to_the_end(panel: PoolPanel, qtbot, toml: str) -> int:
    bridge = panel._bridge
    bridge.set_config(cfg.loads(toml))
    with qtbot.waitSignal(bridge.run_finished, timeout=WAIT_MS) as finished:
        bridge.start()
    return finished.args[0]


def test_without_a_pool_the_panel_says_how_to_get_one(panel):
    assert "no pool" in panel.placeholder.text()
    panel._bridge.set_config(cfg.loads('[[workers]]\ntask = "sleep_io"'))
    assert panel._stack.currentWidget() is panel.placeholder
    assert "[pool]" in panel.placeholder.text()
    panel._bridge.set_config(cfg.loads('[pool]\ntask = "square"\nitems = 3'))
    assert "starts with the run" in panel.placeholder.text()


def test_a_real_imap_pool_fills_the_task_stream(panel, qtbot):
    code = run_to_the_end(panel, qtbot, """
        [pool]
        task = "sleep_io"
        items = [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05,
                 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05]
        processes = 2
        method = "imap"
        chunksize = 2
    """)
    assert code == 0
    pool = panel._bridge.pool
    counts = pool.counts()
    finished = [t for t in pool.tasks if t.outcome in ("ok", "failed")]
    assert len(finished) == 10 and counts["done"] == 10
    assert panel.stream.bar_count() == len(finished) == panel.stream.bar_count("ok")
    chips = [text for _color, text, _mark in panel.counts.entries[1]]
    for name in ("pending", "running", "done", "failed", "lost", "retried"):
        assert f"{name} {counts[name]}" in chips
    assert panel.progress.value() == 20 and "20 of 20" in panel.progress.format()
    assert panel.setup.text() == "imap · multiprocessing · chunksize 2 · 2 processes"
    # A row per pool process, and each bar on its process's row.
    rows = panel.stream._rows
    assert len(rows) == 2
    task = finished[0]
    hit = panel.stream.task_at((task.started + task.ended) / 2 - pool.started_at, rows[task.wid])
    assert hit is not None and hit[0] is task
    assert "Items 0–1 (2 items)" in panel.stream.describe(*hit)
    assert set(panel.insights.bars["working"].opts["width"]) != {0.0}  # time split drawn


def test_apply_async_callbacks_are_listed_with_their_counts(panel, qtbot):
    code = run_to_the_end(panel, qtbot, """
        [pool]
        task = "risky"
        items = [1, 2, 3, 4, 5, 6]
        processes = 2
        method = "apply_async"
    """)
    assert code == 1  # risky(3) and risky(6) raise
    qtbot.waitUntil(lambda: panel.callbacks.rowCount() == 6)
    texts = [panel.callbacks.event_at(row).text for row in range(6)]
    assert sum(t.startswith("error_callback") for t in texts) == 2
    assert panel.callback_count.text().startswith("4 callbacks · 2 error callbacks")
    assert panel.stream.bar_count("failed") == 2 and panel.stream.bar_count("ok") == 4


def synthetic_tasks(count: int, processes: int, t0: float) -> list[TaskRecord]:
    tasks = [TaskRecord(i, i, 1) for i in range(count)]
    clock = [t0] * processes
    for i, task in enumerate(tasks):
        wid = i % processes + 1
        task.wid, task.pid, task.started = wid, 1000 + wid, clock[wid - 1]
        task.ended = clock[wid - 1] = task.started + 0.001
        task.outcome = "failed" if i % 50 == 0 else "ok"
    return tasks


def test_ten_thousand_tasks_update_incrementally(qtbot):
    import pyqtgraph as pg

    view = pg.GraphicsLayoutWidget()
    plot = TaskStreamPlot()
    view.addItem(plot)
    view.resize(800, 400)
    view.show()
    qtbot.waitExposed(view)
    t0 = 1_700_000_000.0
    tasks = synthetic_tasks(10_000, 8, t0)
    for task in tasks[-8:]:  # the last eight still run
        task.ended, task.outcome = None, "running"
    plot.set_rows([(wid, f"pool-{wid - 1}") for wid in range(1, 9)])
    plot.update_tasks(tasks, t0, t0 + 2.0)
    assert plot.bar_count() == 10_000 and plot.bar_count("running") == 8
    assert plot.bar_count("failed") == 200
    for task in tasks[-8:]:
        task.ended, task.outcome = task.started + 0.5, "ok"
    began = time.perf_counter()
    plot.update_tasks(tasks, t0, t0 + 2.25)
    view.viewport().repaint()
    frame = time.perf_counter() - began
    assert plot.bar_count("running") == 0 and plot.bar_count("ok") == 9_800
    assert frame < 0.25  # loose for slow CI machines; benchmark 10b measures it
    view.close()


def test_a_retried_task_shows_its_lost_attempt_and_its_retry(qtbot):
    plot = TaskStreamPlot()
    t0 = 1_700_000_000.0
    task = TaskRecord(0, 0, 1, pid=2001, wid=2, started=t0 + 1.0, ended=t0 + 1.5,
                      outcome="ok", attempt=2)
    task.history.append(Span(1001, 1, t0 + 0.1, t0 + 0.4, "lost"))
    plot.set_rows([(1, "pool-0"), (2, "pool-1")])
    plot.update_tasks([task], t0, t0 + 2.0)
    assert plot.bar_count("lost") == 1 and plot.bar_count("ok") == 1
    lost = plot.task_at(0.2, 0)
    assert lost == (task, 0)
    assert "attempt 1: lost" in plot.describe(*lost)
    assert "attempt 2: ok" in plot.describe(*plot.task_at(1.2, 1))
    assert plot.task_at(0.7, 0) is None and plot.task_at(0.2, 0.45) is None
    clicked = []
    plot.task_clicked.connect(clicked.append)
    point = QPointF(1.2, 1)
    assert plot.task_at(point.x(), point.y())[0] is task


class CountingTasks(list):
    """A task list that counts the tasks read, to see what an update costs."""

    reads = 0

    def __getitem__(self, index):  # type: ignore[override]
        self.reads += 1
        return super().__getitem__(index)


def test_an_update_reads_the_tasks_in_flight_not_every_pending_one():
    from mpscope.gui.pool.task_bars import BarTable
    from mpscope.gui.pool.task_stream import DRAWN, FINAL, SPAN_OUTCOMES

    t0 = 1_700_000_000.0
    tasks = CountingTasks(TaskRecord(i, i, 1) for i in range(10_000))
    table = BarTable(DRAWN, FINAL, SPAN_OUTCOMES)
    table.rows = {1: 0, 2: 1}
    table.update(tasks, t0, t0 + 1)
    for i in range(4):  # pools start tasks in order: the first few run
        tasks[i].wid, tasks[i].started, tasks[i].outcome = 1 + i % 2, t0 + i, "running"
    tasks.reads = 0
    table.update(tasks, t0, t0 + 5)
    assert table.count(DRAWN.index("running")) == 4
    assert tasks.reads < 100  # not the 9,996 that never started
    for i in range(4):
        tasks[i].ended, tasks[i].outcome = t0 + i + 0.5, "ok"
    table.update(tasks, t0, t0 + 6)
    assert table.count(DRAWN.index("ok")) == 4 and table.count(DRAWN.index("running")) == 0


def test_a_limited_update_leaves_the_rest_for_the_next_one():
    from mpscope.gui.pool.task_bars import BarTable
    from mpscope.gui.pool.task_stream import DRAWN, FINAL, SPAN_OUTCOMES

    t0 = 1_700_000_000.0
    tasks = synthetic_tasks(5_000, 2, t0)
    table = BarTable(DRAWN, FINAL, SPAN_OUTCOMES)
    table.rows = {1: 0, 2: 1}
    calls = 0
    while True:
        table.update(tasks, t0, t0 + 10, limit=1_500)
        calls += 1
        if not table.behind:
            break
    assert calls == 4 and table.count() == 5_000


def test_a_limited_update_keeps_the_running_bars_of_the_tasks_it_left_unread():
    from mpscope.gui.pool.task_bars import BarTable
    from mpscope.gui.pool.task_stream import DRAWN, FINAL, SPAN_OUTCOMES

    t0 = 1_700_000_000.0
    tasks = synthetic_tasks(2_002, 2, t0)
    ends = [task.ended for task in tasks]
    for task in tasks:
        task.ended, task.outcome = None, "running"
    table = BarTable(DRAWN, FINAL, SPAN_OUTCOMES)
    table.rows = {1: 0, 2: 1}
    running = DRAWN.index("running")
    table.update(tasks, t0, t0 + 10)
    assert table.count(running) == 2_002
    for task, ended in zip(tasks[:-2], ends, strict=False):  # all but the last two end
        task.ended, task.outcome = ended, "ok"
    table.update(tasks, t0, t0 + 11, limit=1_500)
    assert table.behind  # the tasks after the first 1,500 keep their bars until read
    assert {2_000, 2_001} <= set(table.bars(running)[:, 4].astype(int).tolist())
    table.update(tasks, t0, t0 + 12, limit=1_500)
    assert not table.behind and table.count(running) == 2
    assert table.count(DRAWN.index("ok")) == 2_000


def test_new_rows_move_the_bars_without_reading_the_tasks_again(qtbot):
    plot = TaskStreamPlot()
    t0 = 1_700_000_000.0
    tasks = synthetic_tasks(4_000, 3, t0)  # three processes, the third not listed yet
    for task in tasks[-3:]:
        task.ended, task.outcome = None, "running"
    plot.set_rows([(1, "pool-0"), (2, "pool-1")])
    plot.update_tasks(tasks, t0, t0 + 10, limit=1_500)
    while plot.behind:
        plot.update_tasks(tasks, t0, t0 + 10, limit=1_500)
    listed = sum(1 for t in tasks if t.wid != 3)
    assert plot.bar_count() == listed and plot.bar_count("running") == 2
    # A new pool process, and pids in the labels, mid-run: every bar stays, the new
    # process's bars appear at once, each on its process's new row.
    plot.set_rows([(3, "pool-2 (1003)"), (1, "pool-0 (1001)"), (2, "pool-1 (1002)")])
    assert plot.bar_count() == len(tasks) and plot.bar_count("running") == 3
    task = tasks[5]  # wid 3
    assert plot.task_at((task.started + task.ended) / 2 - t0, 0) == (task, -1)
    plot.update_tasks(tasks, t0, t0 + 11, limit=1_500)
    assert not plot.behind and plot.bar_count() == len(tasks)
    drawn = plot._bars["ok"].opts
    assert len(drawn["x0"]) == plot.bar_count("ok") and set(drawn["y0"] + 0.5 * drawn["height"]) \
        == {0.0, 1.0, 2.0}


def test_the_progress_bar_never_paints_the_window_synchronously(panel, qtbot):
    # QProgressBar.setValue() repaints at once, which flushes every pending paint of
    # the whole window from inside the pool's update.
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, _watched, event):
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    bridge = panel._bridge
    bridge.set_config(cfg.loads('[pool]\ntask = "sleep_io"\nitems = [0.3, 0.3]\nprocesses = 2'))
    bridge.start()
    counter = PaintCounter()
    panel.progress.installEventFilter(counter)
    qtbot.waitUntil(lambda: panel.progress.isVisible(), timeout=WAIT_MS)
    qtbot.wait(50)
    panel.progress.reset()  # the next update changes the value shown
    counter.paints = 0
    panel.update_now()  # a paint is due, but not now
    assert counter.paints == 0
    qtbot.waitUntil(lambda: counter.paints > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not bridge.running, timeout=WAIT_MS)


def drawn_labels(plot) -> list[tuple[float, str]]:
    """(value, label) of every x tick as the axis draws them now."""
    axis = plot.getAxis("bottom")
    low, high = plot.getViewBox().viewRange()[0]
    pairs = []
    for spacing, values in axis.tickValues(low, high, axis.width()):
        texts = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        pairs += list(zip(values, texts, strict=True))
    return pairs


def test_a_short_pool_is_drawn_in_seconds_after_a_restyle(panel, qtbot):
    # Under a second on the axis (a short pool, or zoomed in), then a restyle (presenter
    # mode, a theme, a font): pyqtgraph kept the "milli" scale of that moment, and a
    # task at 0.4 s was labelled 400.
    code = run_to_the_end(panel, qtbot, """
        [pool]
        task = "sleep_io"
        items = [0.1, 0.1, 0.1, 0.1]
        processes = 2
        method = "map"
    """)
    assert code == 0
    for plot in (panel.stream, panel.insights):
        plot.setXRange(0.0, 0.5, padding=0)
    chart_style().set_presenter(True)
    chart_style().set_presenter(False)
    for plot in (panel.stream, panel.insights):
        labels = drawn_labels(plot)
        assert "0.4" in [text for value, text in labels if abs(value - 0.4) < 1e-9], labels
        assert labels, "no tick labels"
        for value, text in labels:
            assert float(text) == pytest.approx(value, abs=1e-9), labels


def test_the_time_split_labels_do_not_run_into_each_other(panel):
    axis = panel.insights.getAxis("bottom")
    metrics = QFontMetrics(axis.style["tickFont"] or panel.font())
    for width in (60, 120, 240):
        for high in (0.8, 6.0, 75.0, 4000.0):
            ticks = axis.tickSpacing(0.0, high, width)
            step = ticks[0][0]
            labels = axis.tickStrings([step * i for i in range(int(high / step) + 1)], 1, step)
            room = width / max(1, len(labels))
            assert max(metrics.horizontalAdvance(t) for t in labels) < room, (width, high, labels)


def test_a_failed_map_async_says_so_and_a_finished_pool_shows_its_average_rate(panel, qtbot):
    code = run_to_the_end(panel, qtbot, """
        [pool]
        task = "risky"
        items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
        processes = 2
        method = "map_async"
        chunksize = 4
    """)
    assert code == 1
    panel.update_now()
    assert panel.progress.format().startswith("failed")
    assert panel.progress.palette().color(panel.progress.palette().ColorRole.Highlight) == \
        outcome_color("failed", panel.palette())
    assert panel.rate.text() == ""  # no live "0.0 items/s" once over (and no item came back)
    assert panel.counts.entries[0] == "Tasks of 4 items"  # the counts are chunks: said so
    code = run_to_the_end(panel, qtbot, """
        [pool]
        task = "square"
        items = 40
        processes = 2
        method = "map"
    """)
    assert code == 0
    panel.update_now()
    assert panel.progress.format().startswith("done")
    assert panel.progress.palette().color(panel.progress.palette().ColorRole.Highlight) == \
        panel.palette().color(panel.palette().ColorRole.Highlight)
    assert panel.rate.text().startswith("avg ") and panel.rate.text().endswith(" items/s")


def test_save_results_writes_each_item_with_its_result_once_the_run_has_ended(
        panel, qtbot, tmp_path):
    import json

    from mpscope.gui.pool.save_results import save_results

    assert not panel.save_button.isEnabled() or panel._bridge.pool is None
    run_to_the_end(panel, qtbot, '[pool]\ntask = "square"\nitems = 5\nprocesses = 2\n'
                                 'method = "imap"\n')
    assert panel.save_button.isEnabled()
    assert "JSON lines" in panel.save_button.toolTip()
    path = tmp_path / "results.jsonl"
    assert save_results(panel, panel._bridge.pool, str(path)) == 5
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(row["item"], row["result"]) for row in rows] == [(i, i * i) for i in range(5)]
