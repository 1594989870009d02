"""Shared test fixtures: every test must leave no child process behind."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time

import psutil
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The window follows the system language; tests read English text, whatever the machine's.
os.environ["LANGUAGE"] = "en"
os.environ["LC_ALL"] = "C.UTF-8"


# Runs recorded by tests, and settings they save, never touch the user's own. Set at
# import, before test modules copy os.environ for their subprocesses.
_USER_ROOT = tempfile.mkdtemp(prefix="mpscope-tests-")
atexit.register(shutil.rmtree, _USER_ROOT, ignore_errors=True)
os.environ["MPSCOPE_DATA_DIR"] = os.path.join(_USER_ROOT, "data")
os.environ["MPSCOPE_SETTINGS_DIR"] = os.path.join(_USER_ROOT, "settings")

# A fork server (Python 3.11) ignores the sys.path it is given and imports its preload from
# PYTHONPATH or the installed package: point it at this tree, not at another checkout's.
_TREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [os.path.join(_TREE, "desktop"), os.path.join(_TREE, "tests")]
    + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

# Long-lived helpers that multiprocessing itself keeps for the whole session.
_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def _leftovers() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            cmdline = " ".join(child.cmdline())
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            cmdline = ""
        except psutil.AccessDenied:
            continue
        if not any(helper in cmdline for helper in _HELPERS):
            found.append(child)
    return found


@pytest.fixture
def engine():
    """Make engines (spawn, 5 s grace, 50 ms reports unless told); kill what they ran after."""
    from mpscope.core.engine.engine import Engine

    engines: list[Engine] = []

    def make(start_method: str = "spawn", grace: float = 5.0, **options) -> Engine:
        made = Engine(start_method, grace_seconds=grace, report_interval=0.05, **options)
        engines.append(made)
        return made

    yield make
    for made in engines:
        made.kill_all()
        made.run_until_done(timeout=20)


@pytest.fixture
def show_panel(qtbot):
    """Make a panel on its own RunBridge, shown; afterwards end its run and clean both up."""
    made: list = []

    def make(panel_class, width: int, height: int, **bridge_options):
        from mpscope.gui.bridge import RunBridge

        bridge = RunBridge(sample_ms=3_600_000, **bridge_options)
        panel = panel_class(bridge)
        made.append((panel, bridge))
        panel.resize(width, height)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    yield make
    for panel, bridge in made:
        bridge.kill_all()
        qtbot.waitUntil(lambda bridge=bridge: not bridge.running, timeout=30_000)
        panel.cleanup()
        bridge.shutdown()
        panel.close()
        panel.deleteLater()


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Fail a test that leaves a child process (or an unreaped zombie) behind."""
    yield
    deadline = time.monotonic() + 3.0
    left = _leftovers()
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = _leftovers()
    if left:
        described = []
        for proc in left:
            try:
                described.append(f"{proc.pid} {proc.status()} {' '.join(proc.cmdline())[:120]}")
                proc.kill()
            except psutil.Error:
                described.append(str(proc.pid))
        pytest.fail("test left processes behind:\n" + "\n".join(described))
