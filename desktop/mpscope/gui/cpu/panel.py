"""The CPU panel: per-core load (lines, or a heat map beyond 16 cores), the average, per process.

A pool on a Dask cluster adds a line per host of the cluster to the cores' chart.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.sampler import Sample
from mpscope.gui.bridge import RunBridge
from mpscope.gui.cpu.hosts import HostLines
from mpscope.gui.cpu.ring import RingSet, TimeRing, sticky_top
from mpscope.gui.widgets.charts import (
    PALETTE,
    add_curve,
    chart_style,
    curve_pen,
    grid_pen,
    set_percent_range,
    style_plot,
    timeline_section,
)

WINDOWS_S = (60, 300, 900)
CAPACITY = 3600  # samples kept: an hour at the default 1 Hz, 15 minutes at 4 Hz
MAX_LINE_CORES = 16  # beyond this, lines are a tangle (and cost ~0.3 ms each): a heat map
TOP_PROCESSES = 8
MAX_TRACKED_PIDS = 256
OWN_COLOR = "#808080"
HEAT_MAP = "viridis"  # perceptually even, readable in both palettes and in greyscale


class CpuPanel(QWidget):
    """Live CPU per core, on average and per worker process, from the bridge's samples.

    Samples go into fixed ring buffers whatever happens; drawing is skipped while
    paused, hidden or minimized, and catches up when shown again. Beyond 16
    cores the cores are a heat map (a row per core) with the average drawn over it.
    """

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._window_s = WINDOWS_S[0]
        self._paused = False
        self._frozen_end = 0.0  # the newest sample time shown while paused
        self._stale = False
        self._cores: TimeRing | None = None
        self._own = TimeRing(CAPACITY, 1)
        # Per-process history, kept a whole widest window after the process is gone.
        self._pids = RingSet(CAPACITY, 1, horizon=WINDOWS_S[-1], max_keys=MAX_TRACKED_PIDS)
        self._latest: Sample | None = None
        self._names: dict[int, str] = {}
        self._slots: list[int | None] = [None] * TOP_PROCESSES
        self._ended: set[int] = set()  # shown pids whose process has ended (greyed, "ended")
        self._core_items: list[pg.GraphicsObject] = []
        self._build_ui()
        self.hosts = HostLines(self._core_plot, CAPACITY, horizon=WINDOWS_S[-1])
        self._build_cores(getattr(bridge.sampler, "cores", 1))
        bridge.sampled.connect(self.add_sample)
        bridge.run_started.connect(self.forget_ended)
        chart_style().changed.connect(self._apply_style)

    # -- construction ------------------------------------------------------------
    def _build_ui(self) -> None:
        bar = self._bar = QHBoxLayout()
        self._window_group = QButtonGroup(self)
        texts = (self.tr("1 min"), self.tr("5 min"), self.tr("15 min"))
        for i, (seconds, text) in enumerate(zip(WINDOWS_S, texts, strict=True)):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(seconds == self._window_s)
            button.setToolTip(self.tr("Show the last {0}").format(text))
            self._window_group.addButton(button, i)
            bar.addWidget(button)
        self._window_group.idClicked.connect(self._on_window_clicked)
        self.pause_button = QToolButton()
        self.pause_button.setText(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip(self.tr("Freeze the charts; samples are still collected"))
        self.pause_button.toggled.connect(self.set_paused)
        bar.addSpacing(8)
        bar.addWidget(self.pause_button)
        bar.addStretch(1)
        self.summary = QLabel()
        # Room for the longest summary from the start: a label that widened as the text
        # changes would resize the window whenever it is at its minimum width.
        self.summary.setMinimumWidth(self.summary.fontMetrics().horizontalAdvance(
            self.tr("{0} cores · average {1:.0f} %").format(888, 100)))
        bar.addWidget(self.summary)
        self.core_legend, core_section, self._core_plot = timeline_section(self._window_s)
        self.process_legend, process_section, self._proc_plot = timeline_section(self._window_s)
        self._proc_plot.setXLink(self._core_plot)
        splitter = self._splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(core_section)
        splitter.addWidget(process_section)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.process_curves = [add_curve(self._proc_plot, c) for c in PALETTE[:TOP_PROCESSES]]
        self._own_curve = add_curve(self._proc_plot, OWN_COLOR, Qt.PenStyle.DashLine)
        self._proc_top = 0.0
        set_percent_range(self._proc_plot, 100.0)

    def _build_cores(self, ncores: int) -> None:
        """(Re)build the core chart for `ncores` cores: lines up to 16, else a heat map."""
        plot = self._core_plot
        for item in self._core_items:
            plot.removeItem(item)
        self._ncores = ncores
        self.heatmap_mode = ncores > MAX_LINE_CORES
        self.core_curves = [add_curve(plot, PALETTE[i % len(PALETTE)])
                            for i in range(0 if self.heatmap_mode else ncores)]
        self.image: pg.ImageItem | None = None
        if self.heatmap_mode:
            # Rows of cores stacked over 0–100 on the y axis, so the average (in %) can
            # be drawn over the map; the right axis names the cores.
            self.image = pg.ImageItem(axisOrder="col-major")
            self.image.setLookupTable(pg.colormap.get(HEAT_MAP).getLookupTable(nPts=256))
            self.image.setZValue(-10)
            plot.addItem(self.image)
            plot.showAxis("right")
            step = 100 / ncores
            plot.getAxis("right").setTicks([[((i + 0.5) * step, str(i)) for i in
                                              range(0, ncores, max(1, ncores // 4))], []])
        else:
            plot.hideAxis("right")
        self._avg_curves = [add_curve(plot, "#000000") for _ in range(1 + self.heatmap_mode)]
        self.avg_curve = self._avg_curves[-1]
        if not self.heatmap_mode:
            for curve in self._avg_curves:
                curve.setZValue(-5)  # under the cores' lines, which it must not hide
        self._core_items = [*self.core_curves, *self._avg_curves, *filter(None, [self.image])]
        set_percent_range(plot, 100.0)
        self._cores = None
        self._apply_style()

    def _apply_style(self) -> None:
        fg = self.palette().color(QPalette.ColorRole.WindowText)
        base = self.palette().color(QPalette.ColorRole.Base)
        for plot in (self._core_plot, self._proc_plot):
            plot.getViewWidget().setBackground(base)
            style_plot(plot, self)
            for line in plot.grid_lines:
                line.setPen(grid_pen(self))
                line.setVisible(not (self.heatmap_mode and plot is self._core_plot))
            plot.now_line.setPen(pg.mkPen(fg, width=1, style=Qt.PenStyle.DashLine))
            plot.now_line.label.setColor(fg)
            plot.now_line.label.setFont(self.font())
        for i, curve in enumerate(self.core_curves):
            curve.setPen(curve_pen(PALETTE[i % len(PALETTE)]))
        self._pen_processes()
        self._own_curve.setPen(curve_pen(OWN_COLOR, Qt.PenStyle.DashLine))
        # The average: a thick line in the text colour, outlined in the base colour over a map.
        average = chart_style().average_width
        self._avg_curves[0].setPen(curve_pen(base, width=average + 2))
        soft = QColor(fg)
        soft.setAlpha(255 if self.heatmap_mode else 120)  # a band the cores' lines show through
        self.avg_curve.setPen(curve_pen(soft, width=average))
        if self.heatmap_mode:
            lut = pg.colormap.get(HEAT_MAP)
            keys = [(lut.map(v / 100, mode="qcolor"), f"{v} %", "■") for v in (0, 50, 100)]
            title = self.tr("CPU per core: {0} cores, a row each").format(self._ncores)
        else:
            keys = [(PALETTE[i % len(PALETTE)], self.tr("core {0}").format(i), "━")
                    for i in range(self._ncores)]
            title = self.tr("CPU per core (%)")
        self.hosts.apply_style(width=chart_style().line_width + 1)
        self.core_legend.set_entries(
            title, [*keys, (fg, self.tr("average"), "▬"), *self.hosts.legend()])
        self._update_process_legend()

    # -- data --------------------------------------------------------------------
    def add_sample(self, sample: Sample) -> None:
        """Record one sample (always), then redraw unless paused, hidden or minimized."""
        cores = sample.per_core
        if len(cores) != self._ncores:
            self._build_cores(len(cores))
        if self._cores is None:
            self._cores = TimeRing(CAPACITY, len(cores) + 1)  # the last channel is the average
        self._cores.append(sample.t, (*cores, sum(cores) / max(1, len(cores))))
        self._own.append(sample.t, (sample.own_cpu,))
        self._pids.append(sample.t, {pid: (cpu,) for pid, (cpu, _rss) in sample.per_pid.items()})
        self._latest = sample
        if self.hosts.append(sample.t, sample.hosts):  # a cluster's hosts came or went
            self._apply_style()
        if self._paused or not self.isVisible() or self.window().isMinimized():
            self._stale = True
            return
        self.redraw()

    # -- drawing -----------------------------------------------------------------
    def redraw(self) -> None:
        """Push the visible window of every buffer into the curves (or the heat map)."""
        self._stale = False
        if self._cores is None or not self._cores.count:
            return
        end = self._frozen_end if self._paused else self._cores.last_time or 0.0
        lo = end - self._window_s
        times, values = self._cores.window(lo, end)
        n = times.size
        if not n:
            return
        x = times - end
        block = values.copy()  # the ring keeps being written; the curves keep their data
        if self.image is not None:
            dt = (x[-1] - x[0]) / (n - 1) if n > 1 else 1.0
            # psutil's percentages cover the interval *ending* at each sample time.
            self.image.setImage(block[:-1].T, autoLevels=False, levels=(0, 100))
            self.image.setRect(QRectF(x[0] - dt, 0, n * dt, 100))
        for i, curve in enumerate(self.core_curves):
            curve.setData(x, block[i], skipFiniteCheck=True)
        for curve in self._avg_curves:
            curve.setData(x, block[-1], skipFiniteCheck=True)
        self.hosts.draw(lo, end)
        own_t, own_v = self._own.window(lo, end)
        self._own_curve.setData(own_t - end, own_v[0].copy(), skipFiniteCheck=True)
        if not self._paused:
            # The busiest over the window shown, ended processes included: the workers
            # that did the run's work stay on the chart (greyed) until the next run.
            latest = self._latest.per_pid if self._latest else {}
            scores = {}
            for pid, ring in self._pids.rings():
                _times, cpu = ring.window(lo, end)
                if cpu.size:
                    scores[pid] = float(cpu[0].mean())
            slots = sticky_top(self._slots, scores)
            ended = {pid for pid in slots if pid is not None and pid not in latest}
            if slots != self._slots or ended != self._ended:
                self._slots, self._ended = slots, ended
                self._update_process_legend()
                self._pen_processes()
        self._draw_processes(lo, end)
        self.summary.setText(self.tr("{0} cores · average {1:.0f} %").format(
            self._ncores, block[-1][-1]))

    def _update_process_legend(self) -> None:
        # Remember names: a process that ended keeps its name while its line is shown.
        self._names.update({r.pid: r.name for r in self._bridge.records if r.pid})
        keys: list[tuple[QColor | str, str, str]] = []
        for pid, color in zip(self._slots, PALETTE, strict=False):
            if pid is None:
                continue
            name = (f"{self._names[pid]} ({pid})" if pid in self._names
                    else self.tr("pid {0}").format(pid))
            if pid in self._ended:
                keys.append((_faded(color), self.tr("{0}, ended").format(name), "━"))
            else:
                keys.append((color, name, "━"))
        self.process_legend.set_entries(
            self.tr("CPU per process (%)"),
            [*keys, (OWN_COLOR, self.tr("mpscope itself"), "╍")])
        self._fit_charts()  # a legend of another length: the charts share the room anew

    def _pen_processes(self) -> None:
        for pid, curve, color in zip(self._slots, self.process_curves, PALETTE, strict=False):
            curve.setPen(curve_pen(_faded(color) if pid in self._ended else color))

    def forget_ended(self) -> None:
        """A new run: the processes of the last one that have ended leave the chart."""
        latest = self._latest.per_pid if self._latest else {}
        gone = [pid for pid, _ring in self._pids.rings() if pid not in latest]
        self._pids.discard(gone)
        self._slots = [None if pid in gone else pid for pid in self._slots]
        self._ended = set()
        self.hosts.forget_ended()
        self._apply_style()  # both legends, and the pens
        self._draw_processes(*self._shown_span())

    def _shown_span(self) -> tuple[float, float]:
        end = self._frozen_end if self._paused else (
            self._cores.last_time or 0.0 if self._cores else 0.0)
        return end - self._window_s, end

    def _draw_processes(self, lo: float, end: float) -> None:
        top = 100.0
        for pid, curve in zip(self._slots, self.process_curves, strict=True):
            ring = self._pids.get(pid) if pid is not None else None
            if ring is None:
                curve.setData([], [])
                continue
            times, values = ring.window(lo, end)
            y = values[0].copy()
            curve.setData(times - end, y, skipFiniteCheck=True)
            top = max(top, float(y.max()) if y.size else 0.0)
        top = float(np.ceil(top / 50) * 50)  # multi-threaded processes go past 100 %
        if top != self._proc_top:
            self._proc_top = top
            set_percent_range(self._proc_plot, top)

    # -- controls ----------------------------------------------------------------
    def set_window(self, seconds: int) -> None:
        """Show the last `seconds` (60, 300 or 900); redraws at once, even while paused."""
        self._window_s = seconds
        if seconds in WINDOWS_S:
            self._window_group.button(WINDOWS_S.index(seconds)).setChecked(True)
        self._core_plot.setXRange(-seconds, 0, padding=0)  # the process plot is x-linked
        self.redraw()

    @property
    def window_s(self) -> int:
        return self._window_s

    def set_paused(self, paused: bool) -> None:
        """Freeze the view (samples are still collected); resuming catches up at once."""
        if paused and not self._paused:
            self._frozen_end = self._cores.last_time or 0.0 if self._cores else 0.0
        self._paused = paused
        if self.pause_button.isChecked() != paused:
            self.pause_button.setChecked(paused)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if not paused:
            self.redraw()  # catch up with what was collected meanwhile

    def _on_window_clicked(self, index: int) -> None:
        self.set_window(WINDOWS_S[index])

    # -- Qt ----------------------------------------------------------------------
    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_charts()

    def _fit_charts(self) -> None:
        # Wide and short (a projector's row of panels): the two charts side by side, each
        # keeping a readable height, rather than two slivers one above the other.
        axis = 1.6 * self.fontMetrics().height()  # a chart's time axis
        width = self.width() - 8
        legends = (self.core_legend, self.process_legend)
        room = self.height() - 16 - self._bar.sizeHint().height() - axis
        stacked = (room - axis - sum(x.heightForWidth(width) for x in legends)) * 2 / 5
        beside = room - max(x.heightForWidth(width // 2) for x in legends)
        # Stacked (the lower chart gets 2/5) while that leaves it five lines of data.
        side = stacked < 5 * self.fontMetrics().height() and beside > stacked
        orientation = Qt.Orientation.Horizontal if side else Qt.Orientation.Vertical
        if self._splitter.orientation() != orientation:
            self._splitter.setOrientation(orientation)
        if not side:  # the same height of data in both, whatever their legends take
            heights = [x.heightForWidth(width) for x in legends]
            share = max(0, self._splitter.height() - sum(heights)) // 2
            self._splitter.setSizes([heights[0] + share, heights[1] + share])

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale and not self._paused:
            QTimer.singleShot(0, self.redraw)  # catch up once the show has settled

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._apply_style()
        if event.type() == QEvent.Type.FontChange:
            self._fit_charts()

    def cleanup(self) -> None:
        """Stop listening to the bridge (the panel is being closed)."""
        for signal, slot in ((self._bridge.sampled, self.add_sample),
                             (self._bridge.run_started, self.forget_ended),
                             (chart_style().changed, self._apply_style)):
            with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
                signal.disconnect(slot)


def _faded(color: str) -> QColor:
    """A line or key of a process that has ended: its colour, half gone."""
    faded = QColor(color)
    faded.setAlpha(110)
    return faded
