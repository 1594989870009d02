"""Per-task and per-worker peak memory: measured in the process, shown, summarised and recorded."""

from __future__ import annotations

import sqlite3
import time

from mpscope.core import config as cfg
from mpscope.core.engine.run import Run
from mpscope.core.engine.summary import build_summary, format_table
from mpscope.core.history import store as history_store
from mpscope.core.history.export import export_csv, export_json, import_json
from mpscope.core.history.history_writer import attach
from mpscope.core.history.store import HistoryStore
from mpscope.core.insight.peak_memory import PeakMeter
from mpscope.core.insight.top_tasks import call_text
from polling import run_until

MIB = 2**20

ALLOCATING = """
[[workers]]
task = "memory_hog"
count = 1
args = { megabytes = 200, seconds = 0.3 }

[pool]
task = "task_helpers:allocate"
items = [200, 5, 200, 10]
processes = 1
chunksize = 1
"""


def _finished_run(text: str = ALLOCATING, **attach_options) -> tuple[Run, object]:
    run = Run(cfg.loads(text))
    recorder = attach(run, **attach_options) if attach_options else None
    run.start()
    run_until(run, lambda: not run.busy, timeout=60)
    return run, recorder


def test_a_task_that_allocates_200_mb_shows_a_peak_between_200_and_300_mb():
    run, _ = _finished_run()
    peaks = [t.peak_rss / MIB for t in run.pool.tasks]
    # Tasks 0 and 2 both hold 200 MiB: the first raises the process's all-time peak (exact),
    # the second does not (the sampler measures it); the small ones stay far below.
    assert 200 <= peaks[0] <= 300 and 200 <= peaks[2] <= 300, peaks
    assert peaks[1] < 150 and peaks[3] < 150, peaks
    worker = next(r for r in run.engine.records.values() if r.kind == "worker")
    assert 200 <= worker.peak_rss / MIB <= 300
    pool_process = next(r for r in run.engine.records.values() if r.kind == "pool")
    assert pool_process.peak_rss >= run.pool.tasks[0].peak_rss


def test_the_summary_lists_the_top_tasks_by_memory_and_time_with_their_arguments():
    run, _ = _finished_run()
    top = build_summary(run)["pool"]["top_tasks"]
    by_memory = [row["call"] for row in top["memory"]]
    assert by_memory[:2] == ["allocate(200)", "allocate(200)"] and len(by_memory) == 4
    assert top["time"][0]["duration_s"] >= top["time"][-1]["duration_s"]
    assert build_summary(run)["workers"][0]["peak_rss"] > 200 * MIB
    table = format_table(run)
    assert "top 5 tasks by memory:" in table and "top 5 tasks by time:" in table
    assert "allocate(200)" in table


def test_call_text_names_the_call_or_the_chunk():
    assert call_text("pkg.mod:square", [1, 2, 3], 1, 1, star=False) == "square(2)"
    assert call_text("power", [[2, 3]], 0, 1, star=True) == "power(2, 3)"
    assert call_text("square", list(range(10)), 2, 3, star=False) == \
        "square over items 2–4: [2, 3, 4]"


def test_peaks_are_recorded_in_the_history(tmp_path):
    path = tmp_path / "history.sqlite3"
    run, recorder = _finished_run(store_path=path)
    run_id = recorder.finish(run.exit_code())
    with HistoryStore(path) as store:
        tasks = store.tasks(run_id)
        workers = store.workers(run_id)
    assert 200 * MIB <= tasks[0]["peak_rss"] <= 300 * MIB
    assert any(w["kind"] == "worker" and w["peak_rss"] > 200 * MIB for w in workers)


def test_a_version_2_history_gains_the_peaks_table(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for table, columns in history_store.TABLES.items():
        if table == "peaks":
            continue  # what version 2 did not have
        body = ", ".join(f'"{c.split()[0]}" {c.split(maxsplit=1)[1]}' for c in columns)
        db.execute(f"CREATE TABLE {table} ({body})")
    db.execute(history_store.FEED_SQL)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value)")
    db.execute("INSERT INTO tasks (run_id, seq, task_id) VALUES (1, 0, 0)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with HistoryStore(path) as store:
        assert store.tasks(1)[0]["peak_rss"] is None  # the old row is kept
        store.insert("peaks", [(1, "task", 0, 123)])
        assert store.tasks(1)[0]["peak_rss"] == 123
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
    assert version == history_store.SCHEMA_VERSION == 3


def test_an_export_keeps_the_peaks_and_an_import_brings_them_back(tmp_path):
    path = tmp_path / "history.sqlite3"
    run, recorder = _finished_run(store_path=path)
    run_id = recorder.finish(run.exit_code())
    with HistoryStore(path) as store:
        export_json(store, run_id, tmp_path / "out")
        export_csv(store, run_id, tmp_path / "csv")
        again = import_json(store, tmp_path / "out" / "run.json")
        assert [t["peak_rss"] for t in store.tasks(again)] == \
            [t["peak_rss"] for t in store.tasks(run_id)]
    header = (tmp_path / "csv" / "tasks.csv").read_text().splitlines()[0]
    assert header.endswith(",peak_rss")


def test_the_meter_samples_a_peak_that_does_not_raise_the_all_time_one():
    meter = PeakMeter(sample_s=0.005)
    block = bytearray(120 * MIB)
    block[::4096] = b"\x01" * (len(block) // 4096)
    del block  # the all-time peak is now at least 120 MiB above what follows
    meter.start()
    held = bytearray(60 * MIB)
    held[::4096] = b"\x01" * (len(held) // 4096)
    time.sleep(0.05)
    del held
    peak = meter.stop()
    assert peak >= meter.rss() + 50 * MIB
