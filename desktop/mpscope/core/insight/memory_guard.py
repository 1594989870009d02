"""The per-process memory limit: warn at 80 %, stop a process that crosses it, say why.

Checked from the run's own poll every CHECK_EVERY_S while a limit is set, by
reading each live process's resident size (`/proc/PID/statm`, one read each;
psutil elsewhere). A process over the limit is asked to stop, then
terminated, then killed, STEP_S apart: much faster than the run's grace
period, because memory that keeps growing does not wait, and the point is to
end the process that crossed the limit before the kernel's OOM killer picks
one, perhaps another.
"""

from __future__ import annotations

import os
import time
from typing import Any

from mpscope.core.text import Text

WARN_SHARE = 0.8
CHECK_EVERY_S = 0.25
STEP_S = 0.5  # stop → terminate → kill
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident(pid: int) -> int | None:
    """A process's resident size in bytes, None when it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except FileNotFoundError:
        return None
    except (OSError, ValueError, IndexError):
        pass
    # Only where /proc cannot say: every Run imports this module, and psutil's import would
    # otherwise come before each run's first start.
    import psutil

    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return None


def mib(size: float) -> str:
    return f"{size / 2**20:,.0f}"


class MemoryGuard:
    """Watches every live process of a run against `limit` bytes; drive it with `poll()`."""

    def __init__(self, run: Any, limit: int | None) -> None:
        self.run = run
        self.limit = limit
        self._next = 0.0
        self._warned: set[tuple[int, int]] = set()  # (wid, restarts): once per life
        self._stopping: dict[tuple[int, int], tuple[int, float]] = {}  # → (step, when)

    def poll(self) -> None:
        if self.limit is None:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + CHECK_EVERY_S
        for record in list(self.run.engine.records.values()):
            if not record.state.is_alive or not record.pid or record.remote:
                continue  # a remote Dask worker's pid is not a process of this machine
            key = (record.wid, record.restarts)
            if key in self._stopping:
                self._escalate(record, key, now)
                continue
            rss = resident(record.pid)
            if rss is None:
                continue
            record.peak_rss = max(record.peak_rss, rss)
            if rss >= self.limit:
                self._cross(record, key, rss, now)
            elif rss >= WARN_SHARE * self.limit and key not in self._warned:
                self._warned.add(key)
                self.run.engine.emit(record.wid, "memory", Text(
                    "{name}: uses {rss} MiB, {share:.0f} % of the memory limit of {limit} MiB",
                    name=record.name, rss=mib(rss), share=100 * rss / self.limit,
                    limit=mib(self.limit)))

    def _cross(self, record: Any, key: tuple[int, int], rss: int, now: float) -> None:
        record.ended_because = Text("its memory ({rss} MiB) crossed the limit of {limit} MiB",
                                    rss=mib(rss), limit=mib(self.limit or 0))
        self.run.engine.emit(record.wid, "error", Text(
            "{name}: uses {rss} MiB, over the memory limit of {limit} MiB: stopping it",
            name=record.name, rss=mib(rss), limit=mib(self.limit or 0)))
        self._stopping[key] = (0, now)
        self._act(record, 0)

    def _escalate(self, record: Any, key: tuple[int, int], now: float) -> None:
        step, since = self._stopping[key]
        if step < 2 and now - since >= STEP_S:
            self._stopping[key] = (step + 1, now)
            self._act(record, step + 1)

    def _act(self, record: Any, step: int) -> None:
        action = ("stop", "terminate", "kill")[step]
        if record.kind == "pool":  # a pool process cannot stop cooperatively: terminate first
            pool = self.run.pool
            if pool is not None and step < 2:
                pool.signal_process(record.wid, "terminate")
            elif pool is not None:
                pool.signal_process(record.wid, "kill")
            return
        getattr(self.run.engine, action)(record.wid)
