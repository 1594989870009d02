"""Keeping the history database bounded: old runs deleted, old samples averaged into buckets."""

from __future__ import annotations

import math
import sqlite3
import time
from typing import Any

from mpscope.core.history.store import HistoryStore, pack_cpu, unpack_cpu

KEEP_RUNS, KEEP_DAYS, MAX_BYTES = 200, 90.0, 1 << 30
TIERS = ((86_400.0, 10.0), (7 * 86_400.0, 60.0))  # samples older than s → buckets of s


def apply_retention(store: HistoryStore, keep_runs: int | None = None,
                    keep_days: float | None = None, max_bytes: int | None = None) -> list[int]:
    """Delete runs beyond the newest `keep_runs`, older than `keep_days`, then the oldest
    while the database uses more than `max_bytes`; never a run being recorded. → ids."""
    store.mark_interrupted()
    ended = [(r[0], r[1]) for r in store.db.execute(
        "SELECT id, started_at FROM runs WHERE status != 'running' ORDER BY id DESC")]
    newest = {r[0] for r in store.db.execute("SELECT id FROM runs ORDER BY id DESC LIMIT ?",
                                             (-1 if keep_runs is None else keep_runs,))}
    cutoff = -math.inf if keep_days is None else time.time() - keep_days * 86_400
    doomed = [i for i, started in ended if i not in newest or started < cutoff]
    with store.transaction():
        for run_id in doomed:
            store.delete_rows(run_id)
    left = [i for i, _ in reversed(ended) if i not in doomed]
    while max_bytes is not None and left and store.used_bytes() > max_bytes:
        doomed.append(left.pop(0))
        with store.transaction():
            store.delete_rows(doomed[-1])
    if doomed:
        store.db.execute("PRAGMA incremental_vacuum")  # give the freed pages back to the disk
    return doomed


def downsample(store: HistoryStore, older_than_s: float, bucket_s: float,
               now: float | None = None) -> int:
    """Average samples older than `older_than_s` into `bucket_s` buckets; → rows removed.

    Only whole buckets that no earlier call did are read (a watermark kept in
    `meta`), so calling this every few minutes costs little.
    """
    hi = (((time.time() if now is None else now) - older_than_s) // bucket_s) * bucket_s
    key = f"downsampled:{bucket_s:g}"
    mark = store.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    lo = mark[0] if mark else 0.0
    if hi <= lo:
        return 0
    removed = 0
    with store.transaction():
        runs = [r[0] for r in store.db.execute(
            "SELECT id FROM runs WHERE started_at < ? AND COALESCE(ended_at, heartbeat, ?) >= ?",
            (hi, hi, lo))]
        for run_id in runs:
            for table in ("core_samples", "worker_samples", "progress_samples"):
                removed += _downsample(store, table, run_id, lo, hi, bucket_s)
        store.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, hi))
    return removed


def _downsample(store: HistoryStore, table: str, run_id: int, lo: float, hi: float,
                bucket_s: float) -> int:
    span = "run_id = ? AND t >= ? AND t < ?"
    rows = store.db.execute(f"SELECT * FROM {table} WHERE {span} ORDER BY t",
                            (run_id, lo, hi)).fetchall()
    groups: dict[tuple[float, int], list[sqlite3.Row]] = {}
    for row in rows:
        wid = 0 if table == "core_samples" else row["wid"]
        groups.setdefault((row["t"] // bucket_s, wid), []).append(row)
    if len(groups) == len(rows):
        return 0
    store.db.execute(f"DELETE FROM {table} WHERE {span}", (run_id, lo, hi))
    store.insert(table, [_merge(table, group) for group in groups.values()])
    return len(rows) - len(groups)


def _merge(table: str, rows: list[sqlite3.Row]) -> tuple[Any, ...]:
    """One row for a bucket: the mean time and values; progress keeps its last value."""
    last, n = rows[-1], len(rows)
    t = sum(r["t"] for r in rows) / n
    if table == "progress_samples":
        return (last["run_id"], t, last["wid"], last["done"], last["total"])
    if table == "worker_samples":
        return (last["run_id"], t, last["wid"], sum(r["cpu"] or 0 for r in rows) / n,
                sum(r["rss"] or 0 for r in rows) // n)
    cores = zip(*(unpack_cpu(r["per_core"]) for r in rows), strict=False)
    return (last["run_id"], t, pack_cpu([sum(c) / n for c in cores]),
            sum(r["own_cpu"] or 0 for r in rows) / n, sum(r["own_rss"] or 0 for r in rows) // n)
