"""Records a live Run into the history database, and keeps that database bounded.

The owner's thread (the headless loop, or the window's GUI thread) only builds
small tuples and puts them on a queue; one writer thread owns its own SQLite
connection, batches the rows and commits at least every FLUSH_S seconds, so a
SIGKILL loses at most that much. The writer also applies retention when a run
begins and averages old samples into buckets every few minutes (retention.py);
the rows themselves are built by rows.py.
"""

from __future__ import annotations

import queue
import threading
import time
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mpscope.core.engine.run_state import Event, WorkerRecord
from mpscope.core.history.rows import (
    config_form,
    life_key,
    run_summary,
    run_title,
    stride,
    task_row,
    worker_row,
)

# The database side (sqlite3, the store, retention, the feed's numbers) is imported by the
# writer thread, which runs beside the owner's first process starts: imported here, it
# came before them, on every run's critical path (issue #18).
if TYPE_CHECKING:  # the sampler imports psutil, which a run needs only once it is under way
    from mpscope.core.engine.sampler import Sample
    from mpscope.core.history.store import HistoryStore

_RETENTION_DEFAULT: Any = object()  # retention.py's KEEP_RUNS, KEEP_DAYS or MAX_BYTES

FLUSH_S = 0.5  # commit cadence: a SIGKILL loses at most this (plus the commit itself)
HEARTBEAT_S = 1.0  # commit even when idle, so an interrupted run's end is known to 1 s
JOIN_TIMEOUT_S = 5.0
SNAPSHOT_EVERY_S = 0.5
MAINTAIN_EVERY_S = 600.0
MAX_EVENTS = 200_000  # per run; beyond it only state changes and errors are kept
ALWAYS_KEPT = frozenset({"state", "error"})
MAX_TASKS = 1_000_000  # per run; the pool's own summary still counts every task
# Task rows made per call (~4 µs each, on the owner's thread, the GUI's in the window): a
# fast pool changes thousands of tasks between two snapshots. The rest waits for the next
# call, which comes at the owner's next tick rather than SNAPSHOT_EVERY_S later, so only an
# owner that calls snapshot() at every tick (the window) may pass it as `task_rows`.
TASK_ROWS_PER_CALL = 500
# Task rows queued but not yet written, at most: when the writer is behind (a pool of tiny
# tasks can finish them faster than they are written), a snapshot leaves the rest in the
# run's own task records, which exist anyway, instead of copying them into the queue;
# the next snapshot goes on from there. ~7 MB of rows; the final snapshot writes them all.
MAX_TASK_BACKLOG = 20_000
MAX_PENDING = 500_000  # rows kept for a retry while the database refuses writes
FINAL_TASK = frozenset({"ok", "failed", "cancelled"})  # as mpscope.core.pool.plan.FINAL
_STOP = object()


