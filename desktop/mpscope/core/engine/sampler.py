"""CPU and memory sampling with psutil: per core, per worker process, and for mpscope itself."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

import psutil


class HostLoad(NamedTuple):
    """A cluster's host as its workers report it: CPU % of the whole host, its cores, workers."""

    cpu: float
    cores: int
    workers: int


class Sample(NamedTuple):
    """One sampling instant: per-core CPU %, per-pid (CPU %, RSS bytes), and our own cost."""

    t: float
    per_core: tuple[float, ...]
    per_pid: dict[int, tuple[float, int]]
    own_cpu: float
    own_rss: int
    # pid → CPU seconds used so far (user + system): kept for a process once it has ended.
    cpu_time: dict[int, float] = {}  # noqa: RUF012 - never mutated; a fresh dict per sample
    # host → its load, for a pool on a Dask cluster (added by the window from the run's pool).
    hosts: dict[str, HostLoad] = {}  # noqa: RUF012 - never mutated


class Sampler:
    """Samples per-core CPU and a set of pids; caches one psutil.Process per pid.

    The first `cpu_percent()` of a psutil.Process returns 0.0, so objects are
    kept between samples; vanished pids are dropped quietly.
    """

    def __init__(self) -> None:
        self._procs: dict[int, psutil.Process] = {}
        self._own = psutil.Process(os.getpid())
        self._own.cpu_percent()
        psutil.cpu_percent(percpu=True)  # prime the per-core counters
        self.cores = psutil.cpu_count() or 1

    def sample(self, pids: Iterable[int]) -> Sample:
        per_pid: dict[int, tuple[float, int]] = {}
        cpu_time: dict[int, float] = {}
        wanted = set(pids)
        for pid in list(self._procs):
            if pid not in wanted:
                del self._procs[pid]
        for pid in wanted:
            proc = self._procs.get(pid)
            try:
                if proc is None:
                    proc = self._procs[pid] = psutil.Process(pid)
                    proc.cpu_percent()
                    per_pid[pid] = (0.0, proc.memory_info().rss)
                    continue
                with proc.oneshot():
                    per_pid[pid] = (proc.cpu_percent(), proc.memory_info().rss)
                    times = proc.cpu_times()  # from the same /proc read: free
                    cpu_time[pid] = times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                self._procs.pop(pid, None)
        per_core = tuple(psutil.cpu_percent(percpu=True))
        return Sample(time.time(), per_core, per_pid, self._own.cpu_percent(),
                      self._own.memory_info().rss, cpu_time)


class BackgroundSampler:
    """Runs a Sampler on its own thread: the caller hands over pids and never waits.

    A first sample of hundreds of new processes takes tens of milliseconds of
    /proc reads; on a GUI thread that would be a visible stall. A request made
    while the previous one is still running is dropped (the next tick catches up).
    """

    def __init__(self, on_sample: Callable[[Sample], None]) -> None:
        self._sampler = Sampler()
        self.cores = self._sampler.cores
        self._on_sample = on_sample
        self._requests: queue.SimpleQueue[tuple[int, ...] | None] = queue.SimpleQueue()
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="mpscope-sampler", daemon=True)
        self._thread.start()

    def request(self, pids: Iterable[int]) -> None:
        if not self._busy:
            self._busy = True
            self._requests.put(tuple(pids))

    def close(self) -> None:
        self._requests.put(None)
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while (pids := self._requests.get()) is not None:
            sample = self._sampler.sample(pids)
            self._busy = False
            self._on_sample(sample)
