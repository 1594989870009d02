"""Child side of per-task peak memory: the highest resident size the process reached in a task.

Runs in mpscope's own children (worker bootstrap, pool tracker); stdlib only.
Two sources, cheapest first. `ru_maxrss` is the process's all-time peak: when
it rose during the task, its new value *is* the task's peak, exactly. When it
did not (an earlier task had already gone higher), a sampler thread that
reads `/proc/self/statm` every SAMPLE_S while a task runs gives the peak to
that resolution, and the size at the task's end completes it. Per task the
cost is one `getrusage` call, one statm read and two flag writes (the sampler
thread goes to sleep by itself after a whole period without a task, so a
stream of tasks never signals it): 2–3 µs.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time

SAMPLE_S = 0.02
# ru_maxrss is in KiB on Linux and the BSDs, in bytes on macOS.
_MAXRSS_UNIT = 1 if sys.platform == "darwin" else 1024


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _MAXRSS_UNIT


class PeakMeter:
    """Measures the peak RSS of one task at a time: `start()`, then `stop()` → bytes."""

    def __init__(self, sample_s: float = SAMPLE_S) -> None:
        self._sample_s = sample_s
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        try:
            self._statm: int | None = os.open("/proc/self/statm", os.O_RDONLY)
        except OSError:
            self._statm = None  # not Linux: ru_maxrss alone
        self._go = threading.Event()
        self._task = 0  # which task the sampler measures (a late sample must not leak)
        self._running = False
        self._peak = 0
        self._maxrss_before = self._maxrss_after = 0
        self._thread: threading.Thread | None = None

    def rss(self) -> int:
        """The process's resident size now, in bytes (0 when unknown)."""
        if self._statm is None:
            return 0
        try:
            return int(os.pread(self._statm, 64, 0).split()[1]) * self._page
        except (OSError, ValueError, IndexError):
            return 0

    def start(self) -> None:
        """A task begins."""
        self._task += 1
        self._running = True
        # The all-time peak as the last task left it (read now for the first task): a rise
        # while the next task's arguments arrived counts for that task. One call saved.
        self._maxrss_before = self._maxrss_after or _maxrss()
        # No read of the size now: what the task holds shows at its end or in a sample;
        # memory it only frees was an earlier task's.
        self._peak = 0
        if self._statm is not None:
            if self._thread is None:
                self._thread = threading.Thread(target=self._sample, name="mpscope-peak-memory",
                                                daemon=True)
                self._thread.start()
            if not self._go.is_set():  # no lock, no system call while the sampler is awake
                self._go.set()

    def stop(self) -> int:
        """The task ended: its peak resident size in bytes."""
        self._running = False
        maxrss = self._maxrss_after = _maxrss()
        if maxrss > self._maxrss_before:
            return maxrss  # the process's peak rose during the task: exact
        return max(self._peak, self.rss())

    def _sample(self) -> None:
        while self._go.wait():
            task = self._task
            if self._running:
                rss = self.rss()
                if task == self._task and rss > self._peak:
                    self._peak = rss
            time.sleep(self._sample_s)
            if not self._running and task == self._task:  # a whole period without a task
                self._go.clear()
                if self._running:  # one began meanwhile: its start saw the flag still set
                    self._go.set()
