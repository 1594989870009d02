"""The Dask driver: one background thread that owns the Dask client (and an embedded cluster).

It connects (or starts a `LocalCluster`: process workers, one thread each, no
dashboard, `allowed-failures = 1`), checks on every worker that the task
imports, registers the worker plugin, subscribes to its events and to the
scheduler's worker removals, then runs the generations it is ordered to, as
the local driver does. Between waits of at most `TICK` it reads the workers'
figures from `client.scheduler_info()` once a second. Everything the caller
must know travels as a note; Dask's own threads only ever queue notes.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from mpscope.core.pool.backend import Outbox
from mpscope.core.pool.child_tracker import describe
from mpscope.core.pool.dask_keys import HOST_METRIC, KEY_PREFIX
from mpscope.core.pool.messages import Chunk, DriverDone, GenerationEnded, Notice, PoolStarted
from mpscope.core.pool.reference import serial_reference
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig
    from mpscope.core.pool.dask_backend import DaskGeneration

Order = tuple[int, Callable[[], list[Chunk]]]
TICK = 0.1  # the longest any wait lasts before the cancel flag is checked again
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler (documented in docs/cluster.md)
INFO_EVERY = 1.0  # seconds between two reads of the workers' figures
END_EVENTS_WAIT = 2.0  # after the last result, how long the last "end" events may take
CLOSE_TIMEOUT = 10.0


class Connected(NamedTuple):
    """The client is connected; `local` when mpscope started the cluster itself."""

    scheduler: str
    local: bool


class TaskEvent(NamedTuple):
    """A task entered ("start") or left ("end") `executing` on a worker (from the plugin)."""

    what: str
    key: str
    state: str
    t: float
    pid: int
    worker: str
    host: str


class WorkerGone(NamedTuple):
    """The scheduler removed a worker (it died, was restarted, or the cluster closes)."""

    worker: str
    t: float
    expected: bool
    processing: tuple[str, ...]  # this run's keys the scheduler had assigned to it


class WorkersInfo(NamedTuple):
    """Each worker's figures: address → {host, nthreads, memory_limit, cpu, memory, host_load}."""

    workers: dict[str, dict[str, Any]]


