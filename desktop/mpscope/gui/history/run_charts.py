"""A recorded run's charts, as they were: CPU per core, progress per worker, the task stream."""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from mpscope.gui import theme
from mpscope.gui.cpu.panel import HEAT_MAP, MAX_LINE_CORES
from mpscope.gui.history.run_data import POOL_ITEMS, RunData
from mpscope.gui.pool.task_stream import TaskStreamPlot, outcome_color
from mpscope.gui.widgets.charts import (
    PALETTE,
    ChartLegend,
    PercentAxis,
    add_curve,
    chart_style,
    curve_pen,
    grid_pen,
    legend_above,
    plain_numbers,
    set_percent_range,
    style_plot,
)

LEGEND_KEYS = 12  # named lines in a legend; the rest are counted


def _section(owner: QWidget) -> tuple[ChartLegend, pg.PlotWidget, pg.PlotItem]:
    """A legend line over a 0–100 % plot whose x axis is seconds since the run's start."""
    legend = ChartLegend(owner)
    widget = pg.PlotWidget(axisItems={"left": PercentAxis("left")})
    plot = widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=True, y=False)  # zoom into a long run; the "A" button restores
    plain_numbers(plot.getAxis("bottom"))  # "0.5 s", never "500 (x0.001)"
    plot.grid_lines = [pg.InfiniteLine(pos=v, angle=0, movable=False) for v in (25, 50, 75)]
    for line in plot.grid_lines:
        plot.addItem(line, ignoreBounds=True)
    set_percent_range(plot, 100.0)
    return legend, widget, plot


class _StyledChart(QWidget):
    """A recorded-run chart that restyles itself with the palette, the font and the chart style."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        chart_style().changed.connect(self._apply_style)

    def _apply_style(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._apply_style()

    def cleanup(self) -> None:
        """Stop following the chart style (the window is closing; calling twice is fine)."""
        with contextlib.suppress(RuntimeError, TypeError):
            chart_style().changed.disconnect(self._apply_style)


class RunCharts(_StyledChart):
    """CPU per core (lines, or a heat map beyond 16 cores) over progress per worker, x-linked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cpu_legend, cpu_widget, self.cpu_plot = _section(self)
        self.progress_legend, progress_widget, self.progress_plot = _section(self)
        self.progress_plot.setXLink(self.cpu_plot)
        self.widgets = (cpu_widget, progress_widget)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for legend, widget in ((self.cpu_legend, cpu_widget),
                               (self.progress_legend, progress_widget)):
            splitter.addWidget(legend_above(legend, widget))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.data: RunData | None = None
        self.core_curves: list[pg.PlotCurveItem] = []
        self.progress_curves: dict[int, pg.PlotCurveItem] = {}
        self.image: pg.ImageItem | None = None
        self._avg: list[pg.PlotCurveItem] = []
        self._apply_style()

    def plots(self) -> dict[str, pg.PlotItem]:
        """The charts by name, for exporting as images."""
        return {"cpu": self.cpu_plot, "progress": self.progress_plot}

    def set_data(self, data: RunData) -> None:
        """Draw the run (once: a recorded run does not change)."""
        self.data = data
        cores, x = data.core_v, data.core_t
        if cores.shape[0] > MAX_LINE_CORES and x.size:
            dt = (x[-1] - x[0]) / (x.size - 1) if x.size > 1 else 1.0
            self.image = pg.ImageItem(axisOrder="col-major")
            self.image.setLookupTable(pg.colormap.get(HEAT_MAP).getLookupTable(nPts=256))
            self.image.setImage(cores.T, autoLevels=False, levels=(0, 100))
            # A sample's percentages cover the interval ending at its time.
            self.image.setRect(QRectF(x[0] - dt, 0, x.size * dt, 100))
            self.image.setZValue(-10)
            self.cpu_plot.addItem(self.image)
        else:
            for i, values in enumerate(cores):
                curve = add_curve(self.cpu_plot, PALETTE[i % len(PALETTE)])
                curve.setData(x, values)
                self.core_curves.append(curve)
        if cores.shape[0]:
            average = cores.mean(axis=0)
            self._avg = [add_curve(self.cpu_plot, "#000000") for _ in range(2 if self.image else 1)]
            for curve in self._avg:
                curve.setData(x, average)
                if self.image is None:
                    curve.setZValue(-5)  # under the cores' lines, which it must not hide
        workers = [w for w in data.workers if w["kind"] == "worker"]
        order = [w["wid"] for w in workers if w["wid"] in data.progress]
        if POOL_ITEMS in data.progress:
            order.append(POOL_ITEMS)
        for wid in order:
            times, percent = data.progress[wid]
            curve = add_curve(self.progress_plot, "#000000")
            curve.setData(times, percent)
            self.progress_curves[wid] = curve
        span = max(data.end - data.t0, float(x[-1]) if x.size else 0.0, 1.0)
        self.cpu_plot.setXRange(0, span, padding=0.01)
        self._apply_style()

    # -- look ------------------------------------------------------------------------
    def _apply_style(self) -> None:
        palette = self.palette()
        fg = palette.color(QPalette.ColorRole.WindowText)
        base = palette.color(QPalette.ColorRole.Base)
        for widget, plot in zip(self.widgets, (self.cpu_plot, self.progress_plot), strict=True):
            widget.setBackground(base)
            style_plot(plot, self)
            # Named under each chart: each is also exported alone, as an image.
            plot.setLabel("bottom", self.tr("seconds since the start"))
            for line in plot.grid_lines:
                line.setPen(grid_pen(self))
                line.setVisible(not (self.image is not None and plot is self.cpu_plot))
        for i, curve in enumerate(self.core_curves):
            curve.setPen(curve_pen(PALETTE[i % len(PALETTE)]))
        if len(self._avg) == 2:
            self._avg[0].setPen(pg.mkPen(base, width=chart_style().average_width + 2))
        if self._avg:
            soft = QColor(fg)
            soft.setAlpha(255 if len(self._avg) == 2 else 120)  # the cores show through it
            self._avg[-1].setPen(pg.mkPen(soft, width=chart_style().average_width))
        self._cpu_legend(fg)
        self._progress_legend()

    def _cpu_legend(self, fg: Any) -> None:
        data = self.data
        cores = data.core_v.shape[0] if data is not None else 0
        if data is not None and not data.core_t.size:
            self.cpu_legend.set_entries(self.tr("CPU per core: no samples were recorded"), [])
        elif self.image is not None:
            lut = pg.colormap.get(HEAT_MAP)
            keys = [(lut.map(v / 100, mode="qcolor"), f"{v} %", "■") for v in (0, 50, 100)]
            self.cpu_legend.set_entries(
                self.tr("CPU per core: {0} cores, a row each").format(cores),
                [*keys, (fg, self.tr("average"), "▬")])
        else:
            keys = [(PALETTE[i % len(PALETTE)], self.tr("core {0}").format(i), "━")
                    for i in range(cores)]
            self.cpu_legend.set_entries(self.tr("CPU per core (%)"),
                                        [*keys, (fg, self.tr("average"), "▬")])

    def _progress_legend(self) -> None:
        names = self.data.names if self.data is not None else {}
        keys: list[tuple[QColor | str, str, str]] = []
        color: QColor | str
        for i, (wid, curve) in enumerate(self.progress_curves.items()):
            if wid == POOL_ITEMS:
                color, style, name = theme.pool_color(self.palette()), Qt.PenStyle.DashLine, \
                    self.tr("pool items")
            else:
                color, style, name = PALETTE[i % len(PALETTE)], Qt.PenStyle.SolidLine, \
                    names.get(wid, f"#{wid}")
            curve.setPen(curve_pen(color, style))
            keys.append((color, name, "╍" if wid == POOL_ITEMS else "━"))
        if len(keys) > LEGEND_KEYS:
            more = len(keys) - LEGEND_KEYS + 1
            keys = [*keys[: LEGEND_KEYS - 1], (self.palette().color(QPalette.ColorRole.Mid),
                                                self.tr("{0} more").format(more), "━")]
        title = self.tr("Progress (% done)") if keys else self.tr(
            "Progress: no progress was recorded")
        self.progress_legend.set_entries(title, keys)


