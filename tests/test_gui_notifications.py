"""Desktop notifications: only while nobody looks (by default), one per batch, the run's end."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from mpscope.core import config as cfg
from mpscope.gui.bridge import RunBridge
from mpscope.gui.main_window import MainWindow

WAIT_MS = 30_000
FAILING = """
title = "nightly"
[[workers]]
task = "risky"
count = 1
args = { x = 3 }
"""


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = MainWindow(bridge=RunBridge(sample_ms=3_600_000, record_history=False),
                      settings=settings)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.bridge.kill_all()
    qtbot.waitUntil(lambda: not made.bridge.running, timeout=WAIT_MS)
    made.close()
    made.deleteLater()


def _run(window: MainWindow, qtbot) -> None:
    window.bridge.set_config(cfg.loads(FAILING))
    window.bridge.start()
    qtbot.waitUntil(lambda: not window.bridge.running, timeout=WAIT_MS)
    qtbot.wait(250)  # the last event batch (≤ 10 a second)


def test_a_watched_window_does_not_interrupt(window, qtbot):
    notifier = window.notifier
    assert notifier.when == "hidden" and not notifier.sound  # the defaults
    _run(window, qtbot)
    assert notifier.shown == []


def test_a_hidden_window_notifies_the_failure_and_the_end(window, qtbot):
    window.hide()
    _run(window, qtbot)
    titles = [title for title, _text in window.notifier.shown]
    assert titles == ["A worker failed", "nightly"]
    assert "divisible by 3" in window.notifier.shown[0][1]
    assert "exit status 1" in window.notifier.shown[1][1]


def test_the_choice_is_kept_and_never_means_never(window, qtbot, tmp_path):
    menu = window.notifier.menu
    never = next(a for a in menu.actions() if a.data() == "never")
    never.trigger()
    window.hide()
    _run(window, qtbot)
    assert window.notifier.shown == []
    assert window.settings.value("notify/when") == "never"
    sound = next(a for a in menu.actions() if a.isCheckable() and a.data() is None)
    sound.trigger()
    assert window.settings.value("notify/sound", type=bool) is True
