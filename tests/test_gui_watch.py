"""Watching a program in the window: File → Watch a program… and `mpscope watch --window`."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest
from PySide6.QtCore import QSettings, Qt

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
    assert not window.pool.placeholder.isVisibleTo(window.pool)
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


def _watched_tree(qtbot, window):
    """Watch programs/process_tree.py until its four processes run; their records by name."""
    assert window.watch([sys.executable, str(PROGRAMS / "process_tree.py"), "fork"])
    run = window.bridge.run

    def records():
        found = {}
        for record in run.engine.records.values():
            for name in ("middle", "grandchild", "sibling"):
                if name in record.name and record.state is State.RUNNING:
                    found[name] = record
        return found

    qtbot.waitUntil(lambda: len(records()) == 3, timeout=30_000)
    found = records()
    model = window.workers.model  # the table shows them once the next refresh came
    shown = lambda: [model.record(row) for row in range(model.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: all(r in shown() for r in found.values()), timeout=5_000)
    return run, found


def _running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _shown_names(panel):
    proxy = panel.proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_the_processes_table_shows_the_tree_and_flattens_on_a_header_click(qtbot, window):
    run, found = _watched_tree(qtbot, window)
    panel = window.workers
    qtbot.waitUntil(lambda: len(_shown_names(panel)) == 4, timeout=5_000)
    names = _shown_names(panel)
    # Depth-first: main, its child `middle`, middle's `grandchild` one step in, then `sibling`.
    assert names[0] == run.engine.records[run.main_wid].name
    assert [n.strip() for n in names[1:]] == [
        "└─ " + found["middle"].name, "└─ " + found["grandchild"].name,
        "└─ " + found["sibling"].name]
    assert names[2].startswith("    └─ ") and names[1].startswith("└─ ")
    assert panel.model.depth(found["grandchild"]) == 2
    panel.view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # by PID
    assert not panel.tree_action.isChecked()
    assert all("└─" not in name for name in _shown_names(panel))
    panel.tree_action.trigger()  # back to the tree (V)
    assert panel.view.horizontalHeader().sortIndicatorSection() == -1
    assert _shown_names(panel) == names
    # No Pool call: the pool panel says so instead of drawing empty axes.
    assert window.pool.placeholder.isVisibleTo(window.pool)
    assert "No pool tasks yet" in window.pool.placeholder.text()


def test_kill_tree_ends_a_process_and_its_children_not_its_siblings(qtbot, window):
    _run, found = _watched_tree(qtbot, window)
    codes: list[int] = []
    window.bridge.run_finished.connect(codes.append)
    events = []
    window.bridge.events_arrived.connect(events.extend)
    panel = window.workers
    panel.select_row(panel.model.row_of(found["middle"]))
    assert panel.actions_by_name["kill_tree"].isEnabled()
    panel.actions_by_name["kill_tree"].trigger()
    qtbot.waitUntil(lambda: found["middle"].state.is_final and found["grandchild"].state.is_final,
                    timeout=10_000)
    assert not _running(found["grandchild"].pid)
    qtbot.waitUntil(lambda: bool(codes), timeout=30_000)
    assert codes == [0]
    assert "middle ended: -9; sibling alive: True" in [e.text for e in events
                                                       if e.kind == "output"]
    assert found["sibling"].exitcode == -15  # ended by the program itself, afterwards


def test_terminate_tree_sends_sigterm_to_the_subtree(qtbot, window):
    _run, found = _watched_tree(qtbot, window)
    codes: list[int] = []
    window.bridge.run_finished.connect(codes.append)
    events = []
    window.bridge.events_arrived.connect(events.extend)
    window.workers.select_row(window.workers.model.row_of(found["middle"]))
    window.workers.trigger("terminate_tree")
    qtbot.waitUntil(lambda: bool(codes), timeout=30_000)
    assert "middle ended: -15; sibling alive: True" in [e.text for e in events
                                                        if e.kind == "output"]
    assert found["grandchild"].state.is_final and not _running(found["grandchild"].pid)


def test_each_process_keeps_its_own_output(qtbot, window):
    codes: list[int] = []
    window.bridge.run_finished.connect(codes.append)
    assert window.watch([sys.executable, str(PROGRAMS / "producer_consumer.py"), "spawn"])
    qtbot.waitUntil(lambda: bool(codes), timeout=60_000)
    records = {r.name: r for r in window.bridge.run.engine.records.values()}
    assert records["consumer"].output == ["consumer: got 100 numbers"]
    assert records["producer"].output == ["producer: sent 100 numbers"]
    assert records["main"].output[0] == "sum of squares: 328350"
    dialog = window.workers.show_details(records["consumer"])
    qtbot.addWidget(dialog)
    assert dialog.output.toPlainText() == "consumer: got 100 numbers"
    dialog.close()
