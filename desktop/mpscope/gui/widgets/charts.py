"""What every chart shares: the line palette, the presenter-aware style, axes, legends, bars."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainterPath, QPalette
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

# Line colours of mid lightness, readable on both a white and a near-black background.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#17becf", "#d4a017",
           "#9c755f", "#ff9da7", "#76b7b2", "#8c6bb1", "#bcbd22", "#e377c2", "#6b8e23",
           "#f47d4a", "#5fa2ce")  # fmt: skip
WORD_JOINER = "\u2060"


class ChartStyle(QObject):
    """Line widths, bar heights and axis font size of every chart: normal or presenter.

    One instance (`chart_style()`) for the whole application; charts read it when
    they (re)style and listen to `changed`. Presenter mode is for a projector at
    the back of a classroom: thick lines, fuller bars, larger axis text, firmer grid.

    Signals:
        changed(): the style switched; every chart restyles.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._presenter = False

    @property
    def presenter(self) -> bool:
        return self._presenter

    def set_presenter(self, on: bool) -> None:
        if on != self._presenter:
            self._presenter = on
            self.changed.emit()

    @property
    def line_width(self) -> float:
        """Pen width of data lines (per core, per process), in pixels."""
        return 3.0 if self._presenter else 1.0

    @property
    def average_width(self) -> float:
        """Pen width of the average line, which must stand out from the cores."""
        return 4.0 if self._presenter else 3.0

    @property
    def font_scale(self) -> float:
        """Axis text relative to the widget font (already scaled by the window's font scaler)."""
        return 1.15 if self._presenter else 1.0

    @property
    def bar_height(self) -> float:
        """Height of a task bar, as a fraction of its row."""
        return 0.88 if self._presenter else 0.76

    @property
    def grid_alpha(self) -> int:
        """Opacity (0–255) of grid lines: projectors wash faint lines out."""
        return 90 if self._presenter else 50


_style: ChartStyle | None = None


def chart_style() -> ChartStyle:
    """The application's chart style (made on first use)."""
    global _style
    if _style is None:
        _style = ChartStyle()
    return _style


def axis_font(widget: QWidget) -> QFont:
    """The widget's font, scaled for axes by the chart style."""
    font = QFont(widget.font())
    scale = chart_style().font_scale
    if scale != 1.0:
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * scale)
        else:
            font.setPixelSize(round(font.pixelSize() * scale))
    return font


def style_plot(plot: pg.PlotItem, widget: QWidget, left_sample: str | None = "1000") -> None:
    """Give a plot the widget's palette and (projection-sized) font; call again on a change.

    `left_sample` fixes the left axis width to fit that text, so stacked plots line up.
    """
    palette = widget.palette()
    fg = palette.color(QPalette.ColorRole.WindowText)
    font = axis_font(widget)
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    axis_pen = pg.mkPen(palette.color(QPalette.ColorRole.Mid),
                        width=2 if chart_style().presenter else 1)
    if left_sample is not None:
        plot.getAxis("left").setWidth(QFontMetrics(font).horizontalAdvance(left_sample) + 12)
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        plain_numbers(axis)  # "0.5 s" and "40 %", never "500 (x0.001)"
        axis.setPen(axis_pen)
        axis.setTextPen(pg.mkPen(fg))
        axis.setStyle(tickFont=font)
        axis.labelStyle = {"color": fg.name(), "font-size": f"{size:g}pt"}
        axis._updateLabel()  # re-render the label in the new style (no public API for this)


def plain_numbers(axis: pg.AxisItem) -> None:
    """Tick labels are the values where they stand: no SI prefix scaling, ever.

    pyqtgraph's `enableAutoSIPrefix(False)` first computes a prefix for the range
    shown at that moment and keeps it: a chart restyled while it showed 0–0.4 s
    labelled 0.4 s as "400" from then on.
    """
    axis.enableAutoSIPrefix(False)
    axis.autoSIPrefixScale = 1.0
    axis.labelUnitPrefix = ""
    axis._updateLabel()  # no public API to redraw the label without the prefix


class SecondsAxis(pg.AxisItem):
    """Seconds on a 1-2-5 step, as many labels as fit side by side (never "00.2.4.0.6.8")."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        font = QFontMetrics(self.style.get("tickFont") or QFont())
        widest = font.horizontalAdvance(f"{maxVal:.3g}") + font.horizontalAdvance("00")
        room = max(1.0, size / widest)  # labels that fit with two characters between them
        major = 10.0 ** math.floor(math.log10(span / room))
        for step in (1, 2, 5, 10):
            if span / (major * step) <= room:
                major *= step
                break
        return [(major, 0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        places = max(0, -math.floor(math.log10(spacing))) if spacing > 0 else 0
        texts = (f"{value * scale:.{places}f}" for value in values)
        return [text.rstrip("0").rstrip(".") if "." in text else text for text in texts]


def grid_pen(widget: QWidget) -> pg.QtGui.QPen:
    grid = QColor(widget.palette().color(QPalette.ColorRole.WindowText))
    grid.setAlpha(chart_style().grid_alpha)
    return pg.mkPen(grid, width=1)


class PercentAxis(pg.AxisItem):
    """A 0–100+ % axis labelled every 25, 50 or 100 %, as the plot's height allows."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = maxVal - minVal
        if span <= 0:
            return []
        line = QFontMetrics(self.style.get("tickFont") or QFont()).height() * 1.6
        major = next((m for m in (25, 50, 100, 200, 500) if size * m / span >= line), 1000)
        return [(major, 0)]


