"""How busy the machine was around a benchmark: a row measured beside other work says so."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import psutil

from mpscope.core.engine.subreaper import become_subreaper, is_subreaper

BUSY_OTHERS = 10.0  # % of a core that other programs may use during a row before it is void


@dataclass(frozen=True)
class Load:
    """The load average before a row, and what the rest of the machine used during it."""

    before: float  # 1-minute load average when the row started
    others: float  # % of one core used by processes outside this benchmark, on average
    ours: float = 0.0  # CPU seconds the benchmark and its descendants used

    @property
    def busy(self) -> bool:
        return self.others > BUSY_OTHERS

    def __str__(self) -> str:
        return f"load {self.before:.2f}, others {self.others:.1f} %"


class LoadWatch:
    """Measures the CPU the rest of the machine uses while a row runs.

    The machine's busy time (/proc/stat) minus this process's own, minus what
    its children used (live ones directly, ended ones through the kernel's
    children_user/children_system, which include their own waited-for
    descendants): what is left is other programs. Two readings, no sampling
    thread, so the watch itself costs nothing during the row.

    A descendant nobody waits for (a pool process outliving the benchmark child that
    started it) would be reaped by init and its time lost to "others" (a quarter of a
    core in the memory rows): this process is made a child subreaper, so such orphans
    come here, and the ones ended by the row's end are reaped then (the flag is put back
    as it was: a test suite must not collect other tests' orphans afterwards).
    """

    def __enter__(self) -> LoadWatch:
        self._was_subreaper = is_subreaper()
        become_subreaper()
        self._before = os.getloadavg()[0]
        self._started = time.monotonic()
        self._busy0, self._ours0, self._live0 = _machine_busy(), _own(), _live_children()
        return self

    def __exit__(self, *_exc: object) -> None:
        elapsed = max(1e-6, time.monotonic() - self._started)
        _reap_orphans()
        if not self._was_subreaper:
            become_subreaper(on=False)
        busy = _machine_busy() - self._busy0
        # Ours: this process and every descendant, live (read directly) or ended (in the
        # children_* times of whoever waited for it, itself read here or in _own()).
        ours = (_own() - self._ours0) + sum(_live_children().values()) - sum(
            self._live0.values())
        self.load = Load(self._before, max(0.0, 100 * (busy - ours) / elapsed), ours)


def _reap_orphans() -> None:
    """Collect the ended orphans that came to this process: their CPU time becomes ours."""
    for child in psutil.Process().children():
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(child.pid, os.WNOHANG)
        except (psutil.Error, ChildProcessError):
            pass


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy (all cores) since boot."""
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return sum(times) - idle - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)


def _own() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def _live_children() -> dict[int, float]:
    seconds = {}
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        seconds[child.pid] = (times.user + times.system + times.children_user
                              + times.children_system)
    return seconds
