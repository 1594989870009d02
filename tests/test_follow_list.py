"""`mpscope follow --list`: this machine's live runs, as a table and as JSON lines; the same
listing read from another machine (through `sh -c` and a real sshd), checked line by line."""

from __future__ import annotations

import json
import select
import sys
import time
from pathlib import Path

import psutil
import pytest

from mpscope.core.follow.remote import ssh_runner
from mpscope.core.follow.remote_list import MAX_LIST_LINE, MAX_LISTING, RemoteListing
from mpscope.core.history.store import HistoryStore
from sshd import MISSING, sshd
from test_follow import config, env, finish, mpscope, started
from test_follow_remote import remote_command

__all__ = ["env"]  # the fixture, shared with test_follow
SH = ["sh", "-c"]


def second_config(path: Path) -> Path:
    """Another run, told apart from config()'s by its title and its workers' names."""
    path.write_text('title = "second"\n[[workers]]\ntask = "test_follow:ticker"\ncount = 3\n'
                    'name = "other"\nargs = { seconds = 60, every = 0.05 }\n')
    return path


def two_live_runs(env: dict[str, str], tmp_path: Path) -> list:
    """Run #1 ("followed": tick-0, tick-1) and run #2 ("second": other-0..2), both live, their
    workers recorded running."""
    first = started(env, config(tmp_path / "one.toml", seconds=60, fail=False))
    second = started(env, second_config(tmp_path / "two.toml"))
    path = Path(env["MPSCOPE_DATA_DIR"]) / "history.sqlite3"
    deadline = time.monotonic() + 60
    while True:  # the recorder writes its workers' rows at its next snapshot (≤ 0.5 s)
        with HistoryStore(path, check_interrupted=False) as store:
            running = [sum(w["state"] == "running" for w in store.workers(run_id))
                       for run_id in (1, 2)]
        if running == [2, 3]:
            return [first, second]
        assert time.monotonic() < deadline, running
        time.sleep(0.1)


def stop(env: dict[str, str], runs: list) -> None:
    for run_id in (1, 2):
        code, _, err = finish(mpscope(env, "follow", str(run_id), "--control", "stop"))
        assert code == 0, err
    for run in runs:
        finish(run)  # stopped: it ends (how it counts a stop is its own business)


def wait_listed(listing: RemoteListing, timeout: float = 60.0) -> None:
    """Poll like the window does: wait on the output, never block on a read."""
    deadline = time.monotonic() + timeout
    while not listing.poll():
        assert time.monotonic() < deadline, listing.message
        fd = listing.fileno()
        select.select([fd] if fd is not None else [], [], [], 0.1)


def test_list_shows_the_live_runs_newest_first_as_a_table_and_as_json_lines(env, tmp_path):
    runs = two_live_runs(env, tmp_path)
    try:
        code, out, err = finish(mpscope(env, "follow", "--list"))
        assert code == 0, err
        header, newest, older = out.splitlines()
        assert header.split() == ["RUN", "TITLE", "STARTED", "WORKERS/TASKS", "PROGRESS", "PID"]
        assert newest.split()[:2] == ["#2", "second"] and newest.split()[-1] == str(runs[1].pid)
        assert older.split()[:2] == ["#1", "followed"] and older.split()[-1] == str(runs[0].pid)
        assert "3/0" in newest and "2/0" in older
        code, out, err = finish(mpscope(env, "follow", "--list", "--jsonl"))
        assert code == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        assert [(i["v"], i["type"], i["run"]["id"], i["run"]["title"]) for i in lines] == [
            (1, "live_run", 2, "second"), (1, "live_run", 1, "followed")]
        assert [i["run"]["pid"] for i in lines] == [runs[1].pid, runs[0].pid]
        assert all(i["run"]["status"] == "running" and i["run"]["tasks"] == 0 for i in lines)
        assert [i["run"]["workers"] for i in lines] == [3, 2]
        # The same listing from "another machine": the command runner the remote follow uses.
        code, via, err = finish(mpscope(env, "follow", "--list", "--jsonl", "--via", "sh -c",
                                        "--remote-command", remote_command(env)))
        assert code == 0, err
        assert [json.loads(line)["run"]["id"] for line in via.splitlines()] == [2, 1]
    finally:
        stop(env, runs)
    code, out, err = finish(mpscope(env, "follow", "--list"))
    assert (code, out) == (3, "") and err.count("\n") == 1, err
    assert "no run is being recorded" in err


