"""DaskPoolRun: the `[pool]` of a run on a Dask cluster, watched like a local pool.

The same `PoolRun` interface and the same note handling as the local backends
(results, errors and the serial check go through `NoteHandler`); a Dask driver
instead of the local one, and a tracker fed by the worker plugin's events and
the scheduler's figures instead of per-process sockets.

Control on this backend: Stop cancels the tasks not started and restarts the
workers still running one (`client.cancel` cannot stop a running task,
dask/distributed#4694); on mpscope's own cluster, closing it does that. Kill on
a worker row SIGKILLs that worker when mpscope started the cluster (its nanny
starts a new one), and restarts it through its nanny otherwise; either way its
task is lost and Dask retries it elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import TYPE_CHECKING, Any

from mpscope.core.engine.engine import Engine
from mpscope.core.engine.sampler import HostLoad
from mpscope.core.pool import figures
from mpscope.core.pool.dask_driver import Connected, DaskDriver, TaskEvent, WorkerGone, WorkersInfo
from mpscope.core.pool.dask_tracking import DaskTracker
from mpscope.core.pool.messages import TaskError
from mpscope.core.pool.notes import NoteHandler
from mpscope.core.pool.pool_run import PoolRun
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig


class DaskNoteHandler(NoteHandler):
    """Applies the Dask driver's own notes to the tracker, the rest as for any pool."""

    def __init__(self, run: DaskPoolRun) -> None:
        super().__init__(
            run.config, run.tasks, run.items, run.results, chunksize=run.chunksize,
            start_method=run.start_method, tracker=run.dask_tracker, emit=run.engine.emit,
            driver=run)
        self.dask_run = run

    def handle(self, note: Any) -> None:
        """Apply one note from the driver (or from Dask's event thread, through the driver)."""
        tracker = self.dask_run.dask_tracker
        if isinstance(note, TaskEvent):
            tracker.on_event(note)
        elif isinstance(note, WorkersInfo):
            tracker.on_figures(note.workers)
        elif isinstance(note, WorkerGone):
            tracker.on_gone(note)
        elif isinstance(note, Connected):
            self.dask_run.connected(note)
        else:
            super().handle(note)

    def _error(self, note: TaskError) -> None:
        task = self.tasks[note.task_id] if note.task_id is not None else None
        if task is not None and task.outcome == "lost":
            task.error = None  # KilledWorker explains the loss better than "lost: …"
        super()._error(note)


