"""CPU and memory sampling with psutil: per core, per worker process, and for mpscope itself."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import NamedTuple

import psutil


class Sample(NamedTuple):
    """One sampling instant: per-core CPU %, per-pid (CPU %, RSS bytes), and our own cost."""

    t: float
    per_core: tuple[float, ...]
    per_pid: dict[int, tuple[float, int]]
    own_cpu: float
    own_rss: int


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
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                self._procs.pop(pid, None)
        per_core = tuple(psutil.cpu_percent(percpu=True))
        return Sample(time.time(), per_core, per_pid, self._own.cpu_percent(),
                      self._own.memory_info().rss)
