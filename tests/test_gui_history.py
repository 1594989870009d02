"""The History panel on a real database: runs from the window, open, compare, export, delete."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from mpscope.core.engine.states import State
from mpscope.core.history.export import format_runs
from mpscope.core.history.paths import history_path
from mpscope.core.history.store import HistoryStore
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.history.jobs import describe_error
from mpscope.gui.history.panel import HistoryPanel
from mpscope.gui.history.runs_model import RunColumn, status_color
from mpscope.gui.main_window import MainWindow

WAIT_MS = 30_000


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = MainWindow(bridge=RunBridge(sample_ms=150), settings=settings)
    made.show()
    made.docks["history"].raise_()
    yield made
    if made.isVisible():
        made.bridge.kill_all()
        qtbot.waitUntil(lambda: not made.bridge.running, timeout=WAIT_MS)
        made.close()
    made.deleteLater()


def run_from_window(window: MainWindow, qtbot, seconds: float = 0.6, pool: bool = True,
                    title: str = "history test") -> int:
    """Start a real run with the window's own Start, wait until the History lists it ended."""
    form = {"title": title, "workers": [{"task": "sleep_io", "count": 2,
                                         "args": {"seconds": seconds, "steps": 6}}]}
    if pool:
        form["pool"] = {"task": "sleep_io", "items": [0.05] * 8, "processes": 2,
                        "method": "imap"}
    window.launch.set_form(form)
    window.last_exit_code = None
    window.actions_by_name["start"].trigger()
    qtbot.waitUntil(lambda: window.last_exit_code is not None, timeout=WAIT_MS)
    run_id = window.bridge.recorder.run_id
    assert run_id is not None
    panel = window.history
    qtbot.waitUntil(lambda: listed_status(panel, run_id) == "finished", timeout=WAIT_MS)
    return run_id


def listed_status(panel: HistoryPanel, run_id: int) -> str | None:
    row = panel.model.row_of(run_id)
    return panel.model.run(row)["status"] if row >= 0 else None


def cell(panel: HistoryPanel, run_id: int, column: RunColumn,
         role=Qt.ItemDataRole.DisplayRole):
    return panel.model.data(panel.model.index(panel.model.row_of(run_id), column), role)


def test_a_run_from_the_window_is_listed_once_it_ends(window, qtbot):
    run_id = run_from_window(window, qtbot)
    panel = window.history
    assert cell(panel, run_id, RunColumn.TITLE) == "history test"
    assert cell(panel, run_id, RunColumn.STATUS) == "succeeded"
    assert cell(panel, run_id, RunColumn.EXIT) == "0"
    assert cell(panel, run_id, RunColumn.WORKERS) == "2"
    assert cell(panel, run_id, RunColumn.TASKS) == "8"
    assert cell(panel, run_id, RunColumn.DURATION).endswith(" s")
    assert status_color("finished") == theme.state_color(State.FINISHED)
    assert "recorded" in panel.count.text()