class DaskDriver:
    """Runs pool generations on a Dask cluster from a daemon thread, "mpscope-dask-driver"."""

    def __init__(self, config: PoolConfig, out: Outbox, memory_limit: int | None = None) -> None:
        self.config = config
        self.memory_limit = memory_limit  # per worker, on mpscope's own cluster
        self.out = out
        self.token = uuid.uuid4().hex[:10]  # tells this run's keys from other clients'
        self.cancel = threading.Event()
        self.client: Any = None
        self.cluster: Any = None
        self.scheduler = config.scheduler or ""
        self._item_seconds = 0.0
        self._orders: queue.SimpleQueue[Order | None] = queue.SimpleQueue()
        self._restarts: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._executing: dict[str, str] = {}  # key → worker, from the plugin's events
        self._lock = threading.Lock()
        self._next_info = 0.0
        self.stack_dir: str | None = None  # stack dumps are for local pool processes only
        self.thread = threading.Thread(target=self._main, name="mpscope-dask-driver", daemon=True)

    # -- called from the caller thread ------------------------------------------------------
    def start(self) -> None:
        """Start the thread: it connects, then waits for its first order."""
        self.thread.start()

    def order(self, generation: int, chunks: Callable[[], list[Chunk]]) -> None:
        """Run these chunks as one more generation."""
        self._orders.put((generation, chunks))

    def finish(self, item_seconds: float = 0.0) -> None:
        """No more generations: check results against a serial run, then end."""
        self._item_seconds = item_seconds
        self._orders.put(None)

    def mark_broken(self, generation: int) -> None:
        """Dask replaces lost workers itself: a generation is never broken."""

    def stop(self) -> None:
        """Cancel pending work; restart the workers running this run's tasks (they go on else)."""
        self.cancel.set()

    def restart(self, worker: str) -> None:
        """Restart one worker through its nanny (Kill, on a cluster mpscope did not start)."""
        self._restarts.put(worker)

    # -- the thread ---------------------------------------------------------------------
    def _main(self) -> None:
        error = None
        try:
            if self._connect():
                while (order := self._next_order()) is not None:
                    self._run(*order)
                if not self.cancel.is_set():
                    config = self.config
                    self.out(serial_reference(
                        config.task, config.item_list, config.method, self._item_seconds))
        except BaseException:  # noqa: BLE001 - reported to the caller, who ends the run
            error = traceback.format_exc()
        finally:
            self._disconnect()
            self.out(DriverDone(error))

    def _connect(self) -> bool:
        """Reach the cluster, check the task on every worker, start listening; False on failure."""
        from mpscope.core.pool.dask_client import ClusterError, connect, task_spec

        try:
            spec = task_spec(self.config.task)
            self.client, self.cluster = connect(self.config, CONNECT_TIMEOUT, self.memory_limit)
        except ClusterError as exc:
            self.out(GenerationEnded(1, "failed", str(exc)))
            return False
        self.scheduler = self.client.scheduler.address
        self.out(Connected(self.scheduler, self.cluster is not None))
        problem = self._check_workers(spec)
        if problem:
            self.out(GenerationEnded(1, "failed", problem))
            return False
        self._listen()
        self._spec = spec
        return True

    def _check_workers(self, spec: str) -> str | None:
        """Every worker must import the task (and mpscope's worker side): say which cannot."""
        from mpscope.core.pool.dask_plugin import check_task

        try:
            answers = self.client.run(check_task, spec, on_error="return")
        except Exception as exc:  # noqa: BLE001 - e.g. no worker at all
            return Text("could not ask the Dask workers to import {task}: {error}",
                        task=spec, error=describe(exc))
        if not answers:
            return Text("the Dask scheduler {address} has no workers", address=self.scheduler)
        for worker, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):  # mpscope itself is missing there
                answer = describe(answer)
            if answer:
                return Text("Dask worker {worker} cannot import the task {task}: {error} — install "
                            "the task's package (and mpscope) on every worker",
                            worker=worker, task=spec, error=answer)
        return None

    def _listen(self) -> None:
        from mpscope.core.pool.dask_plugin import PLUGIN_NAME, TOPIC, TaskEvents

        # Subscribed first: each worker's plugin says hello (its pid) as it is set up.
        self.client.subscribe_topic(TOPIC, self._on_task_event)
        self.client.subscribe_topic("all", self._on_cluster_event)
        self.client.register_plugin(TaskEvents(), name=PLUGIN_NAME)

    # Both run on the client's event-loop thread: they only queue a note.
    def _on_task_event(self, event: tuple[float, Any]) -> None:
        message = event[1]
        if not isinstance(message, dict):
            return
        if message.get("what") == "hello" or str(message.get("key", "")).startswith(
                f"{KEY_PREFIX}{self.token}-"):
            key, worker = str(message["key"]), str(message.get("worker", ""))
            with self._lock:
                if message["what"] == "start":
                    self._executing[key] = worker
                elif message["what"] == "end":
                    self._executing.pop(key, None)
            self.out(TaskEvent(str(message["what"]), str(message["key"]),
                               str(message.get("state", "")), float(message.get("t", 0.0)),
                               int(message.get("pid", 0)), str(message.get("worker", "")),
                               str(message.get("host", ""))))

    def _on_cluster_event(self, event: tuple[float, Any]) -> None:
        stamp, message = event
        if isinstance(message, dict) and message.get("action") == "remove-worker":
            gone = str(message.get("worker", ""))
            with self._lock:  # what it was executing is lost (and will be retried elsewhere)
                self._executing = {k: w for k, w in self._executing.items() if w != gone}
            mine = f"{KEY_PREFIX}{self.token}-"
            keys = tuple(str(k) for k in message.get("processing-tasks", ()) or ()
                         if str(k).startswith(mine))
            self.out(WorkerGone(gone, float(stamp), bool(message.get("expected", False)), keys))

    def _next_order(self) -> Order | None:
        while not self.cancel.is_set():
            self._service()
            with contextlib.suppress(queue.Empty):
                return self._orders.get(timeout=TICK)
        return None

    def _run(self, number: int, make_chunks: Callable[[], list[Chunk]]) -> None:
        from mpscope.core.pool.dask_backend import DaskGeneration

        chunks = make_chunks()
        generation = DaskGeneration(self.client, self._spec, self.token, number,
                                    self.config.method, self.out)
        generation.submit(chunks)
        self.out(PoolStarted(number, len(chunks)))
        while not generation.step(TICK):
            self._service()
            if self.cancel.is_set():
                self._abandon(generation)
                self.out(GenerationEnded(number, "abandoned", Text("stopped")))
                return
        self._await_end_events()
        self.out(GenerationEnded(number, "done"))

    def _await_end_events(self) -> None:
        """Give the plugin's last events the moment they need to follow the results."""
        deadline = time.monotonic() + END_EVENTS_WAIT
        while time.monotonic() < deadline and not self.cancel.is_set():
            with self._lock:
                if not self._executing:
                    return
            time.sleep(0.02)

    def _abandon(self, generation: DaskGeneration) -> None:
        """Stop: cancel what has not run; running tasks only stop with their workers."""
        generation.stop_spawning()
        with self._lock:
            workers = sorted(set(self._executing.values()))
        if not workers:
            return
        if self.cluster is not None:  # mpscope's own cluster closes at once anyway
            return
        with contextlib.suppress(Exception):
            self.client.restart_workers(workers, timeout=CLOSE_TIMEOUT, raise_for_error=False)
        self.out(Notice(generation.generation, "pool", Text(
            "pool: restarted {count} Dask workers to stop the tasks they were running "
            "(client.cancel() does not stop a running task)", count=len(workers))))

    def _service(self) -> None:
        """Restarts asked for, and the workers' figures once a second."""
        while True:
            try:
                worker = self._restarts.get_nowait()
            except queue.Empty:
                break
            threading.Thread(target=self._restart, args=(worker,), daemon=True,
                             name="mpscope-dask-restart").start()
        now = time.monotonic()
        if now >= self._next_info and self.client is not None:
            self._next_info = now + INFO_EVERY
            with contextlib.suppress(Exception):  # a scheduler gone: the futures will say so
                self.out(WorkersInfo(_figures(self.client.scheduler_info(n_workers=-1))))

    def _restart(self, worker: str) -> None:
        with contextlib.suppress(Exception):  # the worker may be gone already
            self.client.restart_workers([worker], timeout=CLOSE_TIMEOUT, raise_for_error=False)

    def _disconnect(self) -> None:
        """Unsubscribe, unregister, close the client and the embedded cluster (bounded)."""
        from mpscope.core.pool.dask_client import close

        close(self.client, self.cluster, CLOSE_TIMEOUT)
        self.client = self.cluster = None

    def kill_local(self, pid: int) -> bool:
        """SIGKILL a worker of mpscope's own cluster (what Kill means there)."""
        if self.cluster is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
            return True
        return False


def _figures(info: dict[str, Any]) -> dict[str, dict[str, Any]]:
    figures = {}
    for address, worker in info.get("workers", {}).items():
        metrics = worker.get("metrics", {})
        figures[address] = {
            "host": worker.get("host", ""), "nthreads": worker.get("nthreads", 0),
            "memory_limit": worker.get("memory_limit", 0) or 0,
            "cpu": float(metrics.get("cpu", 0.0)), "memory": int(metrics.get("memory", 0)),
            "name": str(worker.get("name", "")),
            "host_load": metrics.get(HOST_METRIC),  # the plugin's, from the latest heartbeat
        }
    return figures

