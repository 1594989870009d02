"""What a lesson's run found: its tables, its findings and (for scaling) its chart."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
        QSizePolicy,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.lessons.results import Cell, LessonResult
from mpscope.gui.lessons.wording import cell_text, words
from mpscope.gui.widgets.charts import PALETTE, ChartLegend, chart_style, curve_pen, style_plot

MAX_CELL_CHARS = 240  # longer cells are cut (the tooltip has it all)
MAX_TABLE_PX = 600
# What a line cannot break inside: a run of non-space Latin text, or one CJK character.
UNBREAKABLE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+")
NUMERIC = re.compile(r"^-?[\d.,]+\s*[%x×]?$")  # right-aligned like numbers


def share_widths(natural: list[int], least: list[int], available: int) -> list[int]:
    """Column widths in `available` px: natural ones if they fit, else shrunk in proportion.

    No column goes below its `least` (its longest word): the sum may then exceed `available`.
    """
    if sum(natural) <= available:
        return list(natural)
    fixed: dict[int, int] = {}
    trial: dict[int, float] = {}
    for _ in natural:
        free = [c for c in range(len(natural)) if c not in fixed]
        room = available - sum(fixed.values())
        total = sum(natural[c] for c in free)
        trial = {c: natural[c] * room / total if total > 0 and room > 0 else 0 for c in free}
        short = {c: least[c] for c, width in trial.items() if width < least[c]}
        if not short:
            break
        fixed.update(short)
    return [fixed[c] if c in fixed else max(1, int(trial.get(c, least[c])))
            for c in range(len(natural))]


def _text(item: QTableWidgetItem | None) -> str:
    """A cell's or header's text; "" where the table has no item (an empty cell)."""
    return item.text() if item is not None else ""


class ResultTable(QTableWidget):
    """A read-only table that shows every row (no inner scrolling) and fits its columns to width."""

    def __init__(self, columns: list[str], rows: list[list[Cell]],
                 parent: QWidget | None = None) -> None:
        super().__init__(len(rows), len(columns), parent)
        self.setHorizontalHeaderLabels([words(c) for c in columns])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        # Headers wrap too ("first result after (s)" over two lines), so a narrow panel can
        # show every column without scrolling sideways.
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value))
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(columns)]):
                text = cell_text(value, columns[c])
                long = len(text) > MAX_CELL_CHARS
                item = QTableWidgetItem(text[:MAX_CELL_CHARS] + "…" if long else text)
                item.setToolTip(text if long else "")
                if not isinstance(value, bool) and NUMERIC.match(text):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        self._natural: list[int] = []
        self._least: list[int] = []
        # As wide as its columns need (narrower when it must be: then cells wrap), never wider.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._measure()

    def _measure(self) -> None:
        self.resizeColumnsToContents()
        metrics, pad = self.fontMetrics(), self.fontMetrics().horizontalAdvance("MM")
        self._natural = [self.columnWidth(c) + pad for c in range(self.columnCount())]
        # Cells and headers wrap between words (and between Chinese characters).
        self._least = [pad + max([metrics.horizontalAdvance(word) for word in UNBREAKABLE.findall(
                                     _text(self.horizontalHeaderItem(c)))]
                                 + [metrics.horizontalAdvance(word)
                                    for r in range(self.rowCount())
                                    for word in UNBREAKABLE.findall(_text(self.item(r, c)))])
                       for c in range(self.columnCount())]
        self.updateGeometry()
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(sum(self._natural) + 2 * self.frameWidth() + 2, self.height())

    def _fit(self) -> None:
        widths = share_widths(self._natural, self._least, self.viewport().width())
        for c, width in enumerate(widths):
            self.setColumnWidth(c, width)
        # A header does not grow by itself when its text wraps: give it the tallest one's height.
        metrics = self.fontMetrics()
        margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 2
        lines = max((metrics.boundingRect(QRect(0, 0, max(1, width - margin), 10_000),
                                          int(Qt.TextFlag.TextWordWrap.value),
                                          _text(self.horizontalHeaderItem(c))).height()
                     for c, width in enumerate(widths)), default=metrics.height())
        self.horizontalHeader().setFixedHeight(lines + 8)
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if sum(widths) > self.viewport().width():  # even wrapped, too wide: it scrolls sideways
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(min(height, MAX_TABLE_PX))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._measure()


class ScalingChart(QWidget):
    """Speedup against processes for each workload, the ideal line, the Amdahl fit, the CPUs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = ChartLegend()
        self.widget = pg.PlotWidget()
        self.widget.setMinimumHeight(300)
        self.plot = self.widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)  # a projected chart must not be dragged away
        self.plot.hideButtons()
        self.result: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.widget, 1)
        chart_style().changed.connect(self._on_style_changed)  # presenter mode

    def set_result(self, chart: dict[str, Any]) -> None:
        """Draw a scaling chart: `n`, `speedup`, `cores`, and `amdahl` when it was fitted."""
        self.result = chart
        self.plot.clear()
        n, speedup, amdahl = chart.get("n") or [1], chart.get("speedup") or [1], chart.get("amdahl")
        ideal_color = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        ideal_color.setAlpha(150)
        top = max(n)
        presenter = chart_style().presenter
        self.plot.plot([1, top], [1, top], pen=curve_pen(ideal_color, Qt.PenStyle.DashLine, 2.0))
        color = PALETTE[0]
        keys: list[tuple[QColor | str, str, str]] = []
        self.plot.plot(n, speedup, pen=curve_pen(color, width=4.0 if presenter else 2.5),
                       symbol="o", symbolBrush=color, symbolSize=11 if presenter else 8,
                       symbolPen=pg.mkPen(color))
        keys.append((color, self.tr("measured speedup"), "━●"))
        if amdahl:  # the script fits Amdahl's law only when it means something
            fit = PALETTE[1]
            self.plot.plot(n, amdahl, pen=curve_pen(fit, Qt.PenStyle.DotLine,
                                                    4.0 if presenter else 3.0))
            keys.append((fit, self.tr("Amdahl fit, serial share {share:.0%}").format(
                share=float(chart.get("serial_share") or 0)), "┅┅"))
        keys.append((ideal_color, self.tr("ideal: speedup = processes"), "╍╍"))
        cpus = chart.get("cores")
        if cpus:
            marker = QColor("#d62728")
            mark = pg.InfiniteLine(pos=cpus, angle=90, pen=pg.mkPen(marker, width=2),
                                   label=self.tr("{n} CPUs").format(n=cpus),
                                   labelOpts={"position": 0.92, "color": marker,
                                              "anchors": [(0, 0.5), (0, 0.5)]})
            self.plot.addItem(mark)
            keys.append((marker, self.tr("number of CPUs ({n})").format(n=cpus), "┃"))
        self.legend.set_entries(self.tr("Lines:"), keys)
        step = max(1, -(-top // 16))  # at most 16 labels
        self.plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(1, top + 1, step)]])
        self.plot.setXRange(0.5, top + 0.5, padding=0)
        self.plot.setYRange(0, top * 1.05, padding=0)
        self.widget.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.plot.setLabel("bottom", self.tr("processes"))
        self.plot.setLabel("left", self.tr("speedup (×)"))
        style_plot(self.plot, self, left_sample="100")
        self.plot.showGrid(x=True, y=True, alpha=chart_style().grid_alpha / 255)

    def _on_style_changed(self) -> None:
        if self.result:
            self.set_result(self.result)  # redrawn whole: a dozen items at most

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._on_style_changed()


