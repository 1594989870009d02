"""`mpscope run` records, `history` lists, `export` writes; a SIGKILL loses at most 1 s."""

from __future__ import annotations

import csv
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mpscope.core.history.store import HistoryStore

ROOT = Path(__file__).resolve().parents[1]
BASE_ENV = dict(os.environ,
                PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "tests")]))
SHORT_RUN = """
title = "short run"
[[workers]]
task = "sleep_io"
count = 2
name = "io"
args = { seconds = 0.3, steps = 3 }
"""


def ticker(seconds: float = 60.0, every: float = 0.05, reporter=None) -> int:
    """A worker task (run by name, test_history_cli:ticker): one log line every `every` s."""
    count, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        count += 1
        if reporter is not None:
            reporter.log(f"tick {count}")
        time.sleep(every)
    return count


def mpscope(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(BASE_ENV, MPSCOPE_DATA_DIR=str(data))
    return subprocess.run([sys.executable, "-m", "mpscope", *args], capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding one recorded run (#1) of SHORT_RUN and one unrecorded run."""
    folder = tmp_path_factory.mktemp("cli")
    config = folder / "short.toml"
    config.write_text(SHORT_RUN)
    data = folder / "data"
    first = mpscope(data, "run", str(config))
    assert first.returncode == 0, first.stderr
    assert first.stdout.rstrip().endswith(
        f"recorded as run #1 in {data / 'history.sqlite3'}")
    second = mpscope(data, "run", str(config), "--no-history")
    assert second.returncode == 0 and "recorded as" not in second.stdout
    return data


def test_history_lists_recorded_runs_as_a_table(recorded):
    result = mpscope(recorded, "history")
    assert result.returncode == 0, result.stderr
    header, rule, *rows = result.stdout.splitlines()
    assert header.split() == ["id", "started", "title", "outcome", "exit", "duration", "workers",
                              "pool", "tasks"]
    assert set(rule) <= {"-", " "}
    assert len(rows) == 1  # --no-history was not recorded
    assert rows[0].startswith("1 ") and "short run" in rows[0] and " succeeded " in rows[0]
    assert "\033[" not in result.stdout  # colours only on a terminal
    assert rows[0].split()[-2:] == ["2", "0"]  # two workers, no pool tasks
    filtered = mpscope(recorded, "history", "--status", "interrupted")
    assert filtered.returncode == 0 and filtered.stdout.strip() == "no matching runs"
    path = mpscope(recorded, "history", "--path")
    assert path.stdout.strip() == str(recorded / "history.sqlite3")


def test_history_without_a_database_says_so_and_creates_nothing(tmp_path):
    result = mpscope(tmp_path / "data", "history")
    assert result.returncode == 0 and "no runs recorded yet" in result.stdout
    assert not (tmp_path / "data").exists()
    missing = mpscope(tmp_path / "data", "export", "1")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


def test_export_writes_json_and_csv_and_refuses_an_unknown_run(recorded, tmp_path):
    result = mpscope(recorded, "export", "1", "--format", "json", "--out", str(tmp_path / "j"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "j" / "run.json")
    document = json.loads((tmp_path / "j" / "run.json").read_text())
    assert document["run"]["title"] == "short run" and len(document["workers"]) == 2
    result = mpscope(recorded, "export", "1", "--format", "csv", "--out", str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    names = {Path(line).name for line in result.stdout.split()}
    assert {"events.csv", "samples.csv", "worker_samples.csv", "tasks.csv",
            "workers.csv"} <= names
    with (tmp_path / "c" / "workers.csv").open(newline="") as handle:
        workers = list(csv.DictReader(handle))
    assert [w["name"] for w in workers] == ["io-0", "io-1"]
    assert all(w["state"] == "finished" for w in workers)
    unknown = mpscope(recorded, "export", "99", "--out", str(tmp_path / "u"))
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [
        f"mpscope: no run #99 in {recorded / 'history.sqlite3'} (see `mpscope history`)"]
    assert not (tmp_path / "u").exists()


def test_a_history_that_cannot_be_opened_costs_a_warning_not_the_run(tmp_path):
    config = tmp_path / "short.toml"
    config.write_text(SHORT_RUN)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = mpscope(blocker, "run", str(config))
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "not recording" in result.stderr
    assert "recorded as" not in result.stdout


def wait_for_recording(db: Path, seconds: float, deadline: float) -> None:
    """Until the run has events spanning `seconds` and a CPU sample, read-only."""
    while time.monotonic() < deadline:
        if db.exists():
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
                try:
                    row = connection.execute(
                        "SELECT (SELECT max(t) FROM events) - min(started_at), "
                        "(SELECT count(*) FROM core_samples) FROM runs").fetchone()
                except sqlite3.OperationalError:  # tables not created yet
                    row = None
            if row and row[0] is not None and row[0] > seconds and row[1] >= 1:
                return
        time.sleep(0.1)
    raise AssertionError("the run was not recorded in time")


def test_a_sigkilled_run_keeps_all_but_its_last_second_and_shows_interrupted(tmp_path):
    config = tmp_path / "ticking.toml"
    config.write_text('[[workers]]\ntask = "test_history_cli:ticker"\ncount = 2\n')
    data = tmp_path / "data"
    with subprocess.Popen(
        [sys.executable, "-m", "mpscope", "run", str(config)], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, env=dict(BASE_ENV, MPSCOPE_DATA_DIR=str(data)),
        start_new_session=True,  # its own process group: its workers die with it
    ) as process:
        try:
            wait_for_recording(data / "history.sqlite3", 2.5, time.monotonic() + 30)
            killed_at = time.time()
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    listed = mpscope(data, "history")
    assert listed.returncode == 0 and " interrupted " in listed.stdout.splitlines()[2]
    with HistoryStore(data / "history.sqlite3") as store:
        [run] = store.list_runs()
        assert run["status"] == "interrupted" and run["exit_code"] is None
        # The heartbeat commit bounds the end; everything up to 1 s before the kill is there.
        assert killed_at - 1.0 <= run["ended_at"] <= killed_at
        times = [e["t"] for e in store.events(run["id"], kinds=["log"])]
        assert killed_at - times[-1] <= 1.0
        assert max(b - a for a, b in itertools.pairwise(times)) < 0.5  # no hole before that
        assert len(times) >= 0.7 * 2 * (times[-1] - times[0]) / 0.05  # 2 tickers at 20/s
        samples = store.core_samples(run["id"])
        assert killed_at - samples[-1]["t"] <= 1.0 + 1.0  # one sampling period, plus 1 s
        workers = store.workers(run["id"])
        assert [w["state"] for w in workers] == ["running", "running"]
