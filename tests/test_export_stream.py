"""The streamed run.json: the same text as the whole document dumped at once, in bounded memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from mpscope.core.history.export import export_json, import_json, run_document
from mpscope.core.history.store import COLUMNS, HistoryStore, pack_cpu


def synthetic_run(store: HistoryStore, tasks: int) -> int:
    """A run with every table filled: tasks (some with peaks, errors, retries), events, samples."""
    run_id = store.begin_run(title="synthetic 任务\nrun", started_at=100.0, status="finished",
                             config={"pool": {"items": tasks}, "title": "x"})
    store.update_run(run_id, summary={"pool": {"done": tasks}, "note": "é\"quoted\""})
    worker = dict.fromkeys(COLUMNS["workers"])
    rows = []
    for wid in (1, 2):
        row = {**worker, "run_id": run_id, "wid": wid, "name": f"pool-{wid}", "kind": "pool",
               "state": "finished", "started_at": 100.0, "result_json": json.dumps([wid, None])}
        rows.append(tuple(row[c] for c in COLUMNS["workers"]))
    with store.transaction():
        store.insert("workers", rows)
        store.insert("tasks", ((run_id, seq, seq, seq, 1, 7, 1 + seq % 2, 100.0 + seq / 1e3,
                                100.0 + seq / 1e3 + 0.0005, "failed" if seq % 97 == 0 else "ok",
                                1 + (seq % 50 == 0), "ValueError: bad\nline" if seq % 97 == 0
                                else None, None,
                                json.dumps([[7, 1, 1.0, 2.0, "lost"]]) if seq % 50 == 0
                                else None) for seq in range(tasks)))
        store.insert("peaks", [(run_id, "task", seq, 1000 + seq) for seq in range(0, tasks, 3)]
                     + [(run_id, "worker", 1, 5_000_000)])
        store.insert("events", [(run_id, 100.0 + i, i % 3, "log", f"line {i} 中文", None)
                                for i in range(200)])
        store.insert("core_samples", [(run_id, 100.0 + t, pack_cpu([12.5, 99.9]), 1.5, 10 ** 7)
                                      for t in range(30)])
        store.insert("worker_samples", [(run_id, 100.0 + t, w, 50.0, 2 ** 20)
                                        for t in range(30) for w in (1, 2)])
        # progress_samples left empty: an empty table is written as [] like json.dumps does
    return run_id


def test_streamed_export_is_the_text_of_the_whole_document_dumped_at_once(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        run_id = synthetic_run(store, 500)
        [written] = export_json(store, run_id, tmp_path / "out")
        expected = json.dumps(run_document(store, run_id), indent=1) + "\n"
        assert written.read_text(encoding="utf-8") == expected
        # and it still imports to the same rows
        copy = HistoryStore(tmp_path / "copy.sqlite3")
        new_id = import_json(copy, written)
        assert copy.tasks(new_id) == store.tasks(run_id)
        assert copy.workers(new_id) == store.workers(run_id)
        copy.close()
    assert list(tmp_path.joinpath("out").iterdir()) == [written]  # no temporary file left


def test_an_empty_run_exports_as_json_dumps_would(tmp_path: Path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        run_id = store.begin_run(title="empty", started_at=1.0)
        [written] = export_json(store, run_id, tmp_path)
        assert written.read_text() == json.dumps(run_document(store, run_id), indent=1) + "\n"


def test_exporting_a_large_run_holds_a_bounded_amount_of_memory(tmp_path: Path):
    # 30,000 tasks: the whole document in memory (rows as dicts, then one string) took
    # about 60 MB traced; streamed, memory stays at a few rows' worth.
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        run_id = synthetic_run(store, 30_000)
        tracemalloc.start()
        try:
            [written] = export_json(store, run_id, tmp_path / "out")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert written.stat().st_size > 6_000_000  # the rows really were written
    assert peak < 10_000_000, f"export peaked at {peak / 1e6:.1f} MB traced"
