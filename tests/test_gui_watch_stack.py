"""Stack (W) in the window on a watched program's pool process: the dialog names its function."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mpscope.gui.main_window import MainWindow
from mpscope.gui.workers.stack_dialog import StackDialog
from test_watch import PROGRAMS

SHOTS = os.environ.get("MPSCOPE_SCREENSHOTS")  # a directory: save what the test shows


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = MainWindow(settings=settings)
    made.resize(1366, 768)
    made.show()
    yield made
    made.bridge.kill_all()
    qtbot.waitUntil(lambda: not made.bridge.running, timeout=30_000)
    made.close()
    made.deleteLater()


def test_stack_of_a_watched_pool_process_in_the_window(qtbot, window):
    events: list = []
    window.bridge.events_arrived.connect(events.extend)
    assert window.watch([sys.executable, str(PROGRAMS / "stuck_pool.py"), "spawn"])
    qtbot.waitUntil(lambda: sum(e.kind == "output" for e in events) == 2, timeout=30_000)
    records = list(window.bridge.run.engine.records.values())
    row = next(i for i, r in enumerate(records) if r.group == "Pool process")
    panel = window.workers
    panel.select_row(row)
    assert panel.actions_by_name["stack"].isEnabled()
    panel.trigger("stack")
    dialog = panel.findChild(StackDialog, "stackDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: "deeply_stuck_in_pool" in dialog.text.toPlainText(), timeout=3_000)
    assert "Python stack of 2 thread(s)" in dialog.status.text()
    assert "mpscope's report sender" in dialog.text.toPlainText()
    if SHOTS:
        dialog.resize(900, 560)
        dialog.grab().save(str(Path(SHOTS) / "watched-stack-dialog.png"))
    dialog.close()
