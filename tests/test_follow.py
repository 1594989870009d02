"""`mpscope follow`: a run in one process, its follower in another; --since; the control socket."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpscope.core.follow.control import (
    ControlError,
    ControlServer,
    parse_command,
    send,
)
from mpscope.core.follow.feed import FeedReader
from mpscope.core.history.feed_numbers import FeedNumbers, insert_batch
from mpscope.core.history.store import SCHEMA_VERSION, HistoryStore

ROOT = Path(__file__).resolve().parents[1]
PYTHONPATH = os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")])


def ticker(seconds: float = 60.0, every: float = 0.02, reporter=None) -> int:
    """A worker task (test_follow:ticker): a log line and a progress step every `every` s."""
    count, end = 0, time.monotonic() + seconds
    steps = max(1, round(seconds / every))
    while time.monotonic() < end:
        count += 1
        if reporter is not None:
            reporter.log(f"tick {count}")
            reporter.report(min(count, steps), steps)
        time.sleep(every)
    return count


def nap_square(x: int) -> int:
    """A pool task (test_follow:nap_square): a short nap, then the square."""
    time.sleep(0.04)
    return x * x


def config(path: Path, seconds: float, fail: bool = True) -> Path:
    text = f"""
title = "followed"
[[workers]]
task = "test_follow:ticker"
count = 2
name = "tick"
args = {{ seconds = {seconds}, every = 0.02 }}
"""
    if fail:  # one worker fails: the run's exit status is 1, and the follower's must be too
        text += '[[workers]]\ntask = "risky"\nname = "risky"\nargs = { x = 3 }\n'
    path.write_text(text)
    return path


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    runtime = tempfile.mkdtemp(prefix="mpscope-rt-", dir="/tmp")  # short: AF_UNIX paths ≤ 107
    yield dict(os.environ, PYTHONPATH=PYTHONPATH, MPSCOPE_DATA_DIR=str(tmp_path / "data"),
               XDG_RUNTIME_DIR=runtime)
    while _STARTED:  # a failed test still leaves nothing running
        process = _STARTED.pop()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    subprocess.run(["rm", "-rf", runtime], check=True)


def mpscope(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`python -m mpscope ARGS` in its own process group (its workers go with it)."""
    process = subprocess.Popen([sys.executable, "-m", "mpscope", *args], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    _STARTED.append(process)
    return process


def started(env: dict[str, str], toml: Path) -> subprocess.Popen[str]:
    """`mpscope run` whose first event line is out: its run is in the history from then on."""
    run = mpscope(env, "run", str(toml))
    assert run.stdout is not None
    first = run.stdout.readline()
    assert first.startswith("["), first + run.stderr.read()
    # The history opens beside the first start, not before it: the first line can come
    # out a moment before the run is recorded. Ready once the history lists it as running.
    path = Path(env["MPSCOPE_DATA_DIR"]) / "history.sqlite3"
    deadline = time.monotonic() + 30
    while not _recorded_as_running(path, run.pid):
        assert run.poll() is None, run.stderr.read() if run.stderr else "the run ended"
        assert time.monotonic() < deadline, "the run was never recorded as running"
        time.sleep(0.02)
    return run


def _recorded_as_running(path: Path, pid: int) -> bool:
    """Read-only: the test must not take part in creating the database it waits for."""
    if not path.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("SELECT 1 FROM runs WHERE status = 'running' AND pid = ?",
                              (pid,)).fetchone() is not None
    except sqlite3.Error:  # not created yet, or its schema is being written
        return False


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def recorded_events(env: dict[str, str], run_id: int) -> list[tuple]:
    with HistoryStore(Path(env["MPSCOPE_DATA_DIR"]) / "history.sqlite3") as store:
        return [(e["t"], e["wid"], e["kind"], e["text"]) for e in store.events(run_id)]


def events_of(lines: list[dict]) -> list[tuple]:
    return [(i["t"], i["wid"], i["kind"], i["text"]) for i in lines if i["type"] == "event"]


def test_a_follower_gets_every_event_once_in_order_and_the_runs_exit_status(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=1.5))
    follower = mpscope(env, "follow", "--latest", "--jsonl")
    code, out, err = finish(follower)
    run_code, _, run_err = finish(run)
    assert run_code == 1, run_err  # the risky worker failed
    assert code == run_code, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["type"] == "run" and lines[0]["run"]["status"] == "running"
    assert lines[-1]["type"] == "end" and lines[-1]["exit_code"] == 1
    assert all(line["v"] == 1 for line in lines)
    seqs = [line["seq"] for line in lines[1:]]
    assert seqs == sorted(seqs) and len(set(seqs[:-1])) == len(seqs) - 1  # end repeats the last
    events = events_of(lines)
    assert events == recorded_events(env, lines[0]["run"]["id"])
    assert sum("tick" in e[3] for e in events) > 100  # it really streamed, not just the end
    types = {line["type"] for line in lines}
    assert {"event", "worker", "progress", "cpu", "worker_cpu"} <= types
    workers = {line["name"]: line for line in lines if line["type"] == "worker"}
    assert workers["risky-0"]["state"] == "failed" and workers["tick-0"]["state"] == "finished"


