"""6. Window start-up: process start to the shown main window, against a bare PySide6 window."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from mpscope.bench.table import Row, alternate

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(pg.PlotWidget())
window.show()
app.processEvents()
print("shown", flush=True)
"""

MPSCOPE = """
from mpscope.gui.app import create_app
from mpscope.gui.main_window import MainWindow
app = create_app()
window = MainWindow()
window.show()
app.processEvents()
print("shown", flush=True)
"""


def _time(script: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=os.pathsep.join(sys.path))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=60)
    elapsed = time.perf_counter() - started
    assert "shown" in out.stdout, out.stderr[-2000:]
    return elapsed


def measure(repeat: int) -> list[Row]:
    base, ours = alternate(repeat, lambda: _time(BARE), lambda: _time(MPSCOPE))
    return [Row("6. window start-up", "ms", "bare PySide6 + one plot",
                1000 * base, 1000 * ours, "<= 1.5",
                note="process start to first shown frame")]
