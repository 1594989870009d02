"""Shared test fixtures: every test must leave no child process behind."""

from __future__ import annotations

import ast
import atexit
import functools
import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path

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

# -- Qt tests and Qt-free tests ----------------------------------------------------------
# The core must work where Qt cannot be installed, and .ci/run runs the Qt-free tests in a
# virtualenv without PySide6. A test that imports Qt (PySide6, pyqtgraph, pytest-qt,
# mpscope.gui), in its module or in its own body, or uses pytest-qt's fixtures, is a Qt
# test: marked `qt`, and skipped where PySide6 is missing (a module that imports Qt at
# its top is not even collected there). Every other test must pass there.
QT_INSTALLED = importlib.util.find_spec("PySide6") is not None
_QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "pytestqt", "mpscope.gui")
_QT_FIXTURES = frozenset({"qtbot", "qapp", "qtlog", "qtmodeltester", "show_panel"})


def _is_qt(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in _QT_MODULES)


@functools.cache
def _module_imports_qt(path: Path) -> bool:
    """Whether the module imports Qt when it is imported (its top level, not its functions)."""
    todo = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import) and any(_is_qt(a.name) for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and _is_qt(node.module or ""):
            return True
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            todo += [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", []),
                     *[s for h in getattr(node, "handlers", []) for s in h.body]]
    return False


def _needs_qt(item: pytest.Item) -> bool:
    if _QT_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    if _module_imports_qt(Path(str(item.fspath))):
        return True
    code = getattr(getattr(item, "obj", None), "__code__", None)  # imports in the test itself
    return code is not None and any(_is_qt(name) for name in code.co_names)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if not QT_INSTALLED and collection_path.suffix == ".py" and collection_path.name.startswith(
            "test_") and _module_imports_qt(collection_path):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs Qt (PySide6 is not installed)")
    for item in items:
        if _needs_qt(item):
            item.add_marker(pytest.mark.qt)
        if not QT_INSTALLED and item.get_closest_marker("qt"):
            item.add_marker(skip)


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
