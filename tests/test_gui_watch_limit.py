"""The Watch dialog's memory limit: checked before it accepts, remembered, given to the run."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from mpscope.gui.launch.watch_dialog import WatchDialog


def test_the_memory_limit_is_checked_and_remembered(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = WatchDialog(settings)
    qtbot.addWidget(dialog)
    dialog.command.setText("python script.py")
    dialog.cwd.setText(str(tmp_path))
    dialog.limit.setText("a lot")
    dialog._accept()
    assert dialog.result() != WatchDialog.DialogCode.Accepted
    assert dialog.problem.text().startswith("Memory limit: “a lot” is not a size")
    dialog.limit.setText("1.5 GiB")
    dialog._accept()
    assert dialog.result() == WatchDialog.DialogCode.Accepted
    assert dialog.memory_limit() == 3 << 29
    again = WatchDialog(settings)
    qtbot.addWidget(again)
    assert again.limit.text() == "1.5 GiB" and again.memory_limit() == 3 << 29
    again.limit.setText("")
    assert again.memory_limit() is None
