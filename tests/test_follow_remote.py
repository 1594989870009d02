"""Following from another machine: through a command runner (`sh -c`) and a real local sshd."""

from __future__ import annotations

import json
import os
import select
import shlex
import signal
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpscope.core.follow.remote import RemoteFollow, ssh_runner
from mpscope.core.follow.schema import MAX_LINE, StreamError, parse_line
from sshd import MISSING, sshd
from test_follow import config, env, finish, mpscope, recorded_events, started, worker_pid

__all__ = ["env"]  # the fixture, shared with test_follow
SH = ["sh", "-c"]


def remote_command(env: dict[str, str]) -> str:
    """How the 'remote' side runs mpscope: this interpreter, this checkout, this history."""
    names = ("PYTHONPATH", "MPSCOPE_DATA_DIR", "XDG_RUNTIME_DIR")
    return shlex.join(["env", *(f"{n}={env[n]}" for n in names), sys.executable, "-m",
                       "mpscope"])


def drain(remote: RemoteFollow, until=None, timeout: float = 60.0) -> list[dict]:
    """Poll like the window does (wait on the child's output, never block on a read)."""
    items: list[dict] = []
    deadline = time.monotonic() + timeout
    while remote.state not in ("ended", "failed") and not (until and until(items)):
        assert time.monotonic() < deadline, remote.message
        fd = remote.fileno()
        select.select([fd] if fd is not None else [], [], [], 0.2)
        items += remote.poll()
    return items


def test_a_remote_follower_through_a_command_runner_gets_everything_and_the_exit_status(
        env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=1.5))
    remote = RemoteFollow(SH, remote_command(env))
    try:
        items = drain(remote)
    finally:
        remote.close()
    run_code = finish(run)[0]
    assert remote.state == "ended", remote.message
    assert remote.exit_code == run_code == 1
    assert items[0]["type"] == "run" and items[-1]["type"] == "end"
    events = [(i["t"], i["wid"], i["kind"], i["text"]) for i in items if i["type"] == "event"]
    assert events == recorded_events(env, items[0]["run"]["id"])


def test_a_dropped_connection_reconnects_with_since_and_misses_nothing(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=3.0, fail=False))
    remote = RemoteFollow(SH, remote_command(env))
    try:
        items = drain(remote, until=lambda got: sum(i["type"] == "event" for i in got) > 20)
        assert remote.child_pid is not None
        os.killpg(remote.child_pid, signal.SIGKILL)  # the connection drops mid-stream
        items += drain(remote)
    finally:
        remote.close()
    assert finish(run)[0] == 0
    assert remote.connections == 2 and remote.state == "ended"
    events = [(i["t"], i["wid"], i["kind"], i["text"]) for i in items if i["type"] == "event"]
    assert events == recorded_events(env, items[0]["run"]["id"])
    seqs = [i["seq"] for i in items if "seq" in i and i["type"] not in ("end", "heartbeat")]
    assert seqs == sorted(set(seqs))


def test_commands_go_back_over_the_same_connection(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60, fail=False))
    worker_pid(env, "tick-1")
    remote = RemoteFollow(SH, remote_command(env))
    try:
        drain(remote, until=lambda got: remote.state == "live")
        assert remote.send({"v": 1, "action": "kill", "worker": "tick-1", "id": "k"})
        replies = drain(remote, until=lambda got: any(i["type"] == "reply" for i in got))
        assert [i for i in replies if i["type"] == "reply"] == [
            {"v": 1, "type": "reply", "id": "k", "ok": True, "text": "kill sent to tick-1"}]
        assert remote.send("stop")
        items = replies + drain(remote)
    finally:
        remote.close()
    assert finish(run)[0] == 1 == remote.exit_code
    texts = [i["text"] for i in items if i["type"] == "event"]
    assert any(t.startswith("tick-1: killed") for t in texts)


def test_a_remote_that_has_no_such_run_says_so_once(env, tmp_path):
    finish(started(env, config(tmp_path / "run.toml", seconds=0.1, fail=False)))
    remote = RemoteFollow(SH, remote_command(env), run_id=99)
    drain(remote)
    assert remote.state == "failed" and remote.connections == 0
    assert "no run #99" in remote.message and remote.fileno() is None


def fake_remote(lines: list[bytes], folder: Path) -> RemoteFollow:
    """A 'remote' that writes exactly these lines (the runner ignores the command it gets)."""
    (folder / "stream").write_bytes(b"".join(lines))
    script = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    return RemoteFollow([sys.executable, "-c", script, str(folder / "stream")])


RUN = b'{"v":1,"type":"run","since":0,"run":{"id":3,"status":"running"}}\n'
EVENT = b'{"v":1,"seq":%d,"type":"event","t":1.0,"wid":1,"kind":"log","text":"x","detail":null}\n'