class ResultsView(QWidget):
    """The results of one lesson run: a summary, each table, its findings, and its chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.tables: list[ResultTable] = []
        self.charts: list[ScalingChart] = []
        self.findings: list[QLabel] = []

    def clear(self, message: str = "") -> None:
        """Remove every section; show `message` (if any) instead."""
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # gone now, not only after the next event loop pass
                widget.setParent(None)
                widget.deleteLater()
        self.tables, self.charts, self.findings = [], [], []
        if message:
            self._layout.addWidget(self._label(escape(message)))
            self._layout.addStretch(1)

    def set_result(self, result: LessonResult | None, summary: str = "") -> None:
        """Show a run's result (None: the run found none; `summary` says why)."""
        self.clear()
        if summary:
            self._layout.addWidget(self._label(escape(summary)))
        if result is not None:
            for table in result.tables:
                title = self._label(f"<b>{escape(words(table.title))}</b>")
                self._layout.addWidget(title)
                view = ResultTable(table.columns, table.rows)
                self.tables.append(view)
                self._layout.addWidget(view)
            if result.chart and result.chart.get("kind") == "scaling":
                chart = ScalingChart()
                chart.set_result(result.chart)
                self.charts.append(chart)
                self._layout.addWidget(chart)
            if result.findings:
                items = "".join(f"<li>{escape(words(f.text, f.values))}</li>"
                                for f in result.findings)
                label = self._label(self.tr("<b>What it found:</b>") + f"<ul>{items}</ul>",
                                    verdict=True)
                self.findings.append(label)
                self._layout.addWidget(label)
        self._layout.addStretch(1)

    def _label(self, text: str, verdict: bool = False) -> QLabel:
        label = QLabel(text, wordWrap=True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if verdict:
            label.setAutoFillBackground(True)
            label.setBackgroundRole(QPalette.ColorRole.AlternateBase)
            label.setMargin(8)
        return label