def test_a_follower_killed_and_restarted_with_since_misses_and_repeats_nothing(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=3.0, fail=False))
    first = mpscope(env, "follow", "--jsonl")
    assert first.stdout is not None
    seen: list[dict] = []
    while not [i for i in seen if i["type"] == "event" and "tick 20" in i["text"]]:
        seen.append(json.loads(first.stdout.readline()))
    first.kill()  # mid-stream: whatever it had not written is lost with it
    finish(first)
    last = seen[-1]["seq"]
    second = mpscope(env, "follow", "--jsonl", "--since", str(last))
    code, out, err = finish(second)
    assert code == 0 == finish(run)[0], err
    rest = [json.loads(line) for line in out.splitlines()]
    assert rest[0] == {**rest[0], "type": "run", "since": last}
    assert rest[1]["seq"] > last
    both = seen + rest[1:]
    assert events_of(both) == recorded_events(env, seen[0]["run"]["id"])
    seqs = [i["seq"] for i in both[1:-1]]
    assert len(seqs) == len(set(seqs))


def test_plain_follow_reads_like_mpscope_run(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=1.0))
    code, out, err = finish(mpscope(env, "follow"))
    assert code == finish(run)[0] == 1, err
    lines = out.splitlines()
    assert lines[0].startswith("following run #1 “followed”") and "the run goes on" in lines[0]
    assert any(line.startswith("[") and "log tick-0: tick 1" in line for line in lines)
    assert "risky-0  " in out and "ValueError" in out
    assert lines[-1] == lines[-1].strip() and "exit status 1" in lines[-1]


def test_follow_says_what_is_wrong_in_one_line(env, tmp_path):
    code, out, err = finish(mpscope(env, "follow", "3"))
    assert code == 2 and out == "" and err.startswith("mpscope: no runs recorded yet")
    run = started(env, config(tmp_path / "run.toml", seconds=0.2, fail=False))
    finish(run)
    code, out, err = finish(mpscope(env, "follow", "7"))
    assert code == 2 and err.count("\n") == 1 and "no run #7" in err
    code, out, err = finish(mpscope(env, "follow", "1", "--control", "explode"))
    assert code == 2 and "unknown action 'explode'" in err
    code, out, err = finish(mpscope(env, "follow", "1", "--control", "stop"))
    assert code == 1 and "run #1 is finished" in err
    code, out, err = finish(mpscope(env, "follow", "1", "--stdin-control"))
    assert code == 2 and "use it with --jsonl" in err
    code, out, err = finish(mpscope(env, "follow", "--remote=-oProxyCommand=x"))
    assert code == 2 and "is not an SSH destination" in err and out == ""


def worker_pid(env: dict[str, str], name: str) -> int:
    path = Path(env["MPSCOPE_DATA_DIR"]) / "history.sqlite3"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with HistoryStore(path, check_interrupted=False) as store:
            rows = [w for w in store.workers(1) if w["name"] == name and w["state"] == "running"]
        if rows:
            return int(rows[0]["pid"])
        time.sleep(0.1)
    raise AssertionError(f"{name} was not recorded running")


def test_control_commands_pause_resume_and_kill_a_worker_then_stop_the_run(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60, fail=False))
    pid = worker_pid(env, "tick-1")
    follower = mpscope(env, "follow", "--jsonl")

    def control(spec: str) -> str:
        code, out, err = finish(mpscope(env, "follow", "1", "--control", spec))
        assert code == 0, err
        return out

    def reaches(stopped: bool) -> bool:  # a signal is delivered a moment after it is sent
        deadline = time.monotonic() + 10
        while (psutil.Process(pid).status() == psutil.STATUS_STOPPED) != stopped:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    assert control("pause:tick-1") == "run #1: pause sent to tick-1\n"
    assert reaches(stopped=True)
    control("resume:tick-1")
    assert reaches(stopped=False)
    control("kill:tick-1")
    code, _, err = finish(mpscope(env, "follow", "1", "--control", "kill:tick-9"))
    assert code == 1 and "no worker 'tick-9'" in err
    control("stop")
    run_code, run_out, _ = finish(run)
    code, out, _ = finish(follower)
    assert run_code == code == 1
    assert "tick-1: killed" in run_out and "tick-0: stopped" in run_out
    texts = [i["text"] for i in map(json.loads, out.splitlines()) if i["type"] == "event"]
    assert any("kill asked through the control socket" in t for t in texts)


