"""The launch form: fields marked with the validator's reasons, Start gated, open/save TOML."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from mpscope.core import config as cfg
from mpscope.gui.bridge import RunBridge
from mpscope.gui.launch.panel import LaunchPanel, inline_table, parse_toml_value


@pytest.fixture
def panel(qtbot):
    bridge = RunBridge()
    started = []
    bridge.start = lambda: started.append(bridge.config)  # no processes: only the form is tested
    made = LaunchPanel(bridge)
    made.started = started
    qtbot.addWidget(made)
    yield made
    made.cleanup()
    bridge.shutdown()


def test_default_form_is_valid_and_start_sets_the_config(panel, qtbot):
    assert panel.errors == {}
    assert panel.start_button.isEnabled()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert len(panel.started) == 1
    assert panel.started[0].workers[0].task == "sleep_io"


def test_bad_argument_marks_the_field_and_disables_start(panel):
    args = panel.groups[0].args
    args.setText("seconds = 1.0, bogus = 1")
    panel.validate()
    assert "bogus" in panel.errors["workers[0].args"]
    assert "border" in args.styleSheet()
    assert "bogus" in args.toolTip()
    assert not panel.start_button.isEnabled()
    assert panel.problems.isVisibleTo(panel)
    args.setText("seconds = 1.0")
    panel.validate()
    assert panel.errors == {}
    assert args.styleSheet() == ""
    assert "TOML" in args.toolTip()  # the field's own help is back
    assert panel.start_button.isEnabled()


def test_argument_text_that_is_not_toml_is_marked(panel):
    panel.groups[0].args.setText("seconds = ")
    panel.validate()
    assert "TOML" in panel.errors["workers[0].args"]
    assert not panel.start_button.isEnabled()


def test_unknown_task_and_bad_pool_items_are_marked(panel):
    panel.groups[0].task.setCurrentText("sleep_oi")
    panel.pool_box.setChecked(True)
    panel.pool_items.setText("[1, 2")
    panel.validate()
    assert "sleep_io" in panel.errors["workers[0].task"]  # the validator's suggestion
    assert "border" in panel.groups[0].task.styleSheet()
    assert "pool.items" in panel.errors
    assert "border" in panel.pool_items.styleSheet()


def test_nothing_to_run_is_explained(panel):
    panel.remove_group(panel.groups[0])
    panel.validate()
    assert "nothing to run" in panel.problems.text()
    assert not panel.start_button.isEnabled()


def test_validation_waits_for_typing_to_pause(panel, qtbot):
    panel.groups[0].count.setValue(0)  # clamped to 1 by the spinbox
    panel.groups[0].name.setText("a b")
    assert panel.config is not None and panel.config.workers[0].name == "sleep_io"
    qtbot.waitUntil(lambda: panel.config is not None and panel.config.workers[0].name == "a b")


def test_save_then_open_round_trips(panel, tmp_path, qtbot):
    panel.groups[0].args.setText("seconds = 0.5, steps = 5")
    panel.groups[0].daemon.setChecked(True)
    panel.add_group({"task": "risky", "count": 3, "name": "r", "args": {"x": 4}})
    panel.pool_box.setChecked(True)
    panel.pool_items.setText("[1, 2, 3]")
    panel.pool_chunksize.setValue(2)
    path = tmp_path / "run.toml"
    assert panel.save_file(str(path))
    saved = cfg.load(path)
    assert saved == panel.config
    other = LaunchPanel(RunBridge())
    qtbot.addWidget(other)
    assert other.load_file(str(path))
    assert other.config == saved
    assert other.path == str(path)
    assert other.groups[0].daemon.isChecked()
    assert other.pool_box.isChecked() and other.pool_chunksize.value() == 2
    other.cleanup()


def test_open_the_shipped_example(panel, tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(cfg.example_text(), encoding="utf-8")
    assert panel.load_file(str(path))
    assert len(panel.groups) == 2 and panel.pool_box.isChecked()
    assert panel.config == cfg.load(path)


def test_open_a_missing_or_broken_file_tells_why(panel, tmp_path, qtbot):
    with qtbot.waitSignal(panel.message) as blocker:
        assert not panel.load_file(str(tmp_path / "missing.toml"))
    assert "missing.toml" in blocker.args[0]
    broken = tmp_path / "broken.toml"
    broken.write_text("[[workers]]\ntask = \n", encoding="utf-8")
    assert not panel.load_file(str(broken))
    bad_value = tmp_path / "bad.toml"
    bad_value.write_text('[[workers]]\ntask = "sleep_io"\ncount = 0\n', encoding="utf-8")
    with qtbot.waitSignal(panel.message) as blocker:
        assert panel.load_file(str(bad_value))  # readable: the form shows it, corrected
    assert "line 3" in blocker.args[0] and "count" in blocker.args[0]


def test_inline_toml_helpers_round_trip():
    table = {"seconds": 2.0, "steps": 20, "name": "é\"x", "flags": [True, False], "odd key": 1}
    assert parse_toml_value("{" + inline_table(table) + "}") == table
    with pytest.raises(ValueError, match="Invalid value"):
        parse_toml_value("[1,")


def test_a_slow_task_module_is_checked_off_the_gui_thread(panel, qtbot, tmp_path, monkeypatch):
    # Slow to import in the checking child only (here it imports at once): the window's
    # own import of it, after the check, is not what this measures.
    (tmp_path / "slow_to_check.py").write_text(
        "import multiprocessing, time\n"
        "if multiprocessing.parent_process() is not None:\n"
        "    time.sleep(3)\n"
        "def task(x):\n"
        "    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    panel.pool_box.setChecked(True)
    panel.pool_task.setCurrentText("slow_to_check:task")
    began = time.monotonic()
    panel._timer.timeout.emit()  # what the pause in typing does
    assert time.monotonic() - began < 2.0  # the GUI thread did not wait for the child
    assert panel.imports.busy
    qtbot.waitUntil(lambda: not panel.imports.busy, timeout=60_000)
    assert panel.config is not None and panel.config.pool.task == "slow_to_check:task"
    assert panel.errors == {}