def test_list_refuses_what_it_cannot_use_in_one_line(env):
    for args, problem in ((["--list", "3"], "it takes no RUN_ID"),
                          (["--list", "--since", "4"], "it takes no --since"),
                          (["--list", "--latest", "--control", "stop"],
                           "it takes no --latest, --control")):
        code, out, err = finish(mpscope(env, "follow", *args))
        assert (code, out) == (2, "") and problem in err and err.count("\n") == 1, err
    code, out, _ = finish(mpscope(env, "follow", "--help"))
    assert code == 0 and "3 when --list finds no live run" in " ".join(out.split())
    code, out, err = finish(mpscope(env, "follow", "--list", "--jsonl"))  # no history at all
    assert (code, out) == (3, "") and err.count("\n") == 1


def test_a_remote_listing_reads_the_runs_and_cancel_leaves_nothing_running(env, tmp_path):
    runs = two_live_runs(env, tmp_path)
    try:
        listing = RemoteListing(SH, remote_command(env), label="sh -c")
        wait_listed(listing)
        assert listing.state == "listed", listing.message
        assert [(r["id"], r["title"], r["workers"]) for r in listing.runs] == [
            (2, "second", 3), (1, "followed", 2)]
    finally:
        stop(env, runs)
    none = RemoteListing(SH, remote_command(env), label="sh -c")
    wait_listed(none)
    assert none.state == "none" and none.message == "no run is live on sh -c"
    hanging = RemoteListing([sys.executable, "-c", "import time; time.sleep(60)"])
    pid = hanging._child.pid
    assert not hanging.poll()
    hanging.cancel()
    assert hanging.state == "failed" and not psutil.pid_exists(pid)


def test_a_remote_without_mpscope_is_said_in_one_line():
    listing = RemoteListing(SH, "no-such-mpscope", label="there")
    wait_listed(listing)
    assert listing.state == "failed" and "\n" not in listing.message
    assert listing.message.startswith("cannot list the runs on there:")
    assert "not found" in listing.message


def fake_listing(data: bytes, folder: Path) -> RemoteListing:
    """A 'remote' that writes exactly `data` (the runner ignores the command it gets)."""
    (folder / "listing").write_bytes(data)
    script = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    return RemoteListing([sys.executable, "-c", script, str(folder / "listing")], label="h")


LIVE = b'{"v":1,"type":"live_run","run":{"id":4,"status":"running","title":"t"}}\n'


@pytest.mark.parametrize(("data", "problem"), [
    (b"not json\n", "not JSON"),
    (b'{"v":1,"type":"run","since":0,"run":{"id":1,"status":"running"}}\n', "a run line where"),
    (b'{"v":1,"type":"live_run","run":{"id":"4","status":"running"}}\n',
     "a live_run whose id is not an integer"),
    (b'{"v":1,"type":"live_run","run":{"id":4,"status":"running","done":NaN}}\n', "not JSON"),
    (b'{"v":2,"type":"live_run"}\n', "schema version 2"),
    (LIVE + b'{"v":1,"type":"live_run","run":[]}\n', "whose run is not an object"),
    (LIVE + b'{"v":1,"type":"live_run","run":{"id":5,"status":"running","title":"'
     + b"x" * MAX_LIST_LINE + b'"}}\n', "at most"),
    (LIVE * (MAX_LISTING // len(LIVE) + 2), "more than"),
])
def test_a_malformed_or_oversized_listing_is_refused_with_one_sentence(data, problem, tmp_path):
    listing = fake_listing(data, tmp_path)
    wait_listed(listing, timeout=30)
    assert listing.state == "failed" and listing.runs == []
    assert listing.message.startswith("the list from h is not mpscope's:")
    assert problem in listing.message and "\n" not in listing.message


def test_a_well_formed_listing_keeps_unknown_fields_out_of_the_way(tmp_path):
    listing = fake_listing(LIVE.replace(b'"title":"t"', b'"title":"t","new":1') + LIVE,
                           tmp_path)
    wait_listed(listing, timeout=30)
    assert listing.state == "listed" and [r["id"] for r in listing.runs] == [4, 4]


@pytest.mark.skipif(MISSING is not None, reason=str(MISSING))
def test_listing_through_a_real_sshd(env, tmp_path):
    runs = two_live_runs(env, tmp_path)
    try:
        with sshd() as server:
            listing = RemoteListing(ssh_runner(server.destination, server.options),
                                    remote_command(env), label="127.0.0.1")
            wait_listed(listing)
        assert listing.state == "listed", listing.message
        assert [r["id"] for r in listing.runs] == [2, 1]
    finally:
        stop(env, runs)