class DaskPoolRun(PoolRun):
    """A PoolRun whose tasks run on Dask workers; every method here is non-blocking."""

    def __init__(self, config: PoolConfig, engine: Engine, start_method: str,
                 memory_limit: int | None = None) -> None:
        """`memory_limit`: the run's limit per process, each worker's on mpscope's own cluster."""
        self._init_common(config, engine, start_method)
        self.memory_limit = memory_limit
        self.dask_driver = DaskDriver(config, self._put, memory_limit)
        self._driver = self.dask_driver
        self.scheduler = config.scheduler or ""
        self.local_cluster = config.scheduler is None
        self.dask_tracker = DaskTracker(engine, config.task, self.tasks, self.dask_driver.token,
                                        self.local_cluster)
        self.tracker = self.dask_tracker
        self.handler = DaskNoteHandler(self)

    def connected(self, note: Connected) -> None:
        """The driver reached the scheduler (used by the note handler)."""
        self.scheduler = note.scheduler
        if note.local:
            text = Text("pool: started a local Dask cluster at {address} ({count} worker "
                        "processes, one thread each)", address=note.scheduler,
                        count=self.config.processes)
        else:
            text = Text("pool: connected to the Dask scheduler at {address}",
                        address=note.scheduler)
        self.engine.emit(None, "pool", text)
        if self.memory_limit is not None and not note.local:
            self.engine.emit(None, "pool", Text(
                "pool: memory_limit is given to the workers of mpscope's own cluster only; the "
                "workers of {address} keep theirs (dask worker --memory-limit)",
                address=note.scheduler))

    def wait_handles(self) -> list[Any]:
        """Only the driver's wake-up pipe: Dask's events come through the driver's notes."""
        return [] if self._closed else [self._wake_r]

    def stop(self) -> None:
        """Cancel pending tasks; restart the workers running one (or close our own cluster)."""
        if self.started_at is None or self._closed or self.dask_tracker.cancelled:
            return
        self.dask_tracker.cancelled = True
        self.dask_driver.stop()
        self.engine.emit(None, "pool", Text(
            "pool: stopping — pending Dask tasks are cancelled and the workers running one are "
            "restarted (Dask cannot cancel a running task)"))

    def kill(self) -> None:
        """Stop, and SIGKILL the workers of mpscope's own cluster at once."""
        self.stop()
        if self.local_cluster:
            for record in self.dask_tracker.records.values():
                if record.pid and record.state.is_alive:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(record.pid, signal.SIGKILL)

    def signal_process(self, wid: int, how: str) -> None:
        """Kill (own cluster: SIGKILL; else restart through the nanny) one worker."""
        record = self.dask_tracker.records.get(wid)
        if record is None or not record.state.is_alive:
            return
        address = record.args.get("address", "")
        if self.local_cluster and record.pid and how == "kill":
            self.dask_tracker.requested[wid] = "kill"
            with contextlib.suppress(ProcessLookupError):
                os.kill(record.pid, signal.SIGKILL)
                self.engine.emit(wid, "state", Text("{name}: {signal} sent", name=record.name,
                                                    signal="SIGKILL"))
            return
        self.dask_tracker.requested[wid] = "restart"
        self.dask_driver.restart(address)
        self.engine.emit(wid, "state", Text("{name}: restart asked of its nanny ({address})",
                                            name=record.name, address=address))

    def counts(self) -> dict[str, int]:
        """Tasks by outcome; retries are Dask's, as the tracker saw them start again."""
        tracker = self.dask_tracker
        return figures.counts(self.tally, tracker.losses, tracker.retried)

    def host_loads(self) -> dict[str, HostLoad]:
        """Each host of the cluster with a worker of this run: its CPU, as its workers report it."""
        return dict(self.dask_tracker.host_loads)

    def send_signal(self, wid: int, signum: int) -> bool:
        """Signals (stack dumps) are not sent to Dask workers: their pids are not ours."""
        return False

    def pids(self) -> list[int]:
        """Every Dask worker's pid, in the order first seen."""
        return [r.pid for r in self.dask_tracker.records.values() if r.pid is not None]

    def summary(self) -> dict[str, Any]:
        """The `pool` object of the run summary, with the scheduler and the workers."""
        summary = figures.summary(self.figures_now())
        tracker = self.dask_tracker
        summary["scheduler"] = self.scheduler
        summary["cluster"] = "local" if self.local_cluster else "external"
        summary["workers"] = [
            {"address": address, "host": tracker.hosts.get(record.wid, ""), "pid": record.pid,
             "threads": tracker.threads.get(record.wid), "state": str(record.state),
             "memory_limit": tracker.limits.get(record.wid), "tasks_done": int(record.done)}
            for address, record in tracker.by_address.items()]
        summary["hosts"] = tracker.host_summary()
        return summary

    def driver_done(self) -> None:
        """The driver has ended (it closed the client): no worker is watched any more."""
        super().driver_done()
        self.dask_tracker.close_all(Text("closed with mpscope's cluster") if self.local_cluster
                                    else Text("no longer watched (it stays with its cluster)"))

    def _maybe_close(self) -> None:
        if self._driver_done_at is None:
            return
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._closed = True
        self.ended_at = self.ended_at or time.time()
        self.engine.emit(None, "pool", figures.summary_line(self.figures_now()))