@pytest.fixture
def server(tmp_path: Path, monkeypatch) -> Iterator[ControlServer]:
    base = tempfile.mkdtemp(prefix="mpscope-rt-", dir="/tmp")
    monkeypatch.setenv("XDG_RUNTIME_DIR", base)
    control = ControlServer(run_id=5)
    yield control
    control.close()
    subprocess.run(["rm", "-rf", base], check=True)


def as_nobody(path: Path) -> str:
    """Fork, become `nobody`, connect to `path` and ask for a kill: → what happened."""
    nobody = 65534
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: only system calls, then _exit
        try:
            os.setgroups([])
            os.setgid(nobody)
            os.setuid(nobody)
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(5)
                sock.connect(str(path))
                with contextlib.suppress(BrokenPipeError):  # refused before it was read
                    sock.sendall(b'{"action": "kill"}\n')
                answer = sock.recv(4096).decode()
        except OSError as exc:
            answer = f"{type(exc).__name__}"
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(child, 0)
    return answer


@pytest.mark.skipif(os.getuid() != 0, reason="changing to another uid needs root")
def test_a_peer_with_another_uid_is_refused(server):
    assert as_nobody(server.path) == "PermissionError"  # the private directory stops it first
    # Even with the directory and the socket opened to everyone, SO_PEERCRED refuses it.
    os.chmod(server.path.parent.parent, 0o711)
    os.chmod(server.path.parent, 0o711)
    os.chmod(server.path, 0o666)
    reply = json.loads(as_nobody(server.path))
    assert reply["ok"] is False and reply["error"].startswith("refused: uid 65534")
    assert server.serve_pending(lambda command: {"ok": True}) == 0  # nothing was queued


def test_the_socket_answers_bad_requests_and_keeps_serving(server):
    def raw(data: bytes) -> dict:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(server.path))
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            return json.loads(sock.makefile().readline())

    assert "not a JSON object" in raw(b'{"action": "kil')["error"]  # truncated
    assert "unknown action" in raw(b'{"action": "reboot"}\n')["error"]
    assert "longer than 4096" in raw(b"x" * 5000)["error"]
    assert "protocol version 2" in raw(b'{"v": 2, "action": "stop"}\n')["error"]
    with pytest.raises(ControlError, match="has no control socket"):
        send(6, os.getpid(), {"action": "stop"})
    os.chmod(server.path.parent, 0o755)
    with pytest.raises(ControlError, match="not a private directory"):
        ControlServer(run_id=6)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 st.dictionaries(st.sampled_from(["v", "action", "worker", "id", "x"]),
                                 st.one_of(st.none(), st.booleans(), st.integers(),
                                           st.text(max_size=300), st.lists(st.integers())))
                 .map(lambda d: json.dumps(d).encode())))
def test_fuzzed_control_requests_are_a_command_or_one_clear_error(data):
    try:
        command = parse_command(data)
    except ControlError as exc:
        error = str(exc)
    else:
        assert command.action in ("stop", "pause", "resume", "terminate", "kill")
        return
    assert error and "\n" not in error


def test_a_paused_worker_still_stops_when_the_run_is_stopped(env, tmp_path):
    run = started(env, config(tmp_path / "run.toml", seconds=60, fail=False))
    worker_pid(env, "tick-0")
    for spec in ("pause", "stop"):
        code, _, err = finish(mpscope(env, "follow", "--control", spec))
        assert code == 0, err
    code, out, _ = finish(run, timeout=30)
    assert code == 1 and out.count(": stopped") == 2


def test_a_follower_ends_when_the_recorder_is_killed(env, tmp_path):
    run = mpscope(env, "run", str(config(tmp_path / "run.toml", seconds=60, fail=False)))
    assert run.stdout is not None and run.stdout.readline().startswith("[")
    follower = mpscope(env, "follow", "--jsonl")
    assert follower.stdout is not None
    assert json.loads(follower.stdout.readline())["type"] == "run"
    os.killpg(run.pid, signal.SIGKILL)  # the recorder and its workers (its process group)
    code, out, err = finish(follower)
    finish(run)
    last = json.loads(out.splitlines()[-1])
    assert code == 1, err
    assert last["type"] == "end" and last["status"] == "interrupted" and last["exit_code"] is None


