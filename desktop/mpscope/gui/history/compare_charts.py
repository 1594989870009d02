"""Two recorded runs on shared charts: their CPU (mean of the cores) and their overall progress."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from mpscope.gui.history.run_charts import _section, _StyledChart
from mpscope.gui.widgets.charts import (
    PALETTE,
    add_curve,
    curve_pen,
    grid_pen,
    legend_above,
    style_plot,
)

RUN_COLORS = (PALETTE[0], PALETTE[1])  # A, B
RUN_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine)  # told apart in greyscale too


class CompareCharts(_StyledChart):
    """CPU and progress of run A (solid) and run B (dashed), x = seconds since each one's start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cpu_legend, cpu_widget, self.cpu_plot = _section(self)
        self.progress_legend, progress_widget, self.progress_plot = _section(self)
        self.progress_plot.setXLink(self.cpu_plot)
        self.cpu_curves = [add_curve(self.cpu_plot, c, s) for c, s in zip(RUN_COLORS, RUN_STYLES,
                                                                           strict=True)]
        self.progress_curves = [add_curve(self.progress_plot, c, s)
                                for c, s in zip(RUN_COLORS, RUN_STYLES, strict=True)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(legend_above(self.cpu_legend, cpu_widget), 1)
        layout.addWidget(legend_above(self.progress_legend, progress_widget), 1)
        self.ids: tuple[int, int] = (0, 0)
        self._apply_style()

    def set_result(self, ids: tuple[int, int], result: dict[str, Any]) -> None:
        """Draw runs A and B from `compare_runs`' result."""
        self.ids = ids
        end = 1.0
        for k, key in enumerate(("a", "b")):
            for curves, name in ((self.cpu_curves, "cpu"), (self.progress_curves, "progress")):
                times, values = result[key].get(name, (np.zeros(0), np.zeros(0)))
                curves[k].setData(times, values)
                end = max(end, float(times.max()) if len(times) else 0.0)
        # Both runs whole, from their starts: the plots share this x range (linked).
        self.cpu_plot.setXRange(0.0, end, padding=0.02)
        self.cpu_plot.getAxis("bottom").setLabel(self.tr("seconds since each run's start"))
        self.progress_plot.getAxis("bottom").setLabel(self.tr("seconds since each run's start"))
        self._apply_style()

    def _apply_style(self) -> None:
        base = self.palette().color(QPalette.ColorRole.Base)
        for plot in (self.cpu_plot, self.progress_plot):
            plot.getViewWidget().setBackground(base)
            style_plot(plot, self)
            for line in plot.grid_lines:
                line.setPen(grid_pen(self))
        for curves in (self.cpu_curves, self.progress_curves):
            for curve, color, style in zip(curves, RUN_COLORS, RUN_STYLES, strict=True):
                curve.setPen(curve_pen(color, style))
        a, b = self.ids
        keys = [(RUN_COLORS[0], self.tr("run #{0} (A)").format(a), "━"),
                (RUN_COLORS[1], self.tr("run #{0} (B)").format(b), "╍")]
        self.cpu_legend.set_entries(self.tr("CPU, mean of the cores (%)"), keys)
        self.progress_legend.set_entries(self.tr("Progress (% done)"), keys)