def test_a_run_with_a_killed_worker_is_not_a_green_finished(window, qtbot):
    form = {"title": "one killed", "workers": [
        {"task": "sleep_io", "count": 1, "name": "ok", "args": {"seconds": 0.3, "steps": 3}},
        {"task": "sleep_io", "count": 1, "name": "victim", "args": {"seconds": 60, "steps": 600}}]}
    window.launch.set_form(form)
    window.last_exit_code = None
    window.actions_by_name["start"].trigger()
    bridge = window.bridge
    qtbot.waitUntil(lambda: bridge.records[1].state is State.RUNNING, timeout=WAIT_MS)
    bridge.control("kill", bridge.records[1].wid)
    qtbot.waitUntil(lambda: window.last_exit_code is not None, timeout=WAIT_MS)
    run_id = bridge.recorder.run_id
    panel = window.history
    qtbot.waitUntil(lambda: listed_status(panel, run_id) == "finished", timeout=WAIT_MS)
    assert cell(panel, run_id, RunColumn.STATUS) == "stopped"
    green = theme.state_color(State.FINISHED)
    assert status_color("stopped") == theme.state_color(State.STOPPED) != green
    assert "stopped" in cell(panel, run_id, RunColumn.STATUS, Qt.ItemDataRole.ToolTipRole)
    view = panel.open_run(run_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    header = view.header.text()
    assert "stopped" in header and "finished" not in header and green.name() not in header
    view.close()
    with HistoryStore(history_path()) as store:  # `mpscope history` prints the same word
        row = next(r for r in store.list_runs() if r["id"] == run_id)
    assert row["outcome"] == "stopped"
    assert " stopped " in format_runs([row]).splitlines()[-1]
    assert "\033[35mstopped" in format_runs([row], color=True)


def test_opening_a_run_shows_its_workers_events_cpu_and_tasks(window, qtbot):
    run_id = run_from_window(window, qtbot)
    panel = window.history
    panel.view.select_ids([run_id])
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # Enter opens the selected run
    assert len(panel.views) == 1
    view = panel.views[0]
    assert view.pages.currentIndex() == 0  # the busy page: the run loads on a worker thread
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    data = view.data
    assert view.pages.currentIndex() == 1 and view.error is None
    assert view.workers.table.rowCount() == 4  # 2 workers and 2 pool processes
    states = {view.workers.table.item(row, 2).text() for row in range(4)}
    assert states == {"finished"}
    assert view.events.model.rowCount() == len(data.events) > 4
    assert data.core_t.size >= 1 and data.core_v.shape[0] >= 1  # CPU samples as recorded
    assert len(view.charts.core_curves) == data.core_v.shape[0] or view.charts.image is not None
    assert set(data.progress) >= {w["wid"] for w in data.workers if w["kind"] == "worker"}
    assert view.stream.stream.bar_count("ok") == 8
    assert "succeeded" in view.header.text() and f"#{run_id}" in view.header.text()
    view.close()
    qtbot.waitUntil(lambda: not panel.views)


def test_two_runs_compared_show_the_speedup(window, qtbot):
    # 2.4 s against 0.3 s: the speedup stays above 1.5 even when starts take seconds.
    slow = run_from_window(window, qtbot, seconds=2.4, pool=False)
    fast = run_from_window(window, qtbot, seconds=0.3, pool=False)
    panel = window.history
    panel.view.select_ids([fast, slow])
    assert panel.actions_by_name["compare"].isEnabled()
    panel.actions_by_name["compare"].trigger()
    view = panel.views[-1]
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    assert view.ids == (slow, fast)  # the older run is A
    assert view.result["speedup"] > 1.5 and view.result["same_config"] is False  # seconds differ
    assert "faster" in view.verdict.text()
    labels = [view.table.verticalHeaderItem(r).text() for r in range(view.table.rowCount())]
    outcomes = view.table.item(labels.index("Worker outcomes"), 0).text()
    assert outcomes == "2 finished"
    assert any(label.startswith("Throughput") for label in labels)


def test_export_writes_json_csv_and_chart_images(window, qtbot, tmp_path):
    run_id = run_from_window(window, qtbot)
    panel = window.history
    panel.view.select_ids([run_id])
    messages = []
    panel.message.connect(messages.append)
    panel.export_selected("json", folder=str(tmp_path))
    panel.export_selected("csv", folder=str(tmp_path))
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=WAIT_MS)
    folder = tmp_path / f"run-{run_id}"
    document = json.loads((folder / "run.json").read_text())
    assert document["run"]["id"] == run_id and len(document["workers"]) == 4
    with (folder / "workers.csv").open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    with (folder / "tasks.csv").open(newline="") as handle:
        assert [row["outcome"] for row in csv.DictReader(handle)] == ["ok"] * 8
    view = panel.open_run(run_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    view.resize(1000, 700)
    pngs = view.export_plots("png", str(tmp_path))
    svgs = view.export_plots("svg", str(tmp_path))
    assert [p.name for p in pngs] == [f"run-{run_id}-{n}.png" for n in ("cpu", "progress",
                                                                           "tasks")]
    assert all(not QImage(str(p)).isNull() and QImage(str(p)).width() > 100 for p in pngs)
    assert all("<svg" in p.read_text() for p in svgs)
    assert "Ctrl+Shift+P" in view.actions_by_name["png"].toolTip()  # the shortcut is named
    view.close()


def test_delete_asks_first_and_removes_the_run(window, qtbot, monkeypatch):
    run_id = run_from_window(window, qtbot, pool=False)
    panel = window.history
    answers = [False, True]
    asked = []
    monkeypatch.setattr(panel, "confirm_delete", lambda ids: asked.append(ids) or answers.pop(0))
    panel.view.select_ids([run_id])
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)  # Del, answered "no"
    assert asked == [[run_id]] and panel.model.row_of(run_id) >= 0
    with qtbot.waitSignal(panel.listed, timeout=WAIT_MS):
        panel.actions_by_name["delete"].trigger()
    assert asked[-1] == [run_id] and panel.model.row_of(run_id) == -1
    with HistoryStore(history_path()) as store:
        assert store.get_run(run_id) is None


