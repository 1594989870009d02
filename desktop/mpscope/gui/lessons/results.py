"""What a lesson's run found: result tables with their verdicts, and the scaling chart."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mpscope.gui.widgets.charts import PALETTE, ChartLegend, chart_style, curve_pen, style_plot

MAX_CELL_CHARS = 240  # longer cells are cut (the tooltip has it all)
MAX_TABLE_PX = 600
NUMERIC = re.compile(r"^-?[\d.,]+\s*[%x×]?$")  # right-aligned like numbers


def format_cell(value: Any, column: str = "") -> str:
    """A result value as table text: thousands separators, short floats, lists joined."""
    if isinstance(value, bool):
        return "✔" if value else "✘"
    if isinstance(value, int):
        return str(value) if "pid" in column.lower() or "code" in column.lower() else f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(format_cell(item) for item in value)
    return "" if value is None else str(value)


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


class ResultTable(QTableWidget):
    """A read-only table that shows every row (no inner scrolling) and fits its columns to width."""

    def __init__(self, columns: list[str], rows: list[list[Any]],
                 parent: QWidget | None = None) -> None:
        super().__init__(len(rows), len(columns), parent)
        self.setHorizontalHeaderLabels([str(c) for c in columns])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(columns)]):
                text = format_cell(value, str(columns[c]))
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
        # Cells wrap between words; a header never wraps.
        self._least = [pad + max([metrics.horizontalAdvance(self.horizontalHeaderItem(c).text())]
                                 + [metrics.horizontalAdvance(word)
                                    for r in range(self.rowCount()) if self.item(r, c)
                                    for word in self.item(r, c).text().split()])
                       for c in range(self.columnCount())]
        self.updateGeometry()
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(sum(self._natural) + 2 * self.frameWidth() + 2, self.height())

    def _fit(self) -> None:
        widths = share_widths(self._natural, self._least, self.viewport().width())
        for c, width in enumerate(widths):
            self.setColumnWidth(c, width)
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

    def set_result(self, result: dict[str, Any]) -> None:
        """Draw a scaling result (its `series` and `cpu_count`)."""
        self.result = result
        self.plot.clear()
        series = result.get("series") or []
        ideal_color = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        ideal_color.setAlpha(150)
        top = max((max(line["n"]) for line in series if line.get("n")), default=1)
        presenter = chart_style().presenter
        self.plot.plot([1, top], [1, top], pen=curve_pen(ideal_color, Qt.PenStyle.DashLine, 2.0))
        keys: list[tuple[QColor | str, str, str]] = []
        for i, line in enumerate(series):
            color = PALETTE[i % len(PALETTE)]
            self.plot.plot(line["n"], line["amdahl"], pen=curve_pen(
                color, Qt.PenStyle.DotLine, 4.0 if presenter else 3.0))
            self.plot.plot(line["n"], line["speedup"], pen=curve_pen(
                color, width=4.0 if presenter else 2.5), symbol="o", symbolBrush=color,
                symbolSize=11 if presenter else 8, symbolPen=pg.mkPen(color))
            keys.append((color, line.get("name", ""), "━●"))
            keys.append((color, self.tr("Amdahl fit, serial fraction {s}").format(
                s=line.get("serial_fraction", "?")), "┅┅"))
        keys.append((ideal_color, self.tr("ideal: speedup = processes"), "╍╍"))
        cpus = result.get("cpu_count")
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
        self.plot.getAxis("bottom").setTicks([[(n, str(n)) for n in range(1, top + 1, step)]])
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
    """The results of one lesson run, one section per worker result, plus where else to look.

    Signals:
        show_panel(str): the user asked to see another panel: "workers", "pool" or "cpu".
    """

    show_panel = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.tables: list[ResultTable] = []
        self.charts: list[ScalingChart] = []

    def clear(self, message: str = "") -> None:
        """Remove every section; show `message` (if any) instead."""
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # gone now, not only after the next event loop pass
                widget.setParent(None)
                widget.deleteLater()
        self.tables, self.charts = [], []
        if message:
            self._layout.addWidget(self._label(message))
            self._layout.addStretch(1)

    def set_results(self, kind: str, results: list[tuple[str, dict[str, Any]]],
                    summary: str = "") -> None:
        """Show a run's results: `kind` is the lesson's result_kind, results (worker, result)."""
        self.clear()
        if summary:
            self._layout.addWidget(self._label(escape(summary)))
        if kind in ("workers", "pool"):
            self._pointer(kind)
        for worker, result in results:
            title = QLabel(self.tr("<b>{title}</b> &nbsp;(worker <code>{worker}</code>)").format(
                title=escape(str(result.get("title", ""))), worker=escape(worker)))
            title.setWordWrap(True)
            self._layout.addWidget(title)
            if kind == "scaling" and result.get("series"):
                chart = ScalingChart()
                chart.set_result(result)
                self.charts.append(chart)
                self._layout.addWidget(chart)
                columns, rows = self._efficiency(result)
            else:
                columns, rows = result.get("columns", []), result.get("rows", [])
            table = ResultTable(columns, rows)
            self.tables.append(table)
            self._layout.addWidget(table)
            if verdict := escape(str(result.get("verdict") or "")):
                self._layout.addWidget(self._label(
                    self.tr("<b>In short:</b> {verdict}").format(verdict=verdict), verdict=True))
        if not results and kind not in ("workers", "pool"):
            self._layout.addWidget(self._label(self.tr("This run returned no result table.")))
        self._layout.addStretch(1)

    def _efficiency(self, result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """The efficiency table: a row per process count, a column per workload."""
        series = result.get("series") or []
        shares = [dict(zip(line["n"], line["efficiency"], strict=False)) for line in series]
        rows = [[n, *(f"{at[n] * 100:.0f} %" if n in at else "" for at in shares)]
                for n in sorted({n for at in shares for n in at})]
        columns = [self.tr("processes")] + [
            self.tr("efficiency, {workload}").format(workload=line.get("name", ""))
            for line in series]
        return columns, rows

    def _pointer(self, kind: str) -> None:
        """Where to read a "workers" or "pool" lesson, and a button that shows that panel."""
        self._layout.addWidget(self._label(self.tr(
            "This lesson is read in the Workers panel: each worker's state, exit code and "
            "explanation.") if kind == "workers" else self.tr(
            "This lesson is read in the Pool task stream: the order results arrive in, the "
            "chunks and the callbacks.")))
        button = QPushButton(self.tr("Show the Workers panel") if kind == "workers"
                             else self.tr("Show the Pool panel"))
        button.setToolTip(self.tr("Bring that panel to the front"))
        button.clicked.connect(lambda: self.show_panel.emit(kind))
        self._layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)

    def _label(self, text: str, verdict: bool = False) -> QLabel:
        label = QLabel(text, wordWrap=True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if verdict:
            label.setAutoFillBackground(True)
            label.setBackgroundRole(QPalette.ColorRole.AlternateBase)
            label.setMargin(8)
        return label
