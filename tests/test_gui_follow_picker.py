"""Watch a run on another machine…: the window asks for the live runs there and follows the one
chosen (through `sh -c`, a real sshd and a closed port), never waiting on the GUI thread."""

from __future__ import annotations

import shutil
import sys

import psutil
import pytest
from PySide6.QtCore import QSettings, Qt

from mpscope.core.follow.remote import ssh_runner
from mpscope.gui.follow.remote_picker import RemoteRunsDialog
from mpscope.gui.main_window import MainWindow
from sshd import MISSING, sshd
from test_follow import env as env
from test_follow_list import stop, two_live_runs
from test_follow_remote import remote_command
from test_gui_follow import records
from test_gui_follow import window as window

WAIT_MS = 30_000


def rows(dialog: RemoteRunsDialog) -> list[str]:
    table = dialog.table
    return [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())]


def test_the_picker_lists_two_live_runs_and_follows_the_second(window, qtbot, env, tmp_path):
    runs = two_live_runs(env, tmp_path)
    try:
        dialog = window.follow.pick_remote(["sh", "-c"], remote_command(env), "sh -c")
        assert dialog.isVisible() and dialog.busy.isVisible()  # asked, not waited for
        qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 3, timeout=WAIT_MS)
        assert rows(dialog) == ["Latest", "#2", "#1"] and not dialog.busy.isVisible()
        assert dialog.table.currentItem() is dialog.table.topLevelItem(0)  # Latest preselected
        assert dialog.table.topLevelItem(1).text(1) == "second"
        dialog.table.setCurrentItem(dialog.table.topLevelItem(2))  # the second of the two
        chosen = []
        dialog.accepted.connect(lambda: chosen.append(dialog.run_id))
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter follows the chosen row
        assert chosen == [1]
        qtbot.waitUntil(lambda: {"tick-0", "tick-1"} <= set(records(window)), timeout=WAIT_MS)
        assert not any(name.startswith("other") for name in records(window))  # not run #2
        assert window.bridge.run.source.run_id == 1
    finally:
        stop(env, runs)
    qtbot.waitUntil(lambda: not window.bridge.running, timeout=WAIT_MS)


def test_one_live_run_is_followed_without_a_question(window, qtbot, env, tmp_path):
    from test_follow import config, finish, mpscope, started

    run = started(env, config(tmp_path / "run.toml", seconds=60, fail=False))
    try:
        dialog = window.follow.pick_remote(["sh", "-c"], remote_command(env), "sh -c")
        chosen = []
        dialog.accepted.connect(lambda: chosen.append(dialog.run_id))
        qtbot.waitUntil(lambda: chosen == [1], timeout=WAIT_MS)  # accepted by itself
        qtbot.waitUntil(lambda: "tick-0" in records(window), timeout=WAIT_MS)
        assert window.bridge.run.source.run_id == 1
    finally:
        assert finish(mpscope(env, "follow", "1", "--control", "stop"))[0] == 0
        finish(run)


def test_a_malformed_listing_is_one_line_and_latest_stays_offered(window, qtbot, tmp_path):
    (tmp_path / "listing").write_bytes(b'{"v":1,"type":"live_run","run":{"id":"x"}}\n')
    script = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    dialog = window.follow.pick_remote([sys.executable, "-c", script, str(tmp_path / "listing")],
                                       label="h")
    qtbot.waitUntil(lambda: dialog.listing.done, timeout=WAIT_MS)
    text = dialog.status.text()
    assert text.startswith("The list from h is not mpscope's: a live_run whose id")
    assert "\n" not in text and rows(dialog) == ["Latest"] and dialog.follow_button.isEnabled()
    dialog.reject()


def test_cancel_ends_the_question_and_its_process(window, qtbot):
    dialog = window.follow.pick_remote([sys.executable, "-c", "import time; time.sleep(60)"],
                                       label="slow")
    pid = dialog.listing._child.pid
    assert dialog.busy.isVisible() and "Asking slow" in dialog.status.text()
    rejected = []
    dialog.rejected.connect(lambda: rejected.append(True))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel
    assert rejected == [True]
    assert not psutil.pid_exists(pid) and not window.bridge.following


@pytest.mark.skipif(shutil.which("ssh") is None, reason="the ssh client is not installed")
def test_an_unreachable_host_is_said_in_one_line_and_the_destination_is_remembered(
        window, qtbot, tmp_path):
    asked = window.follow.choose_remote()
    asked.destination.setText("nobody@127.0.0.1")  # nothing listens on port 22 here
    asked.accept()
    dialog = window.findChild(RemoteRunsDialog)
    qtbot.waitUntil(lambda: dialog.listing.done, timeout=WAIT_MS)
    text = dialog.status.text()
    assert text.startswith("Cannot list the runs on nobody@127.0.0.1: ") and "\n" not in text
    assert "ssh" in text or "Permission denied" in text
    dialog.reject()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert settings.value("follow/destination") == "nobody@127.0.0.1"
    again = MainWindow(settings=settings)
    try:
        asked = again.follow.choose_remote()
        assert asked.destination.text() == "nobody@127.0.0.1"
        asked.reject()
    finally:
        again.close()
        again.deleteLater()


@pytest.mark.skipif(MISSING is not None, reason=str(MISSING))
def test_the_picker_through_a_real_sshd(window, qtbot, env, tmp_path):
    runs = two_live_runs(env, tmp_path)
    try:
        with sshd() as server:
            runner = ssh_runner(server.destination, server.options)
            dialog = window.follow.pick_remote(runner, remote_command(env), "127.0.0.1")
            qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 3, timeout=WAIT_MS)
            dialog.table.setCurrentItem(dialog.table.topLevelItem(1))  # run #2
            dialog.accept()
            qtbot.waitUntil(lambda: "other-2" in records(window), timeout=WAIT_MS)
            window.bridge.run.source.close()
    finally:
        stop(env, runs)