@pytest.mark.parametrize(("lines", "problem"), [
    ([RUN, b'{"v":1,"seq":1,"type":"event","t":1.0,"wid":1,"kind":"lo\n'], "not JSON"),
    ([RUN, b"[1, 2]\n"], "not a JSON object"),
    ([b'{"v":2,"type":"run"}\n'], "schema version 2"),
    ([RUN, b'{"v":1,"seq":"1","type":"event"}\n'], "whose seq is not an integer"),
    ([RUN, b'{"v":1,"seq":1,"type":"cpu","t":1,"per_core":[NaN]}\n'], "not JSON"),
    ([RUN, b'{"v":1,"seq":true,"type":"progress"}\n'], "whose seq is not an integer"),
    ([EVENT % 1], "before the run line"),
    ([RUN, EVENT % 2, EVENT % 2], "item 2 after item 2"),
    ([RUN, b"x" * (MAX_LINE + 10)], "longer than"),
    ([RUN, RUN], "a second run line"),
])
def test_a_malformed_stream_ends_the_view_with_one_sentence(lines, problem, tmp_path):
    remote = fake_remote(lines, tmp_path)
    try:
        drain(remote, timeout=30)
    finally:
        remote.close()
    assert remote.state == "failed"
    assert "is not mpscope's" in remote.message and problem in remote.message
    assert "\n" not in remote.message and remote.fileno() is None


def test_a_stream_cut_without_an_end_is_a_lost_connection_not_a_crash(tmp_path):
    remote = fake_remote([RUN, EVENT % 1, b'{"v":1,"seq":2,"ty'], tmp_path)  # cut mid-line
    try:
        items = drain(remote, until=lambda got: remote.state == "reconnecting", timeout=30)
    finally:
        remote.close()
    assert [i["type"] for i in items] == ["run", "event"] and remote.since == 1


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.binary(max_size=300),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                           st.text(max_size=20)),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                     st.sampled_from(["v", "type", "seq", "t", "wid", "run", "id", "per_core",
                                      "ok", "status", "since", "kind", "text"]), inner, max_size=6),
                 max_leaves=20).map(lambda v: json.dumps(v).encode()),
    st.sampled_from([RUN, EVENT % 1]).flatmap(
        lambda line: st.integers(0, len(line)).map(lambda n: line[:n])),  # truncated lines
))
def test_fuzzed_and_truncated_lines_are_an_item_or_one_stream_error(data):
    try:
        item = parse_line(data)
    except StreamError as exc:
        error = str(exc)
    else:
        assert item["v"] == 1 and isinstance(item["type"], str)
        return
    assert error and "\n" not in error


def test_a_destination_cannot_be_an_ssh_option():
    for bad in ("-oProxyCommand=touch /tmp/x", "host name", "", "a\nb"):
        with pytest.raises(ValueError, match="not an SSH destination"):
            ssh_runner(bad)
    assert ssh_runner("me@server")[-1] == "me@server"


def test_the_terminal_follows_a_remote_run_and_ends_with_its_exit_status(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=0.5))
    code, out, err = finish(mpscope(env, "follow", "--via", "sh -c",
                                    "--remote-command", remote_command(env)))
    assert code == finish(run)[0] == 1, err
    assert out.startswith("following run #1") and "exit status 1" in out


@pytest.mark.skipif(MISSING is not None, reason=str(MISSING))
def test_following_and_controlling_through_a_real_sshd(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60, fail=False))
    worker_pid(env, "tick-0")
    with sshd() as server:
        remote = RemoteFollow(ssh_runner(server.destination, server.options),
                              remote_command(env), label="127.0.0.1")
        try:
            items = drain(remote, until=lambda got: remote.state == "live", timeout=30)
            assert remote.send("kill:tick-0")
            items += drain(remote, until=lambda got: any(i["type"] == "reply" for i in got))
            os.killpg(remote.child_pid, signal.SIGKILL)  # the ssh client dies: reconnect
            items += drain(remote, until=lambda got: remote.state == "reconnecting")
            assert remote.send("stop") is False  # not connected: the caller is told
            items += drain(remote, until=lambda got: remote.connections == 2, timeout=30)
            assert remote.send("stop")
            items += drain(remote)
        finally:
            remote.close()
    assert finish(run)[0] == 1 == remote.exit_code and remote.connections == 2
    assert any(i["type"] == "reply" and i["ok"] for i in items)
    events = [(i["t"], i["wid"], i["kind"], i["text"]) for i in items if i["type"] == "event"]
    assert events == recorded_events(env, 1)


def test_sshd_helper_reports_why_it_would_skip():
    assert MISSING is None or "openssh-server" in MISSING or "root" in MISSING
    assert Path(__file__).with_name("sshd.py").exists()
