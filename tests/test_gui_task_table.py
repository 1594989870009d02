"""Every task of a recorded run in the History view's Tasks tab: sortable, with peak and error."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpscope.core import config as cfg
from mpscope.core.engine.run import Run
from mpscope.core.history.history_writer import attach
from mpscope.gui.history.jobs import HistoryJobs
from mpscope.gui.history.run_data import RunData, TaskRow
from mpscope.gui.history.run_view import RunView
from mpscope.gui.history.task_table import TaskTable
from polling import run_until

WAIT_MS = 30_000
SHOTS = os.environ.get("MPSCOPE_SCREENSHOTS")  # a directory: save what the test shows
MIXED = """
[pool]
task = "task_helpers:allocate"
items = [60, 5, 120, 10, 30, 1]
processes = 2
chunksize = 1
"""
FAILING = """
[pool]
task = "risky"
items = [1, 2, 3, 4, 5, 6, 7]
processes = 2
chunksize = 2
"""


def _recorded(qtbot, tmp_path: Path, text: str) -> tuple[RunView, HistoryJobs]:
    path = tmp_path / "history.sqlite3"
    run = Run(cfg.loads(text))
    recorder = attach(run, path)
    run.start()
    run_until(run, lambda: not run.busy, timeout=60)
    run_id = recorder.finish(run.exit_code())
    jobs = HistoryJobs(path)
    view = RunView(jobs, run_id)
    view.resize(1366, 700)
    view.show()
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    view.tabs.setCurrentWidget(view.task_table)
    return view, jobs


def _column(table: TaskTable, column: int) -> list[str]:
    model = table.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_every_task_with_its_peak_memory_sorted_by_a_header_click(qtbot, tmp_path):
    view, jobs = _recorded(qtbot, tmp_path, MIXED)
    try:
        table = view.task_table
        assert view.tabs.isTabEnabled(view.tabs.indexOf(table))
        assert table.model.rowCount() == 6 and table.count.text() == "6 tasks"
        assert _column(table, 0) == ["0", "1", "2", "3", "4", "5"]  # in task order at first
        assert _column(table, 1) == ["0", "1", "2", "3", "4", "5"]  # one item each
        assert set(_column(table, 5)) == {"done"}
        assert all("(pid " in text for text in _column(table, 2))
        header = table.view.horizontalHeader()
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=header.rect().topLeft() + _section_centre(header, 6))
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=header.rect().topLeft() + _section_centre(header, 6))
        assert header.sortIndicatorSection() == 6
        assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        peaks = [t.peak_rss for t in table.model.tasks]
        assert peaks == sorted(peaks, reverse=True)
        assert table.model.tasks[0].first_index == 2  # allocate(120): the hungriest
        assert 120 <= peaks[0] / 2**20 < 220
        assert _column(table, 6)[0].endswith("MiB")
        if SHOTS:
            QApplication.processEvents()
            view.grab().save(str(Path(SHOTS) / "task-table-recorded.png"))
    finally:
        view.close()
        jobs.cleanup()


def _section_centre(header, column):
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    return QPoint(x, header.height() // 2)


def test_failed_chunks_show_their_items_and_error(qtbot, tmp_path):
    view, jobs = _recorded(qtbot, tmp_path, FAILING)
    try:
        table = view.task_table
        assert table.model.rowCount() == 4  # chunks of 2 items: 1-2, 3-4, 5-6, 7
        assert _column(table, 1) == ["0–1 (2)", "2–3 (2)", "4–5 (2)", "6"]
        outcomes = _column(table, 5)
        assert outcomes == ["done", "failed", "failed", "done"]
        errors = _column(table, 7)
        assert "divisible by 3" in errors[1] and errors[0] == ""
        table.view.selectRow(1)
        details = table.details.toPlainText()
        assert details.startswith("Task 1, items 2–3 (2): failed")
        assert "ValueError" in details and "Traceback" in details
        table.model.sort(5, Qt.SortOrder.AscendingOrder)  # by outcome: done first
        assert _column(table, 5) == ["done", "done", "failed", "failed"]
    finally:
        view.close()
        jobs.cleanup()


def test_two_hundred_thousand_tasks_fill_and_sort_without_a_widget_per_row(qtbot):
    n = 200_000
    rng = np.random.default_rng(1)
    durations = rng.random(n)
    tasks = [TaskRow(i, i, 1, 1000 + i % 4, 1 + i % 4, 100.0 + i * 0.001,
                     100.0 + i * 0.001 + float(durations[i]), "ok", 1, None, None)
             for i in range(n)]
    data = RunData({"started_at": 100.0}, [{"wid": w, "name": f"pool-{w}"} for w in range(1, 5)],
                   [], tasks, n, np.zeros(0), np.zeros((0, 0)), {})
    table = TaskTable()
    qtbot.addWidget(table)
    table.resize(1366, 600)
    table.show()
    began = time.perf_counter()
    table.set_data(data)
    table.model.sort(4, Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()
    assert time.perf_counter() - began < 10  # generous: a shared machine
    assert table.model.tasks[0].task_id == int(np.argmax(durations))
    assert table.findChildren(type(table.count)) == [table.count]  # one label, no cell widgets
    assert table.model.index(0, 2).data() == f"pool-{1 + table.model.tasks[0].task_id % 4} " \
        f"(pid {1000 + table.model.tasks[0].task_id % 4})"