class AgoAxis(pg.AxisItem):
    """A time axis for x = seconds before the newest sample, labelled '30 s', '2 min', 'now'."""

    STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation)
        self.setStyle(maxTextLevel=0)  # labels on whole steps only: "45 s", never "38 s"

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = maxVal - minVal
        if span <= 0:
            return []
        wanted = max(2.0, size / 110)  # about one label per 110 px, whatever the font
        major = next((s for s in self.STEPS if span / s <= wanted), self.STEPS[-1])
        if span >= 180:
            major = max(major, 60)  # whole minutes: "4 min", never "270 s"
        return [(major, 0), (major / 2 if major > 1 else 0.5, 0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self._ago(round(-value)) for value in values]

    def _ago(self, seconds: int) -> str:
        if seconds <= 0:
            return self.tr("now")
        if seconds % 60 == 0:
            return self.tr("{0} min").format(seconds // 60)
        return self.tr("{0} s").format(seconds)  # ticks are whole minutes beyond 60 s


class ChartLegend(QLabel):
    """A chart's title and colour keys as one wrapping line of text (follows font and palette).

    Plain text beside the chart rather than a pyqtgraph legend: it never hides a
    line, wraps in a narrow dock, and scales with the presenter's font.

    Its minimum width is fixed (a few words), not its longest key's: keys change
    during a run ("sleep_io-117 (48213)"), and a panel that widened with them would
    resize the window each time it is at its minimum width (a relayout and a full
    repaint).
    """

    MIN_CHARS = 14

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.entries: tuple[str, list[tuple[str, str, str]]] | None = None
        self._fit_minimum_width()

    def _fit_minimum_width(self) -> None:
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * self.MIN_CHARS)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_minimum_width()

    def set_entries(self, title: str, entries: Sequence[tuple[QColor | str, str, str]]) -> None:
        """A bold title, then (colour, text, mark) keys; the mark is "━━", "╍╍", "■"…"""
        wanted = (title, [(QColor(color).name(), text, mark) for color, text, mark in entries])
        if wanted == self.entries:
            return
        self.entries = wanted
        # A key never breaks across lines: no-break spaces, and word joiners between the
        # characters of scripts that may break anywhere (丢失 must not become 丢 / 失).
        keys = [
            f'<span style="color:{color}"><b>{mark}</b></span>&nbsp;'
            + escape(WORD_JOINER.join(text)).replace(" ", "&nbsp;")
            for color, text, mark in wanted[1]
        ]
        self.setText(f"<b>{escape(title)}</b>&nbsp;&nbsp; " + "&nbsp;&nbsp; ".join(keys))


class Bars(pg.BarGraphItem):
    """Single-colour bars drawn in one `drawRects`; hit-testing uses the data, not a shape."""

    def shape(self) -> QPainterPath:
        # The default builds a path of every rect in Python: slow for 10,000 tasks.
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path


def timeline_section(window_s: float) -> tuple[ChartLegend, QWidget, pg.PlotItem]:
    """A legend line above a fixed (undraggable) percent plot whose x axis counts back from now.

    The plot has `grid_lines`, three horizontal lines placed by `set_percent_range`.
    """
    legend = ChartLegend()
    widget = pg.PlotWidget(axisItems={"bottom": AgoAxis("bottom"), "left": PercentAxis("left")})
    plot = widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)  # a projected chart must not be dragged away
    plot.hideButtons()
    plot.setXRange(-window_s, 0, padding=0)
    for name in ("left", "bottom"):
        # Axes change only with the window or the font: cache them as pixmaps rather
        # than replaying their text every frame (about 0.5 ms per axis per frame).
        plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # Horizontal grid lines as plain items: pyqtgraph's y grid costs ~5 ms a frame.
    plot.grid_lines = [pg.InfiniteLine(pos=v, angle=0, movable=False) for v in (25, 50, 75)]
    for line in plot.grid_lines:
        plot.addItem(line, ignoreBounds=True)
    # "now" at the right edge: a short run fills only the end of the window, and the
    # eye needs to know that the empty left is the past, not a gap.
    plot.now_line = pg.InfiniteLine(
        pos=0, angle=90, movable=False, label=QCoreApplication.translate("AgoAxis", "now"),
        labelOpts={"position": 0.92, "anchors": [(1.05, 0), (1.05, 0)]})
    plot.addItem(plot.now_line, ignoreBounds=True)
    return legend, legend_above(legend, widget), plot


def legend_above(legend: QWidget, chart: QWidget) -> QWidget:
    """A chart with its legend line on top, flush, the chart taking the height."""
    section = QWidget()
    column = QVBoxLayout(section)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(legend)
    column.addWidget(chart, 1)
    return section


def set_percent_range(plot: pg.PlotItem, top: float) -> None:
    """Show 0–`top` % with the grid lines at quarters (or 50/100 % steps beyond 100 %)."""
    plot.setYRange(0, top, padding=0.05)  # room for the top label
    step = 25 if top <= 100 else 50 if top <= 200 else 100
    for line, level in zip(plot.grid_lines, (step, 2 * step, 3 * step), strict=True):
        line.setValue(level)


def add_curve(plot: pg.PlotItem, color: QColor | str,
              style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> pg.PlotCurveItem:
    """A line in the style's width (restyle with `curve_pen` when the style changes)."""
    curve = pg.PlotCurveItem(pen=curve_pen(color, style), skipFiniteCheck=True)
    plot.addItem(curve)
    return curve


def curve_pen(color: QColor | str, style: Qt.PenStyle = Qt.PenStyle.SolidLine,
              width: float | None = None) -> pg.QtGui.QPen:
    return pg.mkPen(color, width=chart_style().line_width if width is None else width,
                    style=style)
