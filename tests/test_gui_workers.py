"""The workers table against real processes: progress, terminate, kill, restart, daemon lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpscope.core import config as cfg
from mpscope.core.engine.run_state import ErrorInfo, WorkerRecord
from mpscope.core.engine.states import State
from mpscope.gui.bridge import RunBridge
from mpscope.gui.workers.model import (
    Column,
    WorkersModel,
    format_duration,
    format_rate,
    progress_text,
)
from mpscope.gui.workers.panel import WorkersPanel

WAIT_MS = 20_000
CHECK = Qt.ItemDataRole.CheckStateRole
TIP = Qt.ItemDataRole.ToolTipRole


def sleepers(count: int = 2, seconds: float = 30.0, daemon: bool = False) -> cfg.RunConfig:
    return cfg.loads(f"""
        grace_seconds = 1.0
        [[workers]]
        task = "sleep_io"
        count = {count}
        daemon = {"true" if daemon else "false"}
        args = {{ seconds = {seconds}, steps = {max(2, int(seconds * 10))} }}
    """)


@pytest.fixture
def panel(qtbot):
    bridge = RunBridge(sample_ms=200)
    made = WorkersPanel(bridge)
    made.resize(1200, 400)
    made.show()
    yield made
    bridge.kill_all()
    qtbot.waitUntil(lambda: not bridge.running, timeout=WAIT_MS)
    made.cleanup()
    bridge.shutdown()
    made.close()
    made.deleteLater()


def cell(panel: WorkersPanel, row: int, column: Column, role=Qt.ItemDataRole.DisplayRole):
    return panel.model.data(panel.model.index(row, column), role)


def wait_running(panel: WorkersPanel, qtbot) -> None:
    qtbot.waitUntil(lambda: all(r.state is State.RUNNING for r in panel.bridge.records),
                    timeout=WAIT_MS)


def test_a_report_repaints_the_cells_it_changed_not_the_row(panel, qtbot):
    panel.bridge.set_config(sleepers(count=1, seconds=30))
    panel.bridge.start()
    wait_running(panel, qtbot)
    qtbot.waitUntil(lambda: panel.bridge.records[0].done > 0, timeout=WAIT_MS)
    spans = []
    panel.model.dataChanged.connect(
        lambda top, bottom, _roles=(): spans.append((top.column(), bottom.column())))
    qtbot.waitUntil(lambda: len(spans) >= 5, timeout=WAIT_MS)
    # Progress (and the sampled CPU and memory next to it) moved; name, pid, task and
    # state did not, so those cells are not repainted.
    assert all(first >= Column.PROGRESS for first, _last in spans), spans
    assert any(last == Column.PROGRESS for _first, last in spans), spans


def test_progress_arrives_without_model_resets(panel, qtbot):
    panel.bridge.set_config(sleepers(seconds=1.5))
    assert panel.model.rowCount() == 2 and panel.model.showing_plan
    resets = []
    panel.bridge.start()
    panel.model.modelReset.connect(lambda: resets.append(1))
    qtbot.waitUntil(lambda: "%" in cell(panel, 0, Column.PROGRESS), timeout=WAIT_MS)
    assert cell(panel, 0, Column.STATE) == "running"
    assert cell(panel, 0, Column.PID).isdigit()
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=WAIT_MS)
    assert [cell(panel, row, Column.STATE) for row in range(2)] == ["finished", "finished"]
    assert cell(panel, 0, Column.EXIT) == "0"
    assert resets == []  # refreshes update rows in place


def test_terminate_kill_and_restart_from_the_table(panel, qtbot):
    panel.bridge.set_config(sleepers())
    panel.bridge.start()
    wait_running(panel, qtbot)
    panel.select_row(0)
    assert panel.actions_by_name["terminate"].isEnabled()
    assert not panel.actions_by_name["restart"].isEnabled()
    panel.actions_by_name["terminate"].trigger()
    panel.select_row(1)
    qtbot.keyClick(panel.view, Qt.Key.Key_K)  # the keyboard shortcut, focus in the table
    qtbot.waitUntil(lambda: cell(panel, 1, Column.STATE) == "killed", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: cell(panel, 0, Column.STATE) == "terminated", timeout=WAIT_MS)
    assert cell(panel, 0, Column.EXIT) == "SIGTERM"
    assert "SIGKILL" in cell(panel, 1, Column.EXIT, TIP)
    panel.select_row(1)
    assert panel.actions_by_name["restart"].isEnabled()
    panel.trigger("restart")
    qtbot.waitUntil(lambda: cell(panel, 1, Column.STATE) == "running ↻1", timeout=WAIT_MS)
    panel.trigger("kill")
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=WAIT_MS)


def test_daemon_is_chosen_before_start_and_locked_after(panel, qtbot):
    panel.bridge.set_config(sleepers(count=2))
    model = panel.model
    daemon_cell = model.index(0, Column.DAEMON)
    assert model.flags(daemon_cell) & Qt.ItemFlag.ItemIsEnabled
    assert model.setData(daemon_cell, Qt.CheckState.Checked, CHECK)
    panel.select_row(1)
    panel.trigger("daemon")
    assert cell(panel, 0, Column.DAEMON, CHECK) == Qt.CheckState.Checked
    panel.trigger("daemon")  # toggles back
    assert cell(panel, 1, Column.DAEMON, CHECK) == Qt.CheckState.Unchecked
    panel.bridge.start()
    records = panel.bridge.records
    assert [r.daemon for r in records] == [True, False]  # the plan's choice reached the run
    wait_running(panel, qtbot)
    locked = model.index(0, Column.DAEMON)
    assert not model.flags(locked) & Qt.ItemFlag.ItemIsEnabled
    assert "before start()" in cell(panel, 0, Column.DAEMON, TIP)
    assert cell(panel, 0, Column.DAEMON, Qt.ItemDataRole.DecorationRole) is not None
    assert not model.setData(locked, Qt.CheckState.Unchecked, CHECK)
    assert records[0].daemon
    panel.select_row(0)
    assert not panel.actions_by_name["daemon"].isEnabled()


def test_details_show_the_traceback(panel, qtbot):
    error = ErrorInfo("ValueError", "x=3", "Traceback…\nValueError")
    record = WorkerRecord(1, "risky-0", "risky", 0, "risky", {"x": 3}, state=State.FAILED,
                          exitcode=1, error=error)
    dialog = panel.show_details(record)
    qtbot.addWidget(dialog)
    assert "risky-0" in dialog.windowTitle()
    text = dialog.text()
    assert "exit code 1" in text and text.rstrip().endswith("ValueError")
    labels = {dialog.form.itemAt(row, dialog.form.ItemRole.LabelRole).widget().text():
              dialog.form.itemAt(row, dialog.form.ItemRole.FieldRole).widget().text()
              for row in range(dialog.form.rowCount())
              if dialog.form.itemAt(row, dialog.form.ItemRole.LabelRole) is not None}
    assert labels["Call"] == "risky(x=3)" and labels["State"] == "failed"
    assert dialog.traceback is not None and "Traceback" in dialog.traceback.toPlainText()
    assert dialog.output is None  # nothing captured: no empty pane
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.traceback, Qt.Key.Key_Escape)  # Esc closes, wherever the focus is
    assert not dialog.isVisible()


def test_cell_texts():
    record = WorkerRecord(1, "w", "g", 0, "sleep_io", state=State.RUNNING, done=42, total=100,
                          rate=1234.0)
    assert progress_text(record) == "42% · 1.2k/s · ETA 0:00"
    assert format_rate(0.5) == "0.5/s" and format_rate(2.5e6) == "2.5M/s"
    assert format_duration(3723) == "1:02:03" and format_duration(12) == "0:12"


def test_pool_processes_appear_as_rows(panel, qtbot):
    panel.bridge.set_config(cfg.loads("""
        [pool]
        task = "sleep_io"
        items = [0.1, 0.1, 0.1, 0.1]
        processes = 2
    """))
    panel.bridge.start()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=WAIT_MS)  # inserted, not reset
    assert cell(panel, 0, Column.TASK) == "sleep_io (pool)"
    assert cell(panel, 0, Column.DAEMON, CHECK) is None  # the pool decides, not the user
    assert "pool" in cell(panel, 0, Column.DAEMON, TIP)
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=WAIT_MS)


def test_a_refresh_repaints_only_the_rows_that_changed(qtbot):
    from mpscope.core.engine.run import Run

    bridge = RunBridge()
    model = WorkersModel(bridge)
    bridge.run = Run(cfg.loads('[[workers]]\ntask = "sleep_io"\ncount = 256\n'))  # not started
    model._on_run_started()
    model._on_refreshed()  # first look: every row is new
    ranges = []
    model.dataChanged.connect(lambda top, bottom: ranges.append((top.row(), bottom.row())))
    model._on_refreshed()
    assert ranges == []
    records = bridge.records
    records[3].done = records[4].done = records[200].done = 1
    model._on_refreshed()
    assert ranges == [(3, 4), (200, 200)]
    bridge.run = None
    bridge.shutdown()


def test_prepare_builds_a_pending_run_that_start_then_starts(qtbot):
    bridge = RunBridge()
    model = WorkersModel(bridge)
    bridge.set_config(sleepers(count=2, seconds=0.3))
    model.set_daemon(1, True)  # chosen on the plan
    prepared = []
    bridge.run_prepared.connect(prepared.append)
    run = bridge.prepare()
    assert prepared == [run] and bridge.run is None and not bridge.running
    assert [r.state for r in run.engine.records.values()] == [State.PENDING] * 2
    assert [r.daemon for r in run.engine.records.values()] == [False, True]  # the plan's choice
    bridge.start()
    assert bridge.run is run and bridge.prepared is None and run.started_at is not None
    assert bridge.recorder is not None and bridge.recorder.run is run  # attached before start
    qtbot.waitUntil(lambda: not bridge.running, timeout=WAIT_MS)
    assert model.rowCount() == 2 and not model.showing_plan
    model.cleanup()
    bridge.shutdown()


def test_pause_and_resume_from_the_table_with_their_shortcuts(panel, qtbot):
    import psutil

    panel.bridge.set_config(sleepers())
    panel.bridge.start()
    wait_running(panel, qtbot)
    panel.select_row(0)
    assert panel.actions_by_name["pause"].isEnabled()
    assert not panel.actions_by_name["resume"].isEnabled()
    assert "SIGSTOP" in panel.actions_by_name["pause"].toolTip()
    qtbot.keyClick(panel.view, Qt.Key.Key_P)  # P: pause, focus in the table
    qtbot.waitUntil(lambda: cell(panel, 0, Column.STATE) == "paused", timeout=WAIT_MS)
    pid = panel.model.record(0).pid
    assert psutil.Process(pid).status() == psutil.STATUS_STOPPED
    assert cell(panel, 1, Column.STATE) == "running"
    qtbot.waitUntil(panel.actions_by_name["resume"].isEnabled, timeout=WAIT_MS)
    qtbot.keyClick(panel.view, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)  # resume
    # Let go of Shift: Qt keeps the last key event's modifiers as the keyboard's state, and
    # a later selectRow() (in any test) would extend a selection instead of making one.
    qtbot.keyRelease(panel.view, Qt.Key.Key_Shift)
    qtbot.waitUntil(lambda: cell(panel, 0, Column.STATE) == "running", timeout=WAIT_MS)
    assert psutil.Process(pid).status() != psutil.STATUS_STOPPED
    panel.trigger("pause")
    qtbot.waitUntil(lambda: cell(panel, 0, Column.STATE) == "paused", timeout=WAIT_MS)
    panel.trigger("stop")  # a paused worker still stops: it is continued to act on it
    qtbot.waitUntil(lambda: cell(panel, 0, Column.STATE) == "stopped", timeout=WAIT_MS)
    panel.select_row(1)
    panel.trigger("kill")
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=WAIT_MS)
