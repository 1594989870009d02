"""Ended processes stay in the workers table, greyed, with their CPU time and peak memory."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mpscope.core import config as cfg
from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.workers.cells import Column
from mpscope.gui.workers.panel import WorkersPanel

WAIT_MS = 30_000


def test_an_ended_worker_shows_its_cpu_time_and_peak_memory_greyed(show_panel, qtbot):
    panel = show_panel(WorkersPanel, 1200, 300, record_history=False)
    panel.bridge.set_sample_interval(100)
    panel.bridge.set_config(cfg.loads("""
        [[workers]]
        task = "count_primes"
        count = 1
        args = { limit = 1_200_000 }
        [[workers]]
        task = "sleep_io"
        count = 1
        args = { seconds = 30, steps = 30 }
    """))
    panel.bridge.start()
    busy, sleeper = panel.bridge.records
    qtbot.waitUntil(lambda: busy.state is State.FINISHED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.model.data(panel.model.index(0, Column.CPU)) != "",
                    timeout=WAIT_MS)
    model = panel.model
    cpu = model.data(model.index(0, Column.CPU))
    memory = model.data(model.index(0, Column.RSS))
    assert cpu.endswith(" s") and busy.cpu_time > 0.2  # CPU seconds, not a percentage
    assert memory.endswith(" MiB") and busy.peak_rss > 5 * 2**20
    tip = model.data(model.index(0, Column.RSS), Qt.ItemDataRole.ToolTipRole)
    assert "peak resident memory" in tip
    grey = model.data(model.index(0, Column.NAME), Qt.ItemDataRole.ForegroundRole)
    assert grey == theme.ended_color()
    assert model.data(model.index(1, Column.NAME), Qt.ItemDataRole.ForegroundRole) is None
    assert sleeper.state is State.RUNNING
    assert model.data(model.index(1, Column.CPU)).endswith("%")  # a live one: its CPU now