def dead_process() -> tuple[int, float]:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    token = psutil.Process(process.pid).create_time()
    process.wait()
    return process.pid, token


def test_a_run_whose_recorder_died_is_shown_as_interrupted(qtbot):
    pid, token = dead_process()
    started = time.time() - 60
    with HistoryStore(history_path()) as store, store.transaction():
        run_id = store.begin_run(title="killed mid-run", pid=pid, pid_started=token,
                                 started_at=started)
        store.update_run(run_id, heartbeat=started + 12.5)
    bridge = RunBridge()
    panel = HistoryPanel(bridge)
    qtbot.addWidget(panel)
    try:
        qtbot.waitUntil(lambda: listed_status(panel, run_id) == "interrupted", timeout=WAIT_MS)
        assert cell(panel, run_id, RunColumn.STATUS) == "interrupted"
        assert "died" in cell(panel, run_id, RunColumn.STATUS, Qt.ItemDataRole.ToolTipRole)
        assert cell(panel, run_id, RunColumn.DURATION) == "12.5 s"
        assert cell(panel, run_id, RunColumn.EXIT) == "—"
        with qtbot.waitSignal(panel.listed, timeout=WAIT_MS):
            panel.status_combo.setCurrentIndex(panel.status_combo.findData("interrupted"))
        assert {panel.model.run(r)["status"] for r in range(panel.model.rowCount())} == {
            "interrupted"}
        with qtbot.waitSignal(panel.listed, timeout=WAIT_MS):
            panel.search.setText("killed mid")
        assert [panel.model.run(r)["id"] for r in range(panel.model.rowCount())] == [run_id]
        view = panel.open_run(run_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
        assert "interrupted" in view.header.text()
        assert "no samples" in view.charts.cpu_legend.text()
        view.close()
    finally:
        panel.cleanup()
        bridge.shutdown()


@pytest.mark.parametrize("make", ["garbage", "folder_is_a_file"])
def test_a_broken_history_is_one_clear_line_not_a_traceback(qtbot, tmp_path, make):
    if make == "garbage":
        path = tmp_path / "history.sqlite3"
        path.write_bytes(b"this is not a database at all" * 100)
        expected = "not a database"
    else:
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "history.sqlite3"
        expected = "cannot open"
    bridge = RunBridge()
    panel = HistoryPanel(bridge, path=path)
    qtbot.addWidget(panel)
    try:
        qtbot.waitUntil(lambda: panel.error is not None, timeout=WAIT_MS)
        assert panel.notice.isVisibleTo(panel)
        text = panel.notice.text()
        assert "cannot be read" in text and expected in text and "Traceback" not in text
        view = panel.open_run(1)  # opening fails the same clear way
        qtbot.waitUntil(lambda: view.error is not None, timeout=WAIT_MS)
        assert expected in view.notice.text()
        view.close()
    finally:
        panel.cleanup()
        bridge.shutdown()


def test_database_errors_are_described_in_words():
    assert "locked" in describe_error(sqlite3.OperationalError("database is locked"))
    assert "damaged" in describe_error(sqlite3.DatabaseError("database disk image is malformed"))
    assert describe_error(RuntimeError("boom")) == "RuntimeError: boom"


def test_the_history_dock_is_tabbed_with_events_and_toggled_from_the_view_menu(window):
    dock = window.docks["history"]
    assert dock in window.tabifiedDockWidgets(window.docks["events"])
    view_menu = next(a for a in window.menuBar().actions() if a.text() == "&View").menu()
    toggles = view_menu.actions()
    assert dock.toggleViewAction() in toggles
    assert isinstance(dock.widget(), HistoryPanel)


def test_export_writes_into_a_folder_per_run(tmp_path):
    from mpscope.gui.history.run_data import export_runs

    with HistoryStore(tmp_path / "h.sqlite3") as store, store.transaction():
        a = store.begin_run(title="a", status="finished")
        b = store.begin_run(title="b", status="finished")
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        paths = export_runs(store, [a, b], "json", tmp_path / "out")
    assert [p.relative_to(tmp_path / "out") for p in paths] == [
        Path(f"run-{a}") / "run.json", Path(f"run-{b}") / "run.json"]


def test_ctrl_w_closes_a_run_or_compare_window_wherever_its_focus_is(window, qtbot):
    from PySide6.QtWidgets import QApplication, QWidget

    a = run_from_window(window, qtbot, seconds=0.3, pool=False)
    b = run_from_window(window, qtbot, seconds=0.3, pool=False)
    panel = window.history
    run_view = panel.open_run(b)
    qtbot.waitUntil(lambda: run_view.data is not None, timeout=WAIT_MS)
    panel.view.select_ids([a, b])
    panel.actions_by_name["compare"].trigger()
    compare = panel.views[-1]
    qtbot.waitUntil(lambda: compare.result is not None, timeout=WAIT_MS)
    for view in (run_view, compare):
        focusable = [w for w in view.findChildren(QWidget)
                     if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus]
        target = focusable[-1]  # deep inside: a chart, a tab bar or the table
        view.activateWindow()
        qtbot.waitUntil(lambda view=view: QApplication.activeWindow() is view)
        target.setFocus()
        qtbot.keyClick(target, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda view=view: all(v is not view for v in panel.views))


def test_compare_overlays_both_runs_and_says_what_is_not_meaningful(window, qtbot):
    a = run_from_window(window, qtbot, seconds=0.3, pool=True)  # pools of 8 items
    b = run_from_window(window, qtbot, seconds=0.3, pool=True)
    panel = window.history
    panel.view.select_ids([a, b])
    panel.actions_by_name["compare"].trigger()
    view = panel.views[-1]
    qtbot.waitUntil(lambda: view.result is not None, timeout=WAIT_MS)
    for curves in (view.charts.cpu_curves, view.charts.progress_curves):
        assert all(curve.getData()[0] is not None and curve.getData()[0].size
                   for curve in curves)  # run A and run B on the same chart
    assert [float(c.getData()[1][-1]) for c in view.charts.progress_curves] == [100.0, 100.0]
    labels = [view.table.verticalHeaderItem(r).text() for r in range(view.table.rowCount())]
    throughput = next(i for i, label in enumerate(labels) if label.startswith("Throughput"))
    assert "only 8 items: not meaningful" in view.table.item(throughput, 0).text()
    assert view.table.item(labels.index("Outcome"), 1).text() == "succeeded"
    assert "too few pool items" in view.verdict.text() and "B/A:" not in view.verdict.text()
    view.close()
