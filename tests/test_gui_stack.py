"""The Stack action on the workers table: the dialog shows a real process's stacks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from mpscope.core import config as cfg
from mpscope.core.engine.states import State
from mpscope.gui.bridge import RunBridge
from mpscope.gui.workers.panel import WorkersPanel
from mpscope.gui.workers.stack_dialog import StackDialog

WAIT_MS = 20_000
SHOTS = os.environ.get("MPSCOPE_SCREENSHOTS")  # a directory: save what the test shows


@pytest.fixture
def panel(qtbot):
    bridge = RunBridge(sample_ms=3_600_000, record_history=False)
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


def test_the_stack_action_shows_where_the_worker_is_stuck(panel, qtbot):
    panel.bridge.set_config(cfg.loads("""
        [[workers]]
        task = "task_helpers:stuck_in_known_function"
        count = 1
    """))
    action = panel.actions_by_name["stack"]
    panel.select_row(0)
    assert not action.isEnabled()  # the plan has no process to ask
    panel.bridge.start()
    record = panel.bridge.records[0]
    qtbot.waitUntil(lambda: record.done >= 1, timeout=WAIT_MS)
    panel.select_row(0)
    assert action.isEnabled()
    panel.trigger("stack")
    dialog = panel.findChild(StackDialog, "stackDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: "deeply_stuck_here" in dialog.text.toPlainText(), timeout=2_000)
    assert "Python stack of 4 thread(s)" in dialog.status.text()
    assert record.state is State.RUNNING  # asked, not stopped
    dialog.copy_text()
    assert "deeply_stuck_here" in QGuiApplication.clipboard().text()
    if SHOTS:
        dialog.resize(900, 560)
        dialog.grab().save(str(Path(SHOTS) / "stack-dialog.png"))
    dialog.text.clear()
    dialog.again.click()
    qtbot.waitUntil(lambda: "deeply_stuck_here" in dialog.text.toPlainText(), timeout=2_000)
    dialog.close()


def test_an_ended_process_says_there_is_no_stack(panel, qtbot):
    panel.bridge.set_config(cfg.loads("""
        [[workers]]
        task = "sleep_io"
        count = 1
        args = { seconds = 0.1, steps = 2 }
    """))
    panel.bridge.start()
    qtbot.waitUntil(lambda: not panel.bridge.running, timeout=WAIT_MS)
    dialog = panel.show_stack(panel.bridge.records[0])
    assert "no stack: the process is not running" in dialog.status.text()
    assert not dialog.again.isEnabled()
    dialog.close()


def test_the_stack_event_appears_in_the_events_bridge_batch(qtbot):
    bridge = RunBridge(sample_ms=3_600_000, record_history=False)
    batches: list = []
    bridge.events_arrived.connect(batches.extend)
    bridge.set_config(cfg.loads("""
        [[workers]]
        task = "task_helpers:stuck_in_known_function"
        count = 1
    """))
    bridge.start()
    try:
        record = bridge.records[0]
        qtbot.waitUntil(lambda: record.done >= 1, timeout=WAIT_MS)
        assert bridge.request_stack(record.wid) is None
        qtbot.waitUntil(lambda: any(e.kind == "stack" for e in batches), timeout=2_000)
    finally:
        bridge.kill_all()
        qtbot.waitUntil(lambda: not bridge.running, timeout=WAIT_MS)
        bridge.shutdown()
