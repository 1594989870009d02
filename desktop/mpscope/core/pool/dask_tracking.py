"""Caller-thread tracking for the Dask backend: plugin events and worker figures become records.

One `WorkerRecord` (kind "pool") per Dask worker address. A task starts when
its worker moves it to `executing` (the plugin's "start" event), never when
the scheduler assigns it (`processing`). When the scheduler removes a worker,
the task it was executing is **lost**; Dask reschedules it on another worker
(mpscope's own cluster allows one such failure), and its next "start" makes it
a retry (attempt 2). A second death ends it with `KilledWorker`, which the
backend reports as the task's error.
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

from mpscope.core.engine.engine import Engine
from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.sampler import HostLoad
from mpscope.core.engine.states import State
from mpscope.core.pool.dask_driver import TaskEvent, WorkerGone
from mpscope.core.pool.dask_keys import task_of_key
from mpscope.core.pool.plan import TaskRecord
from mpscope.core.text import Text

MEMORY_WARNING = 0.8  # of memory_limit: Dask pauses a worker here; the nanny kills it at 0.95
GiB = 2**30


class DaskTracker:
    """Dask workers as rows, and each task's start, end, loss and retry."""

    def __init__(self, engine: Engine, task: str, tasks: list[TaskRecord], token: str,
                 local_cluster: bool) -> None:
        self.engine = engine
        self.task = task
        self.tasks = tasks
        self.token = token
        self.local_cluster = local_cluster  # mpscope started it: every worker is on this host
        self.cancelled = False
        self.requested: dict[int, str] = {}  # wid → "kill" | "restart", asked by the user
        self.losses = 0
        self.retried = 0
        self.records: dict[int, WorkerRecord] = {}  # wid → record
        self.by_address: dict[str, WorkerRecord] = {}
        self.hosts: dict[int, str] = {}  # wid → host
        self.threads: dict[int, int] = {}  # wid → threads
        self.limits: dict[int, int] = {}  # wid → memory_limit in bytes (0: none)
        self._spent: dict[int, float] = {}
        self._current: dict[int, dict[int, TaskRecord]] = {}  # wid → task id → running task
        self._warned: set[int] = set()
        self._here = _local_names()
        self.host_loads: dict[str, HostLoad] = {}  # host → its CPU, from its workers' plugin
        self._host_cpu: dict[str, list[float]] = {}  # host → [readings, sum, peak] for the summary
        self._last_loads: dict[str, HostLoad] = {}  # each host's last load, kept after the run

    # -- the PoolRun tracker interface (nothing to read or reap: events come as notes) ----
    def pump(self, deadline: float) -> int:
        """Events arrive as driver notes; nothing to read here."""
        return 0

    def classify(self, force: bool = False) -> None:
        """Workers' endings are decided as the scheduler reports them."""

    def drain(self, generation: int) -> None:
        """Nothing is buffered outside the note queue."""

    # -- workers ---------------------------------------------------------------------------
    def worker(self, address: str, host: str = "", pid: int | None = None,
               hostname: bool = True) -> WorkerRecord:
        """The record of a worker address, made on first sight.

        `hostname`: the host is the worker's own name for its machine (the plugin's),
        which wins over the address the scheduler reports (`hostname=False`).
        """
        record = self.by_address.get(address)
        if record is None:
            index = len(self.by_address)
            record = self.engine.add_worker(self.task, kind="pool", name=f"dask-{index}",
                                            group="pool", index=index)
            now = time.time()
            record.state, record.started_at, record.running_at = State.RUNNING, now, now
            self.by_address[address] = record
            self.records[record.wid] = record
            self._spent[record.wid] = 0.0
            self._current[record.wid] = {}
            self.hosts[record.wid] = host
            record.args = {"address": address, "host": host}
            self.engine.emit(record.wid, "state", Text(
                "{name}: Dask worker {address} on {host}", name=record.name, address=address,
                host=host or "?"))
        if host and (hostname or not self.hosts.get(record.wid)):
            self.hosts[record.wid] = host
            record.args["host"] = host
        record.remote = not (self.local_cluster or self.hosts.get(record.wid, "") in self._here)
        if pid and record.pid != pid:
            record.pid = pid
        return record

    def on_figures(self, workers: dict[str, dict[str, Any]]) -> None:
        """The scheduler's figures: threads, memory against its limit, CPU for remote workers."""
        loads: dict[str, list[dict[str, Any]]] = {}
        for address, figures in workers.items():
            record = self.worker(address, str(figures.get("host", "")), hostname=False)
            if not record.state.is_alive:
                continue
            wid = record.wid
            if isinstance(figures.get("host_load"), dict):  # each worker on a host says the same
                loads.setdefault(self.hosts.get(wid) or address, []).append(figures["host_load"])
            threads, limit = int(figures["nthreads"]), int(figures["memory_limit"])
            self.threads[wid], self.limits[wid] = threads, limit
            record.args.update(threads=threads, memory_limit=limit)
            memory = int(figures["memory"])
            if record.remote:  # this machine cannot sample it
                record.cpu_percent, record.rss = float(figures["cpu"]), memory
                record.peak_rss = max(record.peak_rss, memory)
            limit_text = f"{limit / GiB:.1f} GiB" if limit else "none"
            record.last_message = Text(
                "{address} · {threads} thread(s) · memory limit {limit}", address=address,
                threads=threads, limit=limit_text)
            self._check_memory(record, memory, limit)
        self.host_loads = {
            host: HostLoad(sum(float(x.get("cpu", 0.0)) for x in said) / len(said),
                           int(said[0].get("cores", 1)), len(said))
            for host, said in sorted(loads.items())}
        for host, load in self.host_loads.items():
            seen = self._host_cpu.setdefault(host, [0, 0.0, 0.0])
            seen[0], seen[1], seen[2] = seen[0] + 1, seen[1] + load.cpu, max(seen[2], load.cpu)
            self._last_loads[host] = load

    def _check_memory(self, record: WorkerRecord, memory: int, limit: int) -> None:
        if not limit or memory < MEMORY_WARNING * limit or record.wid in self._warned:
            return
        self._warned.add(record.wid)
        self.engine.emit(record.wid, "error", Text(
            "{name}: memory {used:.1f} GiB is {share:.0f}% of its {limit:.1f} GiB limit — Dask "
            "pauses a worker at 80% and its nanny restarts it at 95%, losing its tasks",
            name=record.name, used=memory / GiB, share=100 * memory / limit, limit=limit / GiB))

    def on_gone(self, note: WorkerGone) -> None:
        """The scheduler removed a worker: what it was executing is lost."""
        record = self.by_address.get(note.worker)
        if record is None or not record.state.is_alive:
            return
        now = time.time()
        asked = self.requested.get(record.wid)
        for task in self._held(record, note):
            self._close_span(record.wid, task, now)
            if self.cancelled:
                task.outcome, task.error, task.ended = "cancelled", Text("run stopped"), now
                continue
            self.losses += 1
            task.outcome, task.ended = "lost", now
            task.error = Text("lost: Dask worker {address} died", address=note.worker)
            again = (Text("Dask retries it on another worker") if task.attempt == 1
                     else Text("it was already retried"))
            self.engine.emit(record.wid, "task", Text(
                "{task} lost: Dask worker {address} died; {again}", task=task.label_text(),
                address=note.worker, again=again))
        if note.expected or self.cancelled:
            state, detail, kind = State.FINISHED, Text("closed by the cluster"), "state"
        elif asked == "kill":
            state, detail, kind = State.KILLED, Text("killed on request"), "error"
        elif asked == "restart":
            state, detail, kind = State.STOPPED, Text("restarted on request"), "state"
        else:
            state, detail, kind = State.LOST, Text("the scheduler lost it"), "error"
        record.state, record.detail, record.ended_at, record.note = state, detail, now, None
        self.engine.emit(record.wid, kind, Text("{name}: {state} — {text}", name=record.name,
                                                state=state, text=detail))

    def _held(self, record: WorkerRecord, note: WorkerGone) -> list[TaskRecord]:
        """The tasks the dead worker was executing, closing the spans of those it had finished.

        Its last events may die with it (they leave in batches): a task whose end
        was not reported but that the scheduler no longer had assigned there had
        finished; a task assigned there whose start was not reported ran in a
        thread no reported task used (a task being retried first, as it ran before,
        then the lowest ids: Dask runs them in submission order).
        """
        assigned = [task_of_key(self.token, key) for key in note.processing]
        assigned_ids = {i for i in assigned if i is not None and 0 <= i < len(self.tasks)}
        current = self._current.get(record.wid, {})
        held = []
        for task in list(current.values()):
            if task.task_id in assigned_ids:
                held.append(task)
            else:
                self._close_span(record.wid, task, note.t)
                task.ended = note.t
        free = self.threads.get(record.wid, 1) - len(held)
        unseen = sorted((self.tasks[i].outcome != "lost", i) for i in assigned_ids
                        if self.tasks[i].outcome in ("pending", "lost"))
        for _, task_id in unseen[:max(0, free)]:
            task = self.tasks[task_id]
            if task.outcome == "lost":  # its retry started unreported
                self._retry(task, record)
            task.pid, task.wid, task.started = record.pid, record.wid, None
            task.outcome = "running"
            held.append(task)
        return held

    def host_summary(self) -> list[dict[str, Any]]:
        """Each host seen: cores, workers, its CPU % averaged over the run and at its peak."""
        workers: dict[str, int] = {}
        for wid in self.records:
            host = self.hosts.get(wid, "")
            workers[host] = workers.get(host, 0) + 1
        summary = []
        for host in sorted(set(workers) | set(self._host_cpu)):
            count, total, peak = self._host_cpu.get(host, (0, 0.0, 0.0))
            last = self._last_loads.get(host)
            summary.append({  # None: no heartbeat reported the host's load during the run
                "host": host, "cores": last.cores if last else None,
                "workers": workers.get(host, 0),
                "cpu_mean": round(total / count, 1) if count else None,
                "cpu_peak": peak if count else None})
        return summary

    def close_all(self, text: str) -> None:
        """The run is over: workers still listed leave mpscope's view (they may go on running)."""
        now = time.time()
        self.host_loads = {}
        for record in self.records.values():
            if record.state.is_alive:
                record.state, record.detail, record.ended_at = State.FINISHED, text, now
                record.note = None

    # -- tasks -----------------------------------------------------------------------------
    def on_event(self, event: TaskEvent) -> None:
        """A task entered or left `executing` on a worker."""
        record = self.worker(event.worker, event.host, event.pid)
        task_id = task_of_key(self.token, event.key)
        if task_id is None or not 0 <= task_id < len(self.tasks):
            return  # a worker's hello: its record and pid are all it brings
        task = self.tasks[task_id]
        if event.what == "start":
            self._started(task, record, event)
        else:
            self._ended(task, record, event)

    def _started(self, task: TaskRecord, record: WorkerRecord, event: TaskEvent) -> None:
        if task.delivered and task.outcome != "lost":
            return  # Dask recomputes a result lost with its worker: the run already has it
        if task.outcome == "lost":
            self._retry(task, record)
        elif task.started is not None and task.outcome == "running":
            task.archive("requeued")  # moved to another worker before its loss was reported
        task.pid, task.wid, task.started, task.ended = event.pid, record.wid, event.t, None
        if task.outcome == "pending":
            task.outcome = "running"
        self._current[record.wid][task.task_id] = task
        record.note = task.label()

    def _retry(self, task: TaskRecord, record: WorkerRecord) -> None:
        task.archive("lost")
        task.attempt += 1
        self.retried += 1
        self.engine.emit(record.wid, "task", Text(
            "{task}: retried by Dask on {name} (attempt {attempt})",
            task=task.label_text(), name=record.name, attempt=task.attempt))

    def _ended(self, task: TaskRecord, record: WorkerRecord, event: TaskEvent) -> None:
        if self._current.get(record.wid, {}).get(task.task_id) is not task:
            return  # an attempt already given up (its worker was reported gone)
        self._close_span(record.wid, task, event.t)
        task.ended = event.t
        if event.state == "memory":
            if task.outcome in ("pending", "running"):
                task.outcome = "ok"
            record.done += 1
        elif event.state == "error" and task.outcome in ("pending", "running"):
            task.outcome = "failed"  # the error text comes with the result
        record.note = None

    def _close_span(self, wid: int, task: TaskRecord, ended: float) -> None:
        current = self._current.get(wid, {})
        if current.pop(task.task_id, None) is not None and task.started is not None:
            self._spent[wid] += max(0.0, ended - task.started)

    def working_time(self, wid: int, now: float) -> float:
        """Seconds this worker spent running this run's tasks (the running ones included)."""
        running = sum(now - t.started for t in self._current.get(wid, {}).values()
                      if t.started is not None)
        return self._spent.get(wid, 0.0) + max(0.0, running)

    def total_working(self) -> float:
        """Seconds all workers together spent in tasks that have ended."""
        return sum(self._spent.values())

    def running_workers(self) -> list[str]:
        """Addresses of the workers executing a task of this run now."""
        return [address for address, record in self.by_address.items()
                if self._current.get(record.wid)]


def _local_names() -> set[str]:
    """Host names and addresses that mean this machine."""
    names = {"127.0.0.1", "localhost", "::1", socket.gethostname()}
    with contextlib.suppress(OSError):
        names.add(socket.gethostbyname(socket.gethostname()))
    return names
