"""The window on a projector and a small laptop: docks apart, usable, and on the screen."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea, QWidget

from mpscope.core.engine.states import State
from mpscope.gui.i18n import language as i18n
from mpscope.gui.main_window import MainWindow
from mpscope.gui.widgets.charts import chart_style

WAIT_MS = 30_000
DESKTOP = str(Path(__file__).resolve().parents[1] / "desktop")
SIZES = ((1366, 768), (1024, 700))

# Long enough to look at in every size and mode: sleepers, and a pool still busy.
RUN = """
title = "Classroom demo on a projector"
grace_seconds = 0.5
[[workers]]
task = "sleep_io"
count = 3
name = "io"
args = { seconds = 60.0, steps = 600 }
[[workers]]
task = "risky"
count = 1
args = { x = 3 }
[pool]
task = "sleep_io"
items = 400
processes = 2
method = "imap_unordered"
args = { seconds = 0.3, steps = 3 }
"""


@pytest.fixture(params=["en", "zh_CN"])
def language(request, qapp):
    assert i18n.install_translator(qapp, request.param) == request.param
    yield request.param
    i18n.install_translator(qapp, "en")


@pytest.fixture
def running_window(qtbot, tmp_path, language):
    font = QApplication.font()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.show()
    qtbot.waitExposed(window)
    window.launch.load_text(RUN)
    window.launch.start()
    bridge = window.bridge
    qtbot.waitUntil(lambda: sum(r.state is State.RUNNING for r in bridge.records) >= 4
                    and bridge.pool is not None and bridge.pool.busy, timeout=WAIT_MS)
    yield window
    window.presenter.set_enabled(False)
    bridge.kill_all()
    qtbot.waitUntil(lambda: not bridge.running, timeout=WAIT_MS)
    window.close()
    window.deleteLater()
    chart_style().set_presenter(False)
    QApplication.setFont(font)


# The least a panel needs to be read, in lines of the current text (so presenter mode's
# larger text asks for larger panels): width x height.
USABLE_LINES = {"launch": (16, 12), "events": (16, 10), "history": (16, 10), "cpu": (18, 12),
                "pool": (16, 12), "lessons": (24, 12), "workers table": (24, 6)}
CHART_LINES = 3  # a chart's data area: at least three lines of text tall


def settle() -> None:
    for _ in range(5):  # docks and their contents lay out over a few posted events
        QApplication.processEvents()


def visible_docks(window: MainWindow) -> dict[str, QDockWidget]:
    # A tab behind another is "visible" to Qt, but nothing of it is on screen.
    return {name: dock for name, dock in window.docks.items()
            if dock.isVisible() and not dock.visibleRegion().isEmpty()}


def crowded_children(root: QWidget) -> list[str]:
    """Widgets a layout placed over a sibling or outside their parent: text drawn over text."""
    found = []
    for parent in [root, *root.findChildren(QWidget)]:
        layout = parent.layout()
        if layout is None or not parent.isVisible() or isinstance(parent, QScrollArea):
            continue
        managed = [w for w in parent.findChildren(QWidget, options=_direct())
                   if w.isVisible() and layout.indexOf(w) >= 0]
        inside = parent.rect()
        for child in managed:
            if not inside.contains(child.geometry()):
                found.append(f"{_name(child)} {_rect(child.geometry())} outside "
                             f"{_name(parent)} {_rect(inside)}")
        for a, b in itertools.combinations(managed, 2):
            if a.geometry().intersects(b.geometry()):
                found.append(f"{_name(a)} over {_name(b)} in {_name(parent)}")
    return found


def _direct():
    from PySide6.QtCore import Qt

    return Qt.FindChildOption.FindDirectChildrenOnly


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    label = f" {text()[:24]!r}" if callable(text) and isinstance(text(), str) else ""
    return f"{type(widget).__name__}{label}"


def _rect(rect: QRect) -> str:
    return f"{rect.x()},{rect.y()} {rect.width()}x{rect.height()}"


def test_every_size_and_mode_keeps_the_docks_apart_usable_and_on_screen(running_window, language):
    window = running_window
    # The run started from the form: the form stepped back, the events came forward.
    assert visible_docks(window).keys() == {"events", "cpu", "pool"}
    problems = []
    for presenter, (width, height) in itertools.product((False, True), SIZES):
        window.presenter.set_enabled(presenter)
        window.resize(width, height)
        settle()
        where = f"{language} {width}x{height} {'presenter' if presenter else 'normal'}"
        if (window.width(), window.height()) != (width, height):
            problems.append(f"{where}: the window cannot be {width}x{height}, it is "
                            f"{window.width()}x{window.height()}")
        assert {"cpu", "pool"} <= visible_docks(window).keys() or presenter, f"{where}: charts"
        # Every panel in turn in front of its tabs, as a user clicking through them sees it.
        for name in [n for n, dock in window.docks.items() if not dock.isHidden()]:
            window.docks[name].raise_()
            settle()
            problems += panel_problems(window, f"{where}, {name} in front")
    assert not problems, "\n".join(sorted(set(problems)))


def panel_problems(window: MainWindow, where: str) -> list[str]:
    problems = []
    docks = visible_docks(window)
    areas = {name: dock.geometry() for name, dock in docks.items()}
    areas["workers table"] = window.centralWidget().geometry()
    for (a, ra), (b, rb) in itertools.combinations(areas.items(), 2):
        if ra.intersects(rb):
            problems.append(f"{where}: {a} {_rect(ra)} overlaps {b} {_rect(rb)}")
    line = window.fontMetrics().height()
    for name, panel in {**docks, "workers table": window.centralWidget()}.items():
        lines_w, lines_h = USABLE_LINES[name]
        least = panel.minimumSizeHint().expandedTo(QSize(lines_w * line, lines_h * line))
        if panel.width() < least.width() or panel.height() < least.height():
            problems.append(f"{where}: {name} is {panel.width()}x{panel.height()}, "
                            f"needs {least.width()}x{least.height()}")
        problems += [f"{where}: {name}: {text}" for text in crowded_children(panel)]
        for chart in panel.findChildren(pg.PlotWidget):
            data_height = chart.getPlotItem().getViewBox().height()
            if chart.isVisible() and data_height < CHART_LINES * line:
                problems.append(f"{where}: {name}: a chart's data is {data_height:.0f} px "
                                f"tall, less than {CHART_LINES} lines of text")
    return problems


def screen_config(tmp_path: Path, width: int, height: int) -> str:
    path = tmp_path / f"screen-{width}x{height}.json"
    path.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": width,
                                             "height": height, "logicalDpi": 96}]}))
    return f"offscreen:configfile={path}"


FIRST_START = """
import sys
from PySide6.QtWidgets import QApplication
from mpscope.gui.app import create_app
app = create_app()
from mpscope.gui.main_window import MainWindow
window = MainWindow()
window.show()
app.processEvents()
screen = window.screen().availableGeometry()
frame = window.frameGeometry()
print(screen.width(), screen.height(), frame.x(), frame.y(), frame.width(), frame.height())
window.close()
"""


@pytest.mark.parametrize("size", SIZES)
def test_the_first_start_fits_the_screen(tmp_path, size):
    env = dict(os.environ, PYTHONPATH=DESKTOP, MPSCOPE_SETTINGS_DIR=str(tmp_path),
               QT_QPA_PLATFORM=screen_config(tmp_path, *size))
    done = subprocess.run([sys.executable, "-c", FIRST_START], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    screen_w, screen_h, x, y, w, h = map(int, done.stdout.split())
    assert (screen_w, screen_h) == size  # the screen the test asked for
    assert QRect(0, 0, screen_w, screen_h).contains(QRect(x, y, w, h)), done.stdout