def test_a_version_1_history_gains_the_feed_and_old_writers_still_insert(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:  # made as mpscope 1 made it: no feed table
        store.db.execute("DROP TABLE feed")
        store.db.execute("PRAGMA user_version = 1")
        with store.transaction():
            run_id = store.begin_run(title="old")
    with HistoryStore(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.get_run(run_id)["title"] == "old"
        # An older mpscope still recording inserts without naming columns: that still fits.
        store.db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                         (run_id, 1.0, None, "info", "x", None))
        assert store.db.execute("SELECT count(*) FROM feed").fetchone()[0] == 0


def test_a_run_of_tasks_shares_one_feed_row_and_reads_the_same_from_any_number(tmp_path):
    def task(seq: int, outcome: str) -> tuple:  # as history/rows.task_row writes it
        return (seq, seq, seq, 1, 100, 1, 1.0, 2.0, outcome, 1, None, None, None)

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        with store.transaction():
            run_id = store.begin_run(title="pool")
        numbers = FeedNumbers()
        for rows in ([task(s, "ok") for s in range(6)] + [task(8, "running")],
                     [task(8, "ok"), task(6, "ok"), task(7, "ok")]):
            batch: dict = {}
            numbers.add(batch, "tasks", rows)
            with store.transaction():
                insert_batch(store, run_id, batch)
        assert store.db.execute("SELECT count(*) FROM feed").fetchone()[0] == 4  # 0-5, 8, 8, 6-7
        reader = FeedReader(store, run_id)
        every, run = reader.read(0)
        assert run["upto"] == 10 == reader.last_seq()
        # Task 8 was written twice: read in one span, only its newest state, once.
        assert [(i["seq"], i["task_seq"]) for i in every] == [
            (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (8, 8), (9, 6), (10, 7)]
        for since in range(11):  # from inside the run of six too: the same items after it
            items, run = reader.read(since)
            expected = [i for i in every if i["seq"] > since]
            assert [(i["seq"], i["task_seq"]) for i in items] == [
                (i["seq"], i["task_seq"]) for i in expected]
            assert run["upto"] == 10


def test_a_watched_program_is_followed_and_stopped_through_its_socket(env, tmp_path):
    program = tmp_path / "program.py"
    program.write_text("import time\nprint('working', flush=True)\ntime.sleep(60)\n")
    watch = mpscope(env, "watch", "--", sys.executable, str(program))
    path = Path(env["MPSCOPE_DATA_DIR"]) / "history.sqlite3"
    deadline = time.monotonic() + 30
    while not (path.exists() and recorded_events(env, 1)):  # its first event is recorded
        assert time.monotonic() < deadline and watch.poll() is None, watch.stderr
        time.sleep(0.1)
    follower = mpscope(env, "follow", "1", "--jsonl")
    code, out, err = finish(mpscope(env, "follow", "1", "--control", "stop"))
    assert code == 0 and out.startswith("run #1: stop sent to the whole run"), err
    watch_code = finish(watch)[0]
    assert watch_code != 0 and finish(follower)[0] == watch_code


def test_thinned_feeds_ended_runs_say_so_in_one_line_and_live_runs_keep_their_events(env,
                                                                                     tmp_path):
    from mpscope.core.history.retention import thin_feeds

    ended = started(env, config(tmp_path / "ended.toml", seconds=0.5, fail=False))
    assert finish(ended)[0] == 0
    live = started(env, config(tmp_path / "live.toml", seconds=60, fail=False))
    db = Path(env["MPSCOPE_DATA_DIR"]) / "history.sqlite3"
    with HistoryStore(db, check_interrupted=False) as store:
        deadline = time.monotonic() + 30
        while not {1, 4, 5} <= {row[0] for row in store.db.execute(  # run 2's samples and
                "SELECT DISTINCT tbl FROM feed WHERE run_id = 2")}:  # events are recorded
            assert time.monotonic() < deadline, "run 2 recorded no samples"
            time.sleep(0.1)
        feed = dict(store.db.execute("SELECT run_id, count(*) FROM feed GROUP BY run_id"))
        assert feed[1] > 0 and feed[2] > 0
        assert thin_feeds(store, now=time.time() - 60) == 0  # run 1 ended under a day ago
        # Two days on: run 1's feed is gone; run 2's samples are (they were averaged away).
        deleted = thin_feeds(store, now=time.time() + 2 * 86_400)
        left = dict(store.db.execute("SELECT run_id, count(*) FROM feed GROUP BY run_id"))
        assert 1 not in left and 0 < left[2] < feed[2] and deleted == feed[1] + feed[2] - left[2]
    code, out, err = finish(mpscope(env, "follow", "1", "--jsonl", "--since", "5"))
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "run #1" in err and "feed is gone" in err and "mpscope export 1" in err
    follower = mpscope(env, "follow", "2", "--jsonl")
    assert finish(mpscope(env, "follow", "2", "--control", "stop"))[0] == 0
    code, out, err = finish(follower)
    assert code == finish(live)[0] == 1, err  # stopped: not a success
    lines = [json.loads(line) for line in out.splitlines()]
    # Thinning kept every event of the live run: the follower got each recorded tick (how
    # many there are depends on how fast a loaded machine ran the worker).
    ticks = [e for e in events_of(lines) if "tick" in e[3]]
    assert ticks and ticks == [e for e in recorded_events(env, 2) if "tick" in e[3]]
