"""Watching a program in the window: File → Watch a program… and `mpscope watch --window`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mpscope.core.engine.states import State
from mpscope.gui.launch.watch_dialog import WatchDialog
from mpscope.gui.main_window import MainWindow

PROGRAMS = Path(__file__).resolve().parent / "programs"


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    made = MainWindow(settings=settings)
    made.show()
    yield made
    made.bridge.kill_all()  # a test that failed midway: end the program before closing
    qtbot.waitUntil(lambda: not made.bridge.running, timeout=30_000)
    made.close()
    made.deleteLater()


def test_a_watched_program_fills_the_panels(qtbot, window):
    codes: list[int] = []
    window.bridge.run_finished.connect(codes.append)
    events = []
    window.bridge.events_arrived.connect(events.extend)
    assert window.watch([sys.executable, str(PROGRAMS / "apply_callbacks.py"), "fork"])
    qtbot.waitUntil(lambda: bool(codes), timeout=60_000)
    assert codes == [0]
    run = window.bridge.run
    roles = [r.group for r in run.engine.records.values()]
    assert roles.count("Pool process") == 2 and roles[0] == "main program"
    assert all(r.state.is_final for r in run.engine.records.values())
    pool = window.bridge.pool
    assert (len(pool.tasks), pool.items_done, pool.counts()["failed"]) == (6, 5, 1)
    window.pool.update_now()  # the pool panel reads the watched pools as it reads a pool run
    assert "5 of 6 items" in window.pool.progress.toolTip()
    qtbot.waitUntil(lambda: any(e.kind == "output" for e in events), timeout=5_000)
    assert [e.text for e in events if e.kind == "output"] == [
        "results: [0, 10, 20, 40, 50]", "errors: ['3 is unlucky']"]
    main = next(iter(run.engine.records.values()))
    assert main.state is State.FINISHED and main.exitcode == 0


def test_a_command_that_cannot_start_says_so(qtbot, window):
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    assert not window.watch(["no-such-program-x"])
    assert any("cannot start 'no-such-program-x'" in m for m in messages)
    assert not window.bridge.running


def test_the_dialog_checks_and_remembers(qtbot, settings, tmp_path):
    dialog = WatchDialog(settings)
    qtbot.addWidget(dialog)
    dialog.command.setText("python 'unclosed")
    dialog._accept()
    assert "cannot be read" in dialog.problem.text() and not dialog.result()
    dialog.command.setText("python script.py --n 3")
    dialog.cwd.setText(str(tmp_path / "missing"))
    dialog._accept()
    assert "No such folder" in dialog.problem.text()
    dialog.cwd.setText(str(tmp_path))
    dialog.env.setPlainText("SEED=7\nnot a pair")
    dialog._accept()
    assert "Not NAME=value: not a pair" in dialog.problem.text()
    dialog.env.setPlainText("SEED=7\nMODE=a=b")
    dialog._accept()
    assert dialog.result() == WatchDialog.DialogCode.Accepted
    assert dialog.argv() == ["python", "script.py", "--n", "3"]
    assert dialog.environment() == {"SEED": "7", "MODE": "a=b"}
    again = WatchDialog(settings)
    qtbot.addWidget(again)
    assert again.command.text() == "python script.py --n 3"
    assert again.cwd.text() == str(tmp_path)
