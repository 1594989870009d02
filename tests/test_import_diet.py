"""`mpscope run`'s start-up imports only what comes before its first start (issue #18).

Every module imported before the first worker starts is paid by every run, in full,
on its critical path: psutil, the history database (sqlite3, the store), the follow
machinery and Qt wait until they are needed: the recorder's writer thread and the
runner import them once the first processes are starting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DESKTOP = Path(__file__).resolve().parents[1] / "desktop"
# What `python -m mpscope run CONFIG` imports before its first start: the command line,
# the configuration, the run and the headless runner.
BEFORE_THE_FIRST_START = ("mpscope.cli", "mpscope.core.config", "mpscope.core.engine.run",
                          "mpscope.core.console.headless")
# Not needed until a run is under way (or never, for `mpscope run`).
LATER = ("PySide6", "shiboken6", "pyqtgraph", "distributed", "psutil", "sqlite3",
         "mpscope.gui", "mpscope.core.history.store", "mpscope.core.history.retention",
         "mpscope.core.engine.sampler", "mpscope.core.follow.command",
         "mpscope.core.follow.control", "mpscope.core.follow.feed", "mpscope.core.follow.tail")


def _loaded_after(modules: tuple[str, ...]) -> list[str]:
    script = ("import importlib, json, sys\n"
              f"for name in {list(modules)!r}:\n"
              "    importlib.import_module(name)\n"
              f"print(json.dumps(sorted(m for m in {list(LATER)!r} if m in sys.modules)))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(DESKTOP), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60, check=True)
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def test_mpscope_run_imports_nothing_heavy_before_its_first_start():
    assert _loaded_after(BEFORE_THE_FIRST_START) == []


def test_the_check_sees_a_heavy_import():
    # The same check, given a module that does import them: it must report them.
    assert _loaded_after(("mpscope.core.engine.sampler", "mpscope.core.follow.command")) == [
        "mpscope.core.engine.sampler", "mpscope.core.follow.command",
        "mpscope.core.follow.control", "mpscope.core.follow.feed", "mpscope.core.follow.tail",
        "mpscope.core.history.retention", "mpscope.core.history.store", "psutil", "sqlite3"]
