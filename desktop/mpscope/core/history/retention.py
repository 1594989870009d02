"""Keeping the history database bounded: old runs deleted, old samples averaged into buckets."""

from __future__ import annotations

import math
import sqlite3
import time
from typing import Any

from mpscope.core.history.store import FEED_CODES, HistoryStore, pack_cpu, unpack_cpu

KEEP_RUNS, KEEP_DAYS, MAX_BYTES = 200, 90.0, 1 << 30
TIERS = ((86_400.0, 10.0), (7 * 86_400.0, 60.0))  # samples older than s → buckets of s
# A run's feed (what `mpscope follow --since` reads) is kept this long after the run ended;
# its records stay in the history as long as the run does.
FEED_KEEP_S = 86_400.0
_SAMPLE_CODES = tuple(FEED_CODES[t] for t in ("core_samples", "worker_samples",
                                               "progress_samples"))


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


def thin_feeds(store: HistoryStore, keep_s: float = FEED_KEEP_S,
               now: float | None = None) -> int:
    """Delete the feed of runs that ended over `keep_s` ago, and, of runs still going, the
    feed rows of samples older than the first downsampling tier (the samples they named
    were averaged into buckets: they point at nothing any more); → feed rows deleted."""
    cutoff = (time.time() if now is None else now) - keep_s
    sample_cutoff = (time.time() if now is None else now) - TIERS[0][0]
    marks = ", ".join("?" * len(_SAMPLE_CODES))
    with store.transaction():
        ended = store.db.execute(
            "DELETE FROM feed WHERE run_id IN (SELECT id FROM runs WHERE status != 'running' "
            "AND COALESCE(ended_at, heartbeat, started_at) < ?)", (cutoff,)).rowcount
        samples = store.db.execute(
            f"DELETE FROM feed WHERE run_id IN (SELECT id FROM runs WHERE status = 'running') "
            f"AND tbl IN ({marks}) AND k1 < ?", (*_SAMPLE_CODES, sample_cutoff)).rowcount
    return int(ended + samples)


def feed_gone(store: HistoryStore, run_id: int) -> bool:
    """True when an ended run's feed was thinned away (thin_feeds) while its records remain."""
    run = store.get_run(run_id)
    if run is None or run["status"] == "running":
        return False
    fed = store.db.execute("SELECT 1 FROM feed WHERE run_id = ? LIMIT 1", (run_id,)).fetchone()
    recorded = store.db.execute("SELECT 1 FROM workers WHERE run_id = ? UNION ALL SELECT 1 "
                                "FROM events WHERE run_id = ? LIMIT 1",
                                (run_id, run_id)).fetchone()
    return fed is None and recorded is not None


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
