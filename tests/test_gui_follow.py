"""The window attached to a run another process owns: on this machine, over sh -c, over sshd."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mpscope.core.config import loads
from mpscope.core.engine.states import State
from mpscope.core.follow.remote import ssh_runner
from mpscope.gui.follow.dialogs import LiveRunsDialog, RemoteDialog, live_runs
from mpscope.gui.main_window import MainWindow
from mpscope.gui.workers.stack_dialog import StackDialog
from sshd import MISSING, sshd
from test_follow import config, finish, mpscope, started, worker_pid
from test_follow import env as env
from test_follow_remote import remote_command

WAIT_MS = 30_000
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture
def window(qtbot, tmp_path, env, monkeypatch):
    for name in ("MPSCOPE_DATA_DIR", "XDG_RUNTIME_DIR"):  # the window reads the runs' history
        monkeypatch.setenv(name, env[name])
    made = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    made.resize(1366, 768)
    made.show()
    yield made
    if made.isVisible():
        made.close()
    made.deleteLater()


def records(window: MainWindow) -> dict[str, object]:
    return {r.name: r for r in window.bridge.records}


def shoot(window: MainWindow, name: str) -> None:
    if os.environ.get("MPSCOPE_SCREENSHOTS"):  # docs/screenshots, refreshed on request
        window.grab().save(str(SHOTS / name))


def test_the_window_follows_a_headless_run_controls_it_and_leaves_it_running(
        window, qtbot, env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60))
    worker_pid(env, "tick-1")
    [listed] = live_runs()
    assert listed["id"] == 1 and listed["title"] == "followed"
    followed = window.follow.follow_local(1)
    assert window.bridge.following and not window.actions_by_name["start"].isEnabled()
    qtbot.waitUntil(lambda: records(window).get("tick-1") is not None and
                    records(window)["tick-1"].state is State.RUNNING and
                    records(window)["risky-0"].state is State.FAILED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any("tick-0: tick" in str(e.text)
                                for e in window.events.model._events), timeout=WAIT_MS)
    assert "following live" in window.windowTitle() and "followed" in window.windowTitle()
    samples = []
    window.bridge.sampled.connect(samples.append)  # the owner's samples, not this window's
    qtbot.waitUntil(lambda: len(samples) >= 4, timeout=WAIT_MS)
    pid = records(window)["tick-0"].pid  # the owner sampled it; this window did not
    assert any(pid in sample.per_pid for sample in samples)
    assert records(window)["tick-0"].total == 3000
    shoot(window, "follow-live.png")
    window.bridge.control("kill", records(window)["tick-1"].wid)  # through the control socket
    qtbot.waitUntil(lambda: records(window)["tick-1"].state is State.KILLED, timeout=WAIT_MS)
    window.close()
    assert not window.isVisible() and run.poll() is None  # closing left the run running
    assert followed.source.tail.done is False  # it was only stopped following
    code, _, err = finish(mpscope(env, "follow", "1", "--control", "stop"))
    assert code == 0, err
    assert finish(run)[0] == 1


def test_the_window_follows_a_run_through_a_command_runner_to_its_end(window, qtbot, env,
                                                                       tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=1.0))
    finished = []
    window.bridge.run_finished.connect(finished.append)
    window.follow.follow_remote(["sh", "-c"], remote_command(env), label="sh -c")
    qtbot.waitUntil(lambda: finished == [1], timeout=WAIT_MS)
    assert finish(run)[0] == 1
    assert {r.name: r.state for r in window.bridge.records} == {
        "tick-0": State.FINISHED, "tick-1": State.FINISHED, "risky-0": State.FAILED}
    qtbot.waitUntil(lambda: "exit status 1" in window.windowTitle(), timeout=WAIT_MS)


def test_a_malformed_remote_stream_ends_the_view_with_one_message(window, qtbot, tmp_path):
    (tmp_path / "stream").write_bytes(b'{"v":1,"type":"run","since":0,"run":{"id":3,'
                                      b'"status":"running"}}\n{"v":1,"seq":"x"}\n')
    script = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    finished = []
    window.bridge.run_finished.connect(finished.append)
    window.follow.follow_remote([sys.executable, "-c", script, str(tmp_path / "stream")])
    qtbot.waitUntil(lambda: finished == [1], timeout=WAIT_MS)
    errors = [str(e.text) for e in window.events.model._events if e.kind == "error"]
    assert len(errors) == 1 and "is not mpscope's" in errors[0]


def test_the_dialogs_list_live_runs_and_check_the_destination(qtbot):
    dialog = LiveRunsDialog([{"id": 4, "title": "demo", "started_at": 0.0, "pid": 42,
                              "workers": 3}])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.run_id == 4
    empty = LiveRunsDialog([])
    qtbot.addWidget(empty)
    assert empty.run_id is None
    remote = RemoteDialog(None, "-oProxyCommand=x")
    qtbot.addWidget(remote)
    remote.accept()
    assert "is not an SSH destination" in remote.problem.text() and not remote.result()


@pytest.mark.skipif(MISSING is not None, reason=str(MISSING))
def test_the_window_follows_a_run_through_a_real_sshd(window, qtbot, env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60, fail=False))
    worker_pid(env, "tick-0")
    with sshd() as server:
        followed = window.follow.follow_remote(ssh_runner(server.destination, server.options),
                                               remote_command(env), label="root@127.0.0.1")
        qtbot.waitUntil(lambda: records(window).get("tick-1") is not None and
                        records(window)["tick-1"].state is State.RUNNING, timeout=WAIT_MS)
        samples = []
        window.bridge.sampled.connect(samples.append)
        qtbot.waitUntil(lambda: len(samples) >= 4, timeout=WAIT_MS)
        shoot(window, "follow-ssh.png")
        window.bridge.control("kill", records(window)["tick-0"].wid)  # back over ssh
        qtbot.waitUntil(lambda: records(window)["tick-0"].state is State.KILLED,
                        timeout=WAIT_MS)
        window.bridge.stop_all()
        qtbot.waitUntil(lambda: not window.bridge.running, timeout=WAIT_MS)
        followed.close()
    assert finish(run)[0] == 1


def test_a_run_started_in_the_window_takes_commands_from_another_terminal(window, qtbot, env,
                                                                          tmp_path):
    window.bridge.set_config(loads(config(tmp_path / "run.toml", seconds=60).read_text()))
    window.bridge.start()
    qtbot.waitUntil(lambda: records(window).get("tick-1") is not None and
                    records(window)["tick-1"].state is State.RUNNING, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.bridge._control is not None, timeout=WAIT_MS)
    control = mpscope(env, "follow", "--latest", "--control", "kill:tick-1")
    qtbot.waitUntil(lambda: control.poll() is not None, timeout=WAIT_MS)  # the window answers
    code, out, err = finish(control)
    assert code == 0 and "kill sent to tick-1" in out, err
    qtbot.waitUntil(lambda: records(window)["tick-1"].state is State.KILLED, timeout=WAIT_MS)
    window.bridge.kill_all()
    qtbot.waitUntil(lambda: not window.bridge.running, timeout=WAIT_MS)
    assert window.bridge._control is None  # closed with the run


def test_the_pool_panel_shows_a_followed_pool_run_live_and_to_its_end(window, qtbot, env,
                                                                      tmp_path):
    toml = tmp_path / "pool.toml"
    toml.write_text('title = "pooled"\n[pool]\ntask = "test_follow:nap_square"\nitems = 160\n'
                    'processes = 2\nchunksize = 4\n')
    run = started(env, toml)
    window.follow.follow_local(1)
    panel = window.pool
    qtbot.waitUntil(lambda: window.bridge.pool is not None and panel._stack.currentIndex() == 1,
                    timeout=WAIT_MS)
    pool = window.bridge.pool
    assert (pool.items_total, pool.chunksize, len(pool.tasks)) == (160, 4, 40)
    window.docks["pool"].raise_()
    qtbot.waitUntil(lambda: 0 < panel.progress.value() < 160 and pool.busy, timeout=WAIT_MS)
    assert "items/s" in panel.rate.text() and pool.rate > 0
    shoot(window, "follow-pool.png")
    finished = []
    window.bridge.run_finished.connect(finished.append)
    qtbot.waitUntil(lambda: finished == [0], timeout=WAIT_MS)
    assert finish(run)[0] == 0
    assert panel.progress.value() == panel.progress.maximum() == 160
    assert pool.counts()["done"] == 40 and pool.succeeded and not pool.busy
    assert panel.stream.bar_count("ok") == 40
    split = pool.insights()
    assert len(split) == 2 and all(working > 0 for _s, _w, working in split.values())
    assert "done" in panel.progress.format() and not panel.save_button.isEnabled()
    assert "stay with the process" in panel.save_button.toolTip()


def test_the_workers_actions_reach_a_followed_run_through_its_control_socket(window, qtbot, env,
                                                                             tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60))
    worker_pid(env, "tick-1")
    window.follow.follow_local(1)
    panel, actions = window.workers, window.workers.actions_by_name
    qtbot.waitUntil(lambda: records(window).get("tick-1") is not None and
                    records(window)["tick-1"].state is State.RUNNING and
                    records(window)["risky-0"].state is State.FAILED, timeout=WAIT_MS)

    def act(name: str, action: str) -> None:
        panel.select_row(panel.model.row_of(records(window)[name]))
        qtbot.waitUntil(lambda: actions[action].isEnabled(), timeout=WAIT_MS)
        actions[action].trigger()

    act("tick-0", "pause")
    qtbot.waitUntil(lambda: records(window)["tick-0"].state is State.PAUSED, timeout=WAIT_MS)
    act("tick-0", "resume")
    qtbot.waitUntil(lambda: records(window)["tick-0"].state is State.RUNNING, timeout=WAIT_MS)
    act("tick-0", "stack")
    dialog = panel.findChild(StackDialog, "stackDialog")
    qtbot.waitUntil(lambda: "ticker" in dialog.text.toPlainText(), timeout=WAIT_MS)
    dialog.close()
    act("risky-0", "restart")  # an ended worker runs again (and fails again)
    qtbot.waitUntil(lambda: records(window)["risky-0"].restarts == 1, timeout=WAIT_MS)
    act("tick-1", "kill")
    qtbot.waitUntil(lambda: records(window)["tick-1"].state is State.KILLED, timeout=WAIT_MS)
    assert finish(mpscope(env, "follow", "1", "--control", "stop"))[0] == 0
    assert finish(run)[0] == 1
    qtbot.waitUntil(lambda: not window.bridge.running, timeout=WAIT_MS)
    panel.select_row(panel.model.row_of(records(window)["tick-0"]))
    assert not actions["kill"].isEnabled() and "ended" in actions["stack"].toolTip()


def test_a_remote_run_out_of_reach_has_its_actions_off_with_the_reason(window, qtbot, tmp_path):
    # A malformed line ends the view: the run's commands have nowhere to go, and its
    # actions say so instead of sending into the void.
    (tmp_path / "stream").write_bytes(
        b'{"v":1,"type":"run","since":0,"run":{"id":3,"status":"running"}}\n'
        b'{"v":1,"seq":1,"type":"worker","wid":1,"name":"w-0","kind":"worker",'
        b'"state":"running","pid":1}\n{"v":1,"seq":"x"}\n')
    script = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    finished = []
    window.bridge.run_finished.connect(finished.append)
    window.follow.follow_remote([sys.executable, "-c", script, str(tmp_path / "stream")])
    qtbot.waitUntil(lambda: finished == [1], timeout=WAIT_MS)
    panel = window.workers
    panel.select_row(0)
    for name in ("stop", "kill", "pause", "stack"):
        action = panel.actions_by_name[name]
        assert not action.isEnabled() and action.toolTip().startswith("Not available:")


def test_open_a_live_run_reads_the_history_off_the_gui_thread(window, qtbot, env, tmp_path,
                                                               monkeypatch):
    import threading

    from mpscope.gui.follow import attach

    run = started(env, config(tmp_path / "run.toml", seconds=60))
    readers = []

    def read_live_runs():
        readers.append(threading.current_thread())
        return live_runs()

    monkeypatch.setattr(attach, "live_runs", read_live_runs)
    dialog = window.follow.choose_live_run()
    assert dialog.isVisible() and not dialog.follow_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert readers and readers[0] is not threading.main_thread()
    dialog.accept()
    qtbot.waitUntil(lambda: records(window).get("tick-0") is not None, timeout=WAIT_MS)
    assert window.bridge.following
    assert finish(mpscope(env, "follow", "1", "--control", "kill"))[0] == 0
    finish(run)
