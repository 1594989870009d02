"""Top tasks by time and memory in the window: live in the pool panel, and in a recorded run."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication

from mpscope.core import config as cfg
from mpscope.core.engine.run import Run
from mpscope.core.history.history_writer import attach
from mpscope.gui.history.jobs import HistoryJobs
from mpscope.gui.history.run_view import RunView
from mpscope.gui.pool.panel import PoolPanel
from polling import run_until

WAIT_MS = 30_000
SHOTS = os.environ.get("MPSCOPE_SCREENSHOTS")  # a directory: save what the test shows
ALLOCATING = """
[pool]
task = "task_helpers:allocate"
items = [60, 5, 120, 10, 30, 1]
processes = 2
chunksize = 1
"""


def test_the_pool_panel_lists_the_hungriest_and_longest_tasks(show_panel, qtbot):
    panel = show_panel(PoolPanel, 1200, 600, record_history=False)
    panel._bridge.set_config(cfg.loads(ALLOCATING))
    panel._bridge.start()
    qtbot.waitUntil(lambda: not panel._bridge.running, timeout=WAIT_MS)
    dialog = panel.show_top_tasks()
    by_memory = dialog.view.rows(dialog.view.by_memory)
    assert [row[1] for row in by_memory[:3]] == ["allocate(120)", "allocate(60)",
                                                 "allocate(30)"]
    assert len(by_memory) == 5  # the top five of six
    assert by_memory[0][4].endswith("MiB") and int(by_memory[0][4].split()[0]) >= 120
    by_time = dialog.view.rows(dialog.view.by_time)
    assert len(by_time) == 5 and all(row[3].endswith(" s") for row in by_time)
    assert not dialog.view.empty.isVisible()
    task = panel._bridge.pool.tasks[2]
    assert "Peak memory" in panel.stream.describe(task)  # the task stream's tooltip
    if SHOTS:
        dialog.resize(900, 520)
        QApplication.processEvents()
        dialog.grab().save(str(Path(SHOTS) / "top-tasks-live.png"))
    dialog.close()


def test_a_recorded_run_shows_its_top_tasks(qtbot, tmp_path):
    path = tmp_path / "history.sqlite3"
    run = Run(cfg.loads(ALLOCATING))
    recorder = attach(run, path)
    run.start()
    run_until(run, lambda: not run.busy, timeout=60)
    run_id = recorder.finish(run.exit_code())
    jobs = HistoryJobs(path)
    view = RunView(jobs, run_id)
    view.resize(1366, 700)
    view.show()
    try:
        qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
        top = view.tabs.indexOf(view.top_tasks)
        assert view.tabs.isTabEnabled(top)
        view.tabs.setCurrentIndex(top)
        rows = view.top_tasks.rows(view.top_tasks.by_memory)
        assert rows[0][1] == "allocate(120)"
        assert any(task.peak_rss for task in view.data.tasks)
        if SHOTS:
            QApplication.processEvents()
            view.grab().save(str(Path(SHOTS) / "top-tasks-recorded.png"))
    finally:
        view.close()
        jobs.cleanup()