class RunTaskStream(_StyledChart):
    """The recorded pool tasks as the live task stream drew them: a row per pool process."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = ChartLegend(self)
        self.stream = TaskStreamPlot()
        self.stream.table.recent = 1 << 62  # a recorded run: every task it loaded
        self.stream.invertY(True)  # the first pool process on top
        plain_numbers(self.stream.getAxis("bottom"))
        self.chart = pg.GraphicsLayoutWidget()
        self.chart.addItem(self.stream, row=0, col=0)
        self.stream.hook_scene()
        self.details = QLabel(wordWrap=True)
        self.details.setText(self.tr("Point at a bar to see its task; click to keep it here."))
        self.stream.task_clicked.connect(
            lambda hit: self.details.setText(self.stream.describe(*hit).replace("\n", " · ")))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.details)
        self.data: RunData | None = None

    def set_data(self, data: RunData) -> None:
        self.data = data
        processes = data.pool_processes
        self.stream.set_rows([(w["wid"], f"{w['name']} ({w['pid']})" if w["pid"] else w["name"])
                              for w in processes])
        self.stream.update_tasks(data.tasks, data.t0, data.end)
        self._apply_style()

    def _apply_style(self) -> None:
        self.chart.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.stream.apply_style(self)
        self.stream.setLabel("bottom", self.tr("seconds since the start"))
        data = self.data
        if data is None:
            return
        outcomes = Counter(task.outcome for task in data.tasks)
        words = {"ok": self.tr("done {0:,}"), "failed": self.tr("failed {0:,}"),
                 "lost": self.tr("lost {0:,}"), "cancelled": self.tr("cancelled {0:,}"),
                 "running": self.tr("running at the end {0:,}")}
        keys = [(outcome_color(outcome, self.palette()), text.format(outcomes[outcome]), "■")
                for outcome, text in words.items() if outcomes[outcome]]
        retried = sum(1 for task in data.tasks if task.history)
        if retried:
            keys.append((self.palette().color(QPalette.ColorRole.WindowText),
                         self.tr("retried {0:,}").format(retried), "■"))
        title = self.tr("Tasks")
        if data.tasks_total > len(data.tasks):
            title = self.tr("Tasks (the first {0:,} of {1:,})").format(len(data.tasks),
                                                                       data.tasks_total)
        self.counts.set_entries(title, keys)
