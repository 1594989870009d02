"""Run history against a real SQLite file: record, reopen, interrupted runs, export, retention."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from mpscope.core import config as cfg
from mpscope.core.engine.run import Run
from mpscope.core.engine.run_state import Event, WorkerRecord
from mpscope.core.engine.sampler import Sample, Sampler
from mpscope.core.engine.states import State
from mpscope.core.history.export import (
    UnknownRun,
    compare,
    export_csv,
    export_json,
    import_json,
    run_metrics,
)
from mpscope.core.history.history_writer import Recorder, attach
from mpscope.core.history.retention import apply_retention, downsample
from mpscope.core.history.store import CHILD_TABLES, COLUMNS, HistoryError, HistoryStore

RUN_TOML = """
title = "recorded"
[[workers]]
task = "sleep_io"
count = 2
name = "io"
args = { seconds = 0.6, steps = 6 }
[pool]
task = "square"
items = 60
processes = 2
method = "imap"
chunksize = 5
"""


def record_real_run(path: Path) -> int:
    """Run RUN_TOML for real, recorded as the window would: events subscribed, samples pushed."""
    run = Run(cfg.loads(RUN_TOML, "run.toml"))
    recorder = attach(run, path)
    sampler = Sampler()
    run.start()
    next_sample = 0.0
    while run.busy:
        run.poll(0.02)
        if time.monotonic() >= next_sample:
            pids = [r.pid for r in run.engine.records.values() if r.pid and r.state.is_alive]
            recorder.on_sample(sampler.sample(pids))
            next_sample = time.monotonic() + 0.2
        time.sleep(0.01)
    run_id = recorder.finish(run.exit_code())
    assert run_id is not None and recorder.error is None
    return run_id


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    return path, record_real_run(path)


def copy_of(recorded: tuple[Path, int], tmp_path: Path) -> Path:
    """A private copy of the recorded database (a test may change it)."""
    target = tmp_path / "history.sqlite3"
    with sqlite3.connect(recorded[0]) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def test_a_real_run_is_recorded_and_reads_back_after_reopening(recorded):
    path, run_id = recorded
    with HistoryStore(path) as store:
        run = store.get_run(run_id)
        assert run["status"] == "finished" and run["exit_code"] == 0
        assert run["title"] == "recorded" and run["config"]["pool"]["items"] == 60
        assert run["ended_at"] > run["started_at"] and run["duration"] > 0.5
        assert run["summary"]["pool"]["items_done"] == 60
        workers = store.workers(run_id)
        io = [w for w in workers if w["kind"] == "worker"]
        assert [w["name"] for w in io] == ["io-0", "io-1"]
        assert all(w["state"] == "finished" and w["result"] == 0.6 and w["pid"] for w in io)
        assert any(w["kind"] == "pool" for w in workers)
        events = store.events(run_id)
        assert any("io-0: running" in e["text"] for e in events)
        assert [e["t"] for e in events] == sorted(e["t"] for e in events)
        tasks = store.tasks(run_id)
        assert len(tasks) == 12 and all(t["outcome"] == "ok" and t["pid"] for t in tasks)
        assert sum(t["count"] for t in tasks) == 60
        cores = store.core_samples(run_id)
        assert cores and all(len(s["per_core"]) >= 1 for s in cores)
        wids = {w["wid"] for w in workers}
        assert {s["wid"] for s in store.worker_samples(run_id)} <= wids
        assert store.worker_samples(run_id)
        progress = store.progress_samples(run_id)
        assert progress[-1]["t"] >= progress[0]["t"]
        assert max(p["done"] for p in store.progress_samples(run_id, wid=0)) == 60
        listed = store.list_runs()
        assert listed[0]["id"] == run_id
        assert listed[0]["workers"] == 2 and listed[0]["pool_tasks"] == 12


def test_an_unreadable_file_is_a_clear_history_error(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match=r"is unusable .*move that file aside"):
        HistoryStore(path)


def test_a_recorder_that_cannot_open_the_database_never_raises(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    run = Run(cfg.loads("[[workers]]\ntask = 'sleep_io'\n"))
    recorder = attach(run, blocker / "history.sqlite3")  # its folder is a file
    assert not recorder.wait_ready() and "cannot open" in (recorder.error or "")
    recorder.on_event(Event(time.time(), None, "info", "ignored"))
    assert recorder.finish(0) is None


def dead_process() -> tuple[int, float]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    token = psutil.Process(process.pid).create_time()
    process.wait()
    return process.pid, token


def test_a_run_whose_recorder_died_is_interrupted_at_the_next_open(tmp_path):
    path = tmp_path / "history.sqlite3"
    pid, token = dead_process()
    with HistoryStore(path) as store, store.transaction():
        dead = store.begin_run(title="dead", pid=pid, pid_started=token, started_at=100.0)
        store.update_run(dead, heartbeat=103.5)
        alive = store.begin_run(title="alive")  # this very process: still recording
        reused = store.begin_run(title="reused pid", pid_started=1.0)  # our pid, not our start
        elsewhere = store.begin_run(title="other host", pid=pid, host="elsewhere")
    with HistoryStore(path) as store:
        status = {r["id"]: r["status"] for r in store.list_runs()}
        assert status == {dead: "interrupted", alive: "running", reused: "interrupted",
                          elsewhere: "running"}
        run = store.get_run(dead)
        assert run["ended_at"] == 103.5 and run["duration"] == pytest.approx(3.5)
        assert not store.delete_run(alive)  # still being recorded
        assert store.delete_run(dead) and store.get_run(dead) is None


def test_json_export_reloads_to_the_same_rows_and_csv_counts_match(recorded, tmp_path):
    path, run_id = recorded
    with HistoryStore(path) as store:
        [written] = export_json(store, run_id, tmp_path / "json")
        document = json.loads(written.read_text())
        assert document["format"] == "mpscope-run" and document["run"]["id"] == run_id
        copy = HistoryStore(tmp_path / "other.sqlite3")
        new_id = import_json(copy, written)
        original, loaded = store.get_run(run_id), copy.get_run(new_id)
        assert {**original, "id": new_id} == loaded
        queries = ("workers", "events", "tasks", "core_samples", "worker_samples",
                   "progress_samples")
        for name in queries:
            assert getattr(store, name)(run_id) == getattr(copy, name)(new_id), name
            assert document[name] == getattr(store, name)(run_id)
        copy.close()
        files = {p.name: p for p in export_csv(store, run_id, tmp_path / "csv")}
        counts = {"events.csv": store.events, "tasks.csv": store.tasks,
                  "workers.csv": store.workers, "samples.csv": store.core_samples,
                  "worker_samples.csv": store.worker_samples}
        for name, query in counts.items():
            with files[name].open(newline="") as handle:
                rows = list(csv.reader(handle))
            assert len(rows) - 1 == len(query(run_id)), name
        with files["samples.csv"].open(newline="") as handle:
            header = next(csv.reader(handle))
        assert header[:2] == ["t", "cpu0"] and header[-2:] == ["own_cpu", "own_rss"]
        with pytest.raises(UnknownRun):
            export_json(store, 999, tmp_path)


def test_compare_reports_durations_throughput_and_speedup(recorded, tmp_path):
    path = copy_of(recorded, tmp_path)
    with HistoryStore(path) as store:
        a = recorded[1]
        with store.transaction():
            b = store.begin_run(title="twice as fast", config=store.get_run(a)["config"],
                                status="finished", duration=store.get_run(a)["duration"] / 2)
        result = compare(store, a, b)
        assert result["speedup"] == pytest.approx(2.0)
        assert result["a"]["pool_items"] == 60 and result["a"]["items_per_s"] > 0
        assert result["a"]["workers_finished"] == 2 and result["same_config"]


def fill(store: HistoryStore, run_id: int, start: float, seconds: int, wids=(1, 2)) -> None:
    with store.transaction():
        store.insert("core_samples", [(run_id, start + i, bytes(4), 1.0, 10) for i in
                                      range(seconds)])
        store.insert("worker_samples", [(run_id, start + i, w, float(i % 10), 100 * w)
                                        for i in range(seconds) for w in wids])
        store.insert("progress_samples", [(run_id, start + i, 1, float(i), 1000.0)
                                          for i in range(seconds)])
        store.insert("events", [(run_id, start, 1, "log", "x", None)])
        for table in ("workers", "tasks"):  # a bare row with its key: (run_id, wid | seq)
            store.insert(table, [(run_id, 1, *[None] * (len(COLUMNS[table]) - 2))])
        store.insert("peaks", [(run_id, "task", 1, 2**20)])


def test_retention_keeps_the_newest_runs_and_never_a_live_one(tmp_path):
    now = time.time()
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        with store.transaction():
            live = store.begin_run(title="live", started_at=now - 400 * 86_400)
            old = [store.begin_run(title=f"r{i}", status="finished",
                                   started_at=now - (10 - i) * 86_400) for i in range(6)]
        for run_id in [live, *old]:
            fill(store, run_id, now, 5)
        assert apply_retention(store, keep_runs=4) == [old[1], old[0]]
        assert apply_retention(store, keep_days=6.5) == [old[3], old[2]]  # 7 and 8 days old
        assert [r["id"] for r in store.list_runs()] == [old[5], old[4], live]
        for table in CHILD_TABLES:
            left = {r[0] for r in store.db.execute(f"SELECT DISTINCT run_id FROM {table}")}
            assert left == {live, old[4], old[5]}, table
        assert apply_retention(store, max_bytes=1) == [old[4], old[5]]  # live is kept even so
        assert [r["id"] for r in store.list_runs()] == [live]


def test_downsampling_averages_old_samples_into_buckets_once(tmp_path):
    now = 1_000_000.0
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        with store.transaction():
            run_id = store.begin_run(title="long", started_at=now - 3 * 86_400)
        fill(store, run_id, now - 2 * 86_400, 100)  # two days old: to be bucketed
        fill(store, run_id, now - 60, 30)  # recent: untouched
        removed = downsample(store, 86_400, 10, now=now)
        assert removed == 90 + 2 * 90 + 90
        samples = store.worker_samples(run_id, wid=1)
        assert len(samples) == 10 + 30
        assert samples[0]["cpu"] == pytest.approx(4.5) and samples[0]["rss"] == 100
        assert samples[0]["t"] == pytest.approx(now - 2 * 86_400 + 4.5)
        progress = store.progress_samples(run_id)
        assert progress[0]["done"] == 9.0 and len(progress) == 40  # the last value per bucket
        assert len(store.core_samples(run_id)) == 40
        assert downsample(store, 86_400, 10, now=now) == 0  # the watermark: nothing twice
        assert downsample(store, 7 * 86_400, 60, now=now) == 0  # not that old yet


def stub_run(tasks: list[SimpleNamespace], records: dict[int, WorkerRecord]) -> SimpleNamespace:
    config = cfg.RunConfig(title="stub")
    pool = SimpleNamespace(tasks=tasks, config=SimpleNamespace(processes=2),
                           items_total=len(tasks), handler=SimpleNamespace(generation=1))
    return SimpleNamespace(config=config, engine=SimpleNamespace(records=records), pool=pool,
                           started_at=1000.0, ended_at=None, duration=1.0, exit_code=lambda: 0)


def task(task_id: int) -> SimpleNamespace:
    return SimpleNamespace(task_id=task_id, first_index=task_id, count=1, pid=None, wid=None,
                           started=None, ended=None, outcome="pending", attempt=1, error=None,
                           traceback=None, history=[])


def test_the_recorder_follows_pool_tasks_through_retries(tmp_path):
    tasks = [task(i) for i in range(500)]
    record = WorkerRecord(1, "pool-0", "pool", 0, "square", kind="pool", pid=42)
    record.state = State.RUNNING
    run = stub_run(tasks, {1: record})
    recorder = Recorder(tmp_path / "h.sqlite3", run)
    for i in range(20):
        tasks[i].started, tasks[i].pid, tasks[i].wid, tasks[i].outcome = 1000.0 + i, 42, 1, "ok"
        tasks[i].ended = 1000.5 + i
    recorder.snapshot(now=1001.0)
    tasks[3].history, tasks[3].outcome, tasks[3].attempt = [(42, 1, 1.0, 2.0, "lost")], "ok", 2
    tasks[30].outcome = tasks[31].outcome = "cancelled"  # never started: not written
    run.pool.handler.generation = 2  # a rebuilt pool: finished tasks are looked at again
    recorder.on_sample(Sample(1002.0, (10.0, 20.0), {42: (55.0, 1 << 20)}, 1.0, 1 << 24))
    record.state, record.exitcode = State.FINISHED, 0
    run_id = recorder.finish(0)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        rows = store.tasks(run_id)
        assert len(rows) == 20  # tasks that never started are not written
        assert rows[3]["attempt"] == 2 and rows[3]["history"] == [[42, 1, 1.0, 2.0, "lost"]]
        assert store.progress_samples(run_id, wid=0)[-1]["done"] == 20
        assert store.worker_samples(run_id) == [{"t": 1002.0, "wid": 1, "cpu": 55.0,
                                                 "rss": 1 << 20}]
        assert store.core_samples(run_id)[0]["per_core"] == [10.0, 20.0]
        assert store.workers(run_id)[0]["state"] == "finished"


def test_bytes_per_hour_of_a_typical_run(tmp_path):
    """One simulated hour: 8 workers + a 4-process pool, 1 s samples on 2 cores, 3 events/s,
    10 pool tasks/s. Benchmark 10d (`python -m mpscope.bench --only components`) measures it."""
    tasks = [task(i) for i in range(36_000)]
    records = {}
    for wid in range(1, 13):
        records[wid] = WorkerRecord(wid, f"w{wid}", "g", wid, "sleep_io", pid=1000 + wid,
                                    kind="worker" if wid <= 8 else "pool")
        records[wid].state, records[wid].total = State.RUNNING, 3600.0
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        empty = store.used_bytes()
    recorder = Recorder(path, stub_run(tasks, records))
    start = 1_000_000.0
    for second in range(3600):
        t = start + second
        for record in records.values():
            record.done = float(second)
        for i in range(second * 10, second * 10 + 10):
            tasks[i].started, tasks[i].ended, tasks[i].pid, tasks[i].wid = t, t + 0.3, 1009, 9
            tasks[i].outcome = "ok"
        for k in range(3):
            recorder.on_event(Event(t + k / 3, 1 + k, "log", f"w{1 + k}: step {second} done"))
        per_pid = {r.pid: (50.0 + second % 50, 80_000_000 + second) for r in records.values()}
        recorder.on_sample(Sample(t, (61.5, 72.25), per_pid, 1.5, 60_000_000))
    recorder.finish(0, timeout=30)
    with HistoryStore(path) as store:
        per_hour = store.used_bytes() - empty
    assert per_hour < 8e6


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("linux", {"XDG_DATA_HOME": "/xdg"}, "/xdg/mpscope"),
    ("linux", {"XDG_DATA_HOME": "relative"}, "~/.local/share/mpscope"),  # invalid: ignored
    ("linux", {}, "~/.local/share/mpscope"),
    ("darwin", {}, "~/Library/Application Support/mpscope"),
    ("win32", {"LOCALAPPDATA": "/appdata"}, "/appdata/mpscope"),
    ("linux", {"MPSCOPE_DATA_DIR": "/mine", "XDG_DATA_HOME": "/xdg"}, "/mine"),
])
def test_the_data_directory_follows_the_platform(monkeypatch, platform, env, expected):
    from mpscope.core.history import paths

    for name in ("MPSCOPE_DATA_DIR", "XDG_DATA_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(paths.sys, "platform", platform)
    assert paths.data_dir() == Path(expected).expanduser()
    assert paths.history_path() == Path(expected).expanduser() / "history.sqlite3"


def test_a_snapshot_writes_a_bounded_number_of_task_rows_and_goes_on_at_the_next_call(tmp_path):
    from mpscope.core.history.history_writer import TASK_ROWS_PER_CALL

    count = 3 * TASK_ROWS_PER_CALL + 7
    tasks = [task(i) for i in range(count)]
    run = stub_run(tasks, {})
    recorder = Recorder(tmp_path / "h.sqlite3", run, task_rows=TASK_ROWS_PER_CALL)
    for i, t in enumerate(tasks):  # a fast pool: thousands ended since the last snapshot
        t.started, t.ended, t.pid, t.wid, t.outcome = 1000.0 + i, 1000.5 + i, 42, 1, "ok"
    written = []
    real_put = recorder._put
    recorder._put = lambda table, rows: (table == "tasks" and written.append(len(rows)),
                                         real_put(table, rows))
    recorder.snapshot(now=1001.0)
    assert written == [TASK_ROWS_PER_CALL]
    recorder.snapshot(now=1001.01)  # the next call, well before SNAPSHOT_EVERY_S, goes on
    recorder.snapshot(now=1001.02)
    recorder.snapshot(now=1001.03)
    assert sum(written) == count and max(written) <= TASK_ROWS_PER_CALL
    recorder.snapshot(now=1001.04)  # caught up: nothing more until the next period
    assert sum(written) == count
    run_id = recorder.finish(0)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert len(store.tasks(run_id)) == count


def test_the_final_snapshot_rewrites_tasks_that_a_cut_snapshot_left_running(tmp_path):
    from mpscope.core.history.history_writer import TASK_ROWS_PER_CALL

    tasks = [task(i) for i in range(2 * TASK_ROWS_PER_CALL)]
    run = stub_run(tasks, {})
    recorder = Recorder(tmp_path / "h.sqlite3", run, task_rows=TASK_ROWS_PER_CALL)
    for i, t in enumerate(tasks):
        t.started, t.pid, t.wid, t.outcome = 1000.0 + i, 42, 1, "running"
    recorder.snapshot(now=1001.0)  # cut after TASK_ROWS_PER_CALL rows: it resumes midway
    for t in tasks:
        t.ended, t.outcome = t.started + 0.5, "ok"
    run_id = recorder.finish(0)  # before the resuming call: the end starts at the first task
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert {row["outcome"] for row in store.tasks(run_id)} == {"ok"}
        assert len(store.tasks(run_id)) == len(tasks)
        assert store.progress_samples(run_id, wid=0)[-1]["done"] == len(tasks)


def test_by_default_a_snapshot_writes_every_changed_task(tmp_path):
    # The headless loop snapshots once a second: a cap would leave it behind a fast pool.
    from mpscope.core.history.history_writer import TASK_ROWS_PER_CALL

    tasks = [task(i) for i in range(3 * TASK_ROWS_PER_CALL)]
    run = stub_run(tasks, {})
    recorder = Recorder(tmp_path / "h.sqlite3", run)
    for i, t in enumerate(tasks):
        t.started, t.ended, t.pid, t.wid, t.outcome = 1000.0 + i, 1000.5 + i, 42, 1, "ok"
    written = []
    real_put = recorder._put
    recorder._put = lambda table, rows: (table == "tasks" and written.append(len(rows)),
                                         real_put(table, rows))
    recorder.snapshot(now=1001.0)
    assert written == [len(tasks)]
    recorder.finish(0)


def test_a_task_whose_result_came_before_its_report_gets_its_times_written(tmp_path):
    # The caller's result can arrive before the pool process's report of the same task: the
    # task is already "ok" (final) but has no start or end yet. A snapshot then must not
    # pass it for good, or the history keeps it without times (and counts one item less).
    tasks = [task(i) for i in range(4)]
    run = stub_run(tasks, {})
    recorder = Recorder(tmp_path / "h.sqlite3", run)
    for t in tasks[:3]:
        t.started, t.ended, t.pid, t.wid, t.outcome = 1000.0, 1000.5, 42, 1, "ok"
    tasks[3].started, tasks[3].outcome = 1000.2, "ok"  # delivered; its report not read yet
    recorder.snapshot(now=1001.0)
    tasks[3].ended, tasks[3].pid, tasks[3].wid = 1000.7, 42, 1  # the report came
    recorder.snapshot(now=1002.0)
    run_id = recorder.finish(0)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert [row["ended"] for row in store.tasks(run_id)] == [1000.5] * 3 + [1000.7]
        assert run_metrics(store, run_id)["pool_items"] == 4


def test_a_writer_that_falls_behind_keeps_the_queue_bounded_and_loses_nothing(tmp_path,
                                                                             monkeypatch):
    import threading

    from mpscope.core.history import history_writer

    monkeypatch.setattr(history_writer, "MAX_TASK_BACKLOG", 100)
    writing = threading.Event()
    flush = Recorder._flush

    def slow_flush(self, *args, **kwargs):
        writing.wait(10)  # the writer is behind until the test lets it go on
        return flush(self, *args, **kwargs)

    monkeypatch.setattr(Recorder, "_flush", slow_flush)
    tasks = [task(i) for i in range(1000)]
    run = stub_run(tasks, {})
    recorder = Recorder(tmp_path / "h.sqlite3", run)
    for t in tasks:  # a fast pool: all of them ended since the last snapshot
        t.started, t.ended, t.pid, t.wid, t.outcome = 1000.0, 1000.5, 42, 1, "ok"
    recorder.snapshot(now=1001.0)
    recorder.snapshot(now=1002.0)
    assert recorder._queued_task_rows == 100  # the rest waits in the tasks themselves
    writing.set()
    run_id = recorder.finish(0)  # the final snapshot writes everything
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert len(store.tasks(run_id)) == 1000
        assert run_metrics(store, run_id)["pool_items"] == 1000
