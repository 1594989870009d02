"""Task modules named in the form, imported first in a child process off the GUI thread.

Checking a `module:function` task imports its module in a spawned child first
(core/config/import_probe.py): 0.1–0.3 s, or as long as the module takes. The
form checks on every pause in typing, so the child runs on a pool thread and
the form validates when it has answered (the answer is cached by then).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from mpscope.core.config.import_probe import answered, import_problem, task_module


class _Probe(QRunnable):
    def __init__(self, checks: ImportChecks, modules: list[str]) -> None:
        super().__init__()
        self._checks, self._modules = checks, modules

    def run(self) -> None:
        for module in self._modules:
            import_problem(module)  # cached: the form's validation then answers at once
        self._checks.ready.emit()  # queued to the GUI thread, where the checks live


class ImportChecks(QObject):
    """Probes the form's task modules on a pool thread; `ready` when their answers are in.

    Signals:
        ready(): the probes started by `start` have answered.
    """

    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.ready.connect(self._ended)
        self.busy = False

    def start(self, raw: dict[str, Any]) -> bool:
        """Probe the task modules of a raw config that have no answer yet; False if none."""
        if self.busy:
            return True  # `ready` comes: the form looks again then
        tasks = [g.get("task") for g in raw.get("workers") or [] if isinstance(g, dict)]
        pool = raw.get("pool")
        if isinstance(pool, dict):
            tasks.append(pool.get("task"))
        modules = [m for m in dict.fromkeys(map(task_module, tasks)) if m and not answered(m)]
        if not modules:
            return False
        self.busy = True
        self._pool.start(_Probe(self, modules))
        return True

    def _ended(self) -> None:
        self.busy = False

    def cleanup(self) -> None:
        self._pool.waitForDone(30_000)