class Recorder:
    """Records one Run: cheap non-blocking calls on the owner's thread, writes on its own thread."""

    def __init__(self, store_path: str | Path, run: Any, *,
                 keep_runs: int | None = _RETENTION_DEFAULT,
                 keep_days: float | None = _RETENTION_DEFAULT,
                 max_bytes: int | None = _RETENTION_DEFAULT,
                 task_rows: int | None = None) -> None:
        self.path = Path(store_path)
        self._task_rows = task_rows  # task rows per snapshot, None: all (see TASK_ROWS_PER_CALL)
        self.run = run
        self.run_id: int | None = None
        self.error: str | None = None  # the last database problem, for the owner to show
        self._retention = (keep_runs, keep_days, max_bytes)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._open = True
        self._finished = False
        self._events = self._samples = self._snapshots = 0
        self._last_snapshot = 0.0
        self._written: dict[int, tuple[Any, ...]] = {}  # wid → life key of its last row
        self._settled: set[int] = set()  # ended workers, skipped until an event names them
        self._progress: dict[int, float] = {}
        # Pool tasks: every task before _task_low has a final outcome and is recorded.
        self._task_low = self._pool_done = 0
        self._task_resume: int | None = None  # where a snapshot cut short goes on
        self._late_times: set[int] = set()  # below _task_low, final but its times still due
        self._queued_task_rows = 0  # counted by the owner's thread…
        self._written_task_rows = 0  # …and by the writer's: each variable has one writer
        self._generation: Any = None
        self._task_hash = array("q")  # per task: hash of its last recorded row
        self._task_ok = bytearray()  # per task: counted in _pool_done
        config = run.config
        self._begin = {"title": run_title(config), "config": config_form(config),
                       "start_method": config.start_method,
                       "started_at": run.started_at or time.time()}
        self._numbers: Any = None  # the writer thread's FeedNumbers: numbers the feed's rows
        self._thread = threading.Thread(target=self._write_loop, name="mpscope-history",
                                        daemon=True)
        self._thread.start()

    # -- the owner's side: cheap, never blocks ---------------------------------
    @property
    def answered(self) -> bool:
        """True once opening the history has worked or failed: wait_ready() would not wait."""
        return self._ready.is_set()

    def wait_ready(self, timeout: float = JOIN_TIMEOUT_S) -> bool:
        """Wait until the run row exists (or opening failed); True when recording works."""
        self._ready.wait(timeout)
        return self.run_id is not None and self._open

    def on_event(self, event: Event) -> None:
        """An engine listener: `run.engine.subscribe(recorder.on_event)` (attach does it)."""
        if event.wid is not None:
            self._settled.discard(event.wid)  # a restart wakes an ended worker
        self._events += 1
        if self._events > MAX_EVENTS and event.kind not in ALWAYS_KEPT:
            if self._events == MAX_EVENTS + 1:
                self._put("events", [(time.time(), None, "info", f"history: more than "
                                      f"{MAX_EVENTS} events; only state changes and errors are "
                                      "recorded from here on", None)])
            return
        self._put("events", [(event.t, event.wid, event.kind, event.text, event.detail)])

    def on_events(self, events: list[Event]) -> None:
        """For owners that receive events in batches instead of subscribing."""
        for event in events:
            self.on_event(event)

    def on_sample(self, sample: Sample) -> None:
        """Record per-core and per-worker CPU (pids mapped to workers), then snapshot."""
        self._samples += 1
        from mpscope.core.history.store import pack_cpu  # imported by the writer already

        self._put("core_samples", [(sample.t, pack_cpu(sample.per_core),
                                    round(sample.own_cpu, 1), sample.own_rss)])
        if self._samples % stride(len(sample.per_pid)) == 0:
            wids = {r.pid: r.wid for r in self._active() if r.pid}
            self._put("worker_samples", [(sample.t, wids[pid], round(cpu, 1), rss) for
                                         pid, (cpu, rss) in sample.per_pid.items() if pid in wids])
        self.snapshot(now=sample.t)

    def snapshot(self, force: bool = False, now: float | None = None) -> None:
        """Record changed workers, progress and pool tasks (≤ 2 a second unless forced)."""
        now = time.time() if now is None else now
        if not force and now - self._last_snapshot < SNAPSHOT_EVERY_S:
            if self._task_resume is not None:
                self._snapshot_tasks(now, everything=False)
            return
        self._last_snapshot = now
        self._snapshots += 1
        records = list(self.run.engine.records.values()) if force else self._active()
        rows = []
        for record in records:
            key = life_key(record)
            if force or self._written.get(record.wid) != key:
                self._written[record.wid] = key
                rows.append(worker_row(record))
            if record.state.is_final:
                self._settled.add(record.wid)
        self._put("workers", rows)
        if force:  # a process's peak is known for good once it has ended: written at the end
            self._put("peaks", [("worker", r.wid, r.peak_rss) for r in records if r.peak_rss])
        if force or self._snapshots % stride(len(records)) == 0:
            moved = [r for r in records if self._progress.get(r.wid, 0.0) != r.done]
            self._progress.update((r.wid, r.done) for r in moved)
            self._put("progress_samples", [(now, r.wid, r.done, r.total) for r in moved])
        self._snapshot_tasks(now, everything=force)

    def _snapshot_tasks(self, now: float, everything: bool) -> None:
        pool: Any = getattr(self.run, "pool", None)
        tasks = getattr(pool, "tasks", None)
        if not tasks:
            return
        generation = getattr(getattr(pool, "handler", None), "generation", None)
        if generation != self._generation:  # a rebuilt pool may reopen finished tasks
            self._generation, self._task_low, self._task_resume = generation, 0, None
        count = min(len(tasks), MAX_TASKS)
        if len(self._task_hash) < count:
            self._task_hash.extend([0] * (count - len(self._task_hash)))
            self._task_ok.extend(bytes(count - len(self._task_ok)))
        # Tasks start in order: scan from the first unfinished one until a run of tasks
        # that never started, so a snapshot costs the tasks in flight, not all of them.
        # A task that never ran (pending, or cancelled before it started) is not written.
        margin = 16 + 2 * (getattr(getattr(pool, "config", None), "processes", 0) or 8)
        rows: list[tuple[Any, ...]] = []
        peaks: list[tuple[Any, ...]] = []
        done_before, fresh = self._pool_done, 0
        # Everything (the final snapshot) starts over at _task_low: tasks before the resume
        # point may have changed since the cut snapshot wrote them.
        resume = None if everything else self._task_resume
        seq = self._task_low if resume is None else resume
        self._task_resume = None
        limit = None if everything else self._task_rows
        if not everything:
            room = MAX_TASK_BACKLOG - (self._queued_task_rows - self._written_task_rows)
            limit = max(0, room if limit is None else min(limit, room))
        while seq < count and (everything or fresh < margin):
            if limit is not None and len(rows) >= limit:
                self._task_resume = seq
                break
            task = tasks[seq]
            if task.started is None and not task.history:
                fresh += 1
            else:
                fresh = 0
                self._task_changes(seq, task, rows, peaks)
            if seq == self._task_low and task.outcome in FINAL_TASK:
                if task.started is not None and task.ended is None:
                    self._late_times.add(seq)  # its result came before its report
                self._task_low += 1
            seq += 1
        for seq in list(self._late_times):  # below the low mark, so not scanned above
            task = tasks[seq]
            self._task_changes(seq, task, rows, peaks)
            if task.ended is not None or everything:
                self._late_times.discard(seq)
        self._put("tasks", rows)
        self._put("peaks", peaks)
        if self._pool_done != done_before:
            total = getattr(pool, "items_total", None)
            self._put("progress_samples", [(now, 0, self._pool_done, total)])

    def _task_changes(self, seq: int, task: Any, rows: list[tuple[Any, ...]],
                      peaks: list[tuple[Any, ...]]) -> None:
        """A row for the task if it changed since it was last written (and its done count)."""
        row = task_row(seq, task)
        key = hash(row)
        if key == self._task_hash[seq]:
            return
        self._task_hash[seq] = key
        rows.append(row)
        if getattr(task, "peak_rss", None):
            peaks.append(("task", seq, task.peak_rss))
        ok = task.outcome == "ok"
        if ok != bool(self._task_ok[seq]):
            self._task_ok[seq] = ok
            self._pool_done += task.count if ok else -task.count

    def _active(self) -> list[WorkerRecord]:
        return [r for r in self.run.engine.records.values() if r.wid not in self._settled]

    def finish(self, exit_code: int | None = None, timeout: float = JOIN_TIMEOUT_S) -> int | None:
        """Record the end, then wait up to `timeout` s for the writer (0: don't wait); → run id."""
        if not self._finished:
            run = self.run
            self.snapshot(force=True)
            code = run.exit_code() if exit_code is None else exit_code
            end = {"status": "finished", "exit_code": code, "ended_at": run.ended_at or time.time(),
                   "duration": run.duration, "summary": run_summary(run)}
            if run.started_at:
                end["started_at"] = run.started_at
            self._put("finish", end)
            self._finished = True
            self._queue.put(_STOP)
        self.join(timeout)
        return self.run_id

    def join(self, timeout: float = JOIN_TIMEOUT_S) -> bool:
        """Wait for the writer to finish its last commit; True when it has."""
        if timeout > 0:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _put(self, table: str, rows: Any) -> None:
        if self._open and not self._finished and rows:
            self._queue.put((table, rows))
            if table == "tasks":
                self._queued_task_rows += len(rows)

    # -- the writer thread -------------------------------------------------------
    def _write_loop(self) -> None:
        import sqlite3

        from mpscope.core.history import retention
        from mpscope.core.history.feed_numbers import FeedNumbers
        from mpscope.core.history.store import HistoryError, HistoryStore, unusable

        self._numbers = FeedNumbers()
        keep_runs, keep_days, max_bytes = self._retention
        self._retention = (
            retention.KEEP_RUNS if keep_runs is _RETENTION_DEFAULT else keep_runs,
            retention.KEEP_DAYS if keep_days is _RETENTION_DEFAULT else keep_days,
            retention.MAX_BYTES if max_bytes is _RETENTION_DEFAULT else max_bytes)
        store = None
        try:
            store = HistoryStore(self.path)
            with store.transaction():
                self.run_id = store.begin_run(**self._begin)
        except (HistoryError, sqlite3.Error) as exc:
            message = str(exc) if isinstance(exc, HistoryError) else unusable(self.path, exc)
            self.error, self._open = message, False
            if store is not None:
                store.close()
            return
        finally:
            self._ready.set()
        try:
            self._maintain(store, retention=True)
            self._pump(store)
        except Exception as exc:  # noqa: BLE001 - a bug here must not grow the queue forever
            self.error, self._open = f"run history recording stopped: {exc!r}", False
        finally:
            store.close()

    def _pump(self, store: HistoryStore) -> None:
        batch: dict[str, list[Any]] = {}
        end: dict[str, Any] | None = None
        task_rows = 0  # in the batch
        last_commit = next_maintenance = time.monotonic()
        next_maintenance += MAINTAIN_EVERY_S
        while True:
            deadline = last_commit + (FLUSH_S if batch else HEARTBEAT_S)
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                item = None
            if item is _STOP:
                break
            if item is not None:
                table, rows = item
                if table == "finish":
                    end = rows
                else:
                    self._numbers.add(batch, table, rows)
                    task_rows += len(rows) if table == "tasks" else 0
                if time.monotonic() < deadline:
                    continue
            if self._flush(store, batch) or len(batch.get("feed", ())) > MAX_PENDING:
                batch = {}
                self._written_task_rows += task_rows  # (or dropped: either way not queued)
                task_rows = 0
            last_commit = time.monotonic()
            if last_commit >= next_maintenance:
                self._maintain(store)
                next_maintenance = time.monotonic() + MAINTAIN_EVERY_S
        self._flush(store, batch, end)

    def _flush(self, store: HistoryStore, batch: dict[str, list[Any]],
               end: dict[str, Any] | None = None) -> bool:
        import sqlite3

        from mpscope.core.history.feed_numbers import insert_batch

        run_id = self.run_id
        try:
            with store.transaction():
                assert run_id is not None
                insert_batch(store, run_id, batch)
                store.update_run(run_id, heartbeat=time.time(), **(end or {}))
        except sqlite3.Error as exc:  # locked too long, disk full…: keep the rows, retry later
            self.error = f"cannot write run history {self.path}: {exc}"
            return False
        return True

    def _maintain(self, store: HistoryStore, retention: bool = False) -> None:
        import sqlite3

        from mpscope.core.history.retention import TIERS, apply_retention, downsample, thin_feeds

        try:
            if retention:
                apply_retention(store, *self._retention)
            for older_than_s, bucket_s in TIERS:
                downsample(store, older_than_s, bucket_s)
            thin_feeds(store)
        except sqlite3.Error as exc:
            self.error = f"run history maintenance failed: {exc}"


def attach(run: Any, store_path: str | Path | None = None, **options: Any) -> Recorder:
    """Record `run` (call before `run.start()`); subscribes to its events, samples are pushed.

    `options`: Recorder's keywords (retention, `task_rows`)."""
    from mpscope.core.history.paths import history_path

    recorder = Recorder(store_path or history_path(), run, **options)
    run.engine.subscribe(recorder.on_event)
    return recorder
