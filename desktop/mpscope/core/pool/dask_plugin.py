"""Dask worker side: the plugin that reports tasks entering and leaving `executing`, and the call.

Runs inside Dask workers, possibly on other machines, so it imports only the
standard library, `distributed` (and, in functions, its psutil) and the
stdlib-only `dask_keys` (workers need `pip install --no-deps mpscope` beside
the user's own package, never Qt).
Events are small msgpack-able dicts published with `worker.log_event` under
the topic "mpscope"; the parent subscribes with `client.subscribe_topic`.
The scheduler's `processing` state only means *assigned*: a task has started
when its worker moves it to `executing`.

The plugin also adds a worker metric, the host's whole CPU load: each worker
computes it at its heartbeat and the scheduler keeps the latest, so the
parent reads every host's load in the `client.scheduler_info()` it reads
anyway (Dask's own host-cpu monitor is off by default and set at start).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from mpscope.core.pool.dask_keys import HOST_METRIC, KEY_PREFIX

TOPIC = "mpscope"
PLUGIN_NAME = "mpscope-task-events"

_resolved: dict[str, Callable[..., Any]] = {}  # spec → function, once per worker process


class TaskEvents(WorkerPlugin):
    """Publishes an event when an mpscope task starts executing on this worker, one when it ends."""

    idempotent = False  # a newer mpscope replaces an older plugin of the same name

    def __init__(self) -> None:
        self.worker: Any = None
        self.pid = 0
        self.host = ""
        self._cpu_times: Any = None

    def setup(self, worker: Any) -> None:
        """Remember the worker, its pid and host (the worker runs in this process)."""
        self.worker, self.pid, self.host = worker, os.getpid(), socket.gethostname()
        import psutil  # distributed's own dependency, loaded in every worker already

        self._cpu_times = psutil.cpu_times()
        worker.metrics[HOST_METRIC] = self.host_load
        self._publish("hello", "", "")

    def teardown(self, worker: Any) -> None:
        """Leave the worker's metrics as they were (the plugin is unregistered)."""
        worker.metrics.pop(HOST_METRIC, None)

    def host_load(self, worker: Any) -> dict[str, float]:
        """The host's CPU % since the last heartbeat (all cores: 100 is every core busy)."""
        import psutil

        now = psutil.cpu_times()
        busy = _busy(now) - _busy(self._cpu_times)
        total = _total(now) - _total(self._cpu_times)
        self._cpu_times = now
        cpu = 100.0 * busy / total if total > 0 else 0.0
        return {"cpu": round(min(100.0, max(0.0, cpu)), 1), "cores": psutil.cpu_count() or 1}

    def _publish(self, what: str, key: str, state: str) -> None:
        self.worker.log_event(TOPIC, {
            "what": what, "key": key, "state": state, "t": time.time(), "pid": self.pid,
            "worker": self.worker.address, "host": self.host,
        })

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        """Note `executing` entered ("start") or left ("end", with the state it went to)."""
        if finish == "executing":
            what = "start"
        elif start == "executing":
            what = "end"
        else:
            return
        if not (isinstance(key, str) and key.startswith(KEY_PREFIX)):
            return  # not ours: other clients' tasks share the cluster
        self._publish(what, key, finish)


def run_chunk(spec: str, task_id: int, first_index: int, items: tuple[Any, ...],
              star: bool) -> tuple[int, list[Any]]:
    """Call the task on each item of one chunk; (task_id, values) in item order."""
    fn = _resolve(spec)
    values = []
    for offset, item in enumerate(items):
        try:
            values.append(fn(*item) if star else fn(item))
        except Exception as exc:
            with contextlib.suppress(Exception):  # which item raised, for the one-line message
                exc.mpscope_index = first_index + offset  # type: ignore[attr-defined]
            raise
    return task_id, values


def check_task(spec: str) -> str | None:
    """None if this worker can import the task; else why not, in one line (for `client.run`)."""
    try:
        _resolve(spec)
    except Exception as exc:  # noqa: BLE001 - the reason is the answer
        return f"{type(exc).__name__}: {exc}"
    return None


def worker_pid() -> int:
    """This worker's pid (for `client.run`)."""
    return os.getpid()


def _total(times: Any) -> float:
    # guest time is counted in user time already (Linux)
    return float(sum(times)) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)


def _busy(times: Any) -> float:
    return _total(times) - float(times.idle) - getattr(times, "iowait", 0.0)


def _resolve(spec: str) -> Callable[..., Any]:
    fn = _resolved.get(spec)
    if fn is None:
        module_name, _, path = spec.partition(":")
        target: Any = importlib.import_module(module_name)
        for part in path.split("."):
            target = getattr(target, part)
        if not callable(target):
            raise TypeError(f"{spec} is not callable")
        fn = _resolved[spec] = target
    return fn
