"""The pool's task stream (a row per pool process, a bar per task), and the charts' shared look."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainterPath, QPalette
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from mpscope.gui.ring import BarTable
from mpscope.gui.theme import is_dark

# (on light, on dark). Hues follow the worker-state colours so a class learns them once.
OUTCOME_COLORS: dict[str, tuple[str, str]] = {
    "running": ("#2563eb", "#60a5fa"),
    "ok": ("#16a34a", "#4ade80"),
    "failed": ("#ea580c", "#fb923c"),
    "lost": ("#dc2626", "#f87171"),
    "cancelled": ("#9ca3af", "#6b7280"),
    "pending": ("#6b7280", "#9ca3af"),
}
DRAWN = ("ok", "failed", "lost", "cancelled", "running")  # running last: on top
FINAL = ("ok", "failed", "cancelled")  # a lost task may still be retried
# An earlier attempt of a retried task: lost, requeued (abandoned with its pool), or ok
# (its result was discarded with its pool).
SPAN_OUTCOMES = {"lost": "lost", "requeued": "cancelled", "ok": "ok"}
BAR_HEIGHT = 0.76
# Line colours of mid lightness, readable on both a white and a near-black background.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#17becf", "#d4a017",
           "#9c755f", "#ff9da7", "#76b7b2", "#8c6bb1", "#bcbd22", "#e377c2", "#6b8e23",
           "#f47d4a", "#5fa2ce")  # fmt: skip


def outcome_color(outcome: str, palette: QPalette | None = None) -> QColor:
    light, dark = OUTCOME_COLORS.get(outcome, OUTCOME_COLORS["pending"])
    return QColor(dark if is_dark(palette) else light)


def style_plot(plot: pg.PlotItem, widget: QWidget, left_sample: str | None = "1000") -> None:
    """Give a plot the widget's palette and (projection-sized) font; call again on a change.

    `left_sample` fixes the left axis width to fit that text, so stacked plots line up.
    """
    palette = widget.palette()
    fg = palette.color(QPalette.ColorRole.WindowText)
    font = QFont(widget.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    if left_sample is not None:
        plot.getAxis("left").setWidth(QFontMetrics(font).horizontalAdvance(left_sample) + 12)
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Mid)))
        axis.setTextPen(pg.mkPen(fg))
        axis.setStyle(tickFont=font)
        axis.labelStyle = {"color": fg.name(), "font-size": f"{size:g}pt"}
        axis._updateLabel()  # re-render the label in the new style (no public API for this)


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
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.entries: tuple[str, list[tuple[str, str, str]]] | None = None

    def set_entries(self, title: str, entries: Sequence[tuple[QColor | str, str, str]]) -> None:
        """A bold title, then (colour, text, mark) keys; the mark is "━━", "╍╍", "■"…"""
        wanted = (title, [(QColor(color).name(), text, mark) for color, text, mark in entries])
        if wanted == self.entries:
            return
        self.entries = wanted
        keys = [
            f'<span style="color:{color}"><b>{mark}</b></span>&nbsp;'
            + escape(text).replace(" ", "&nbsp;")  # a key never breaks across lines
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


class TaskStreamPlot(pg.PlotItem):
    """A row per pool process and a horizontal bar per task attempt, coloured by outcome.

    Tasks are read incrementally (see BarTable), and an outcome's bars are
    rebuilt only when that outcome changed: the running bars, a handful, on
    every update; the 10,000 finished ones only when more finish.

    Signals:
        task_clicked(object): the TaskRecord under a left click.
    """

    task_clicked = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=True, y=False)  # zoom into a long run; "A" button restores
        self._bars: dict[str, Bars] = {}
        for outcome in DRAWN:
            bars = Bars(x0=[], x1=[], y0=[], height=[])
            self.addItem(bars)
            self._bars[outcome] = bars
        # An invisible point at 0 s: auto-range always shows the run from its start.
        self.addItem(pg.PlotCurveItem([0.0, 0.0], [0.0, 0.0], pen=None))
        self.table = BarTable(DRAWN, FINAL, SPAN_OUTCOMES)
        self._rows: dict[int, int] = {}
        self._labels: list[str] = []
        self._t0 = 0.0
        self.scene_hooked = False

    # -- data --------------------------------------------------------------------
    def set_rows(self, rows: Sequence[tuple[int, str]]) -> None:
        """One row per pool process, top to bottom: (wid, label)."""
        mapping = {wid: i for i, (wid, _label) in enumerate(rows)}
        labels = [label for _wid, label in rows]
        if mapping != self._rows or labels != self._labels:
            self._rows, self._labels = mapping, labels
            self._update_ticks()
            self.setYRange(-0.6, max(1, len(rows)) - 0.4, padding=0)
            self.table.clear()  # bars of a process not listed before were skipped: re-read

    def update_tasks(self, tasks: Sequence[Any], t0: float, now: float) -> None:
        """Read new and unfinished tasks; redraw the outcomes that changed. Cheap to call often."""
        if t0 != self._t0:
            self._t0 = t0
            self.table.clear()
        fresh = self.table.tasks is not tasks  # a new run, new rows or a new start time
        changed = self.table.update(tasks, self._rows, t0, now)
        if fresh:
            changed = set(range(len(DRAWN)))  # redraw every outcome, emptying old ones
        for code in changed:
            bars = self.table.bars(code)
            self._bars[DRAWN[code]].setOpts(
                x0=bars[:, 0], x1=bars[:, 1], y0=bars[:, 2] - BAR_HEIGHT / 2,
                height=np.full(len(bars), BAR_HEIGHT),
            )

    def bar_count(self, outcome: str | None = None) -> int:
        """Bars drawn (of one outcome, or all)."""
        return self.table.count(None if outcome is None else DRAWN.index(outcome))

    def task_at(self, x: float, y: float) -> tuple[Any, int] | None:
        """(TaskRecord, attempt) under the point (x seconds, y row); attempt -1 is the latest."""
        row = round(y)
        if abs(y - row) > BAR_HEIGHT / 2 or self.table.tasks is None:
            return None
        hit = self.table.at(x, row)
        return (self.table.tasks[hit[0]], hit[1]) if hit else None

    # -- look --------------------------------------------------------------------
    def apply_style(self, widget: QWidget) -> None:
        style_plot(self, widget, left_sample=None)
        palette = widget.palette()
        for outcome, bars in self._bars.items():
            color = outcome_color(outcome, palette)
            # A 1-px border in a darker shade keeps tiny tasks visible when zoomed out
            # and separates neighbouring tasks when zoomed in.
            bars.setOpts(brush=pg.mkBrush(color), pen=pg.mkPen(color.darker(135), width=0))
        self._update_ticks()

    def _update_ticks(self) -> None:
        axis = self.getAxis("left")
        height = max(1.0, self.vb.height())
        line = QFont(axis.style.get("tickFont") or QFont()).pointSizeF() * 2.0 or 20.0
        step = max(1, math.ceil(len(self._labels) * line / height))
        axis.setTicks([[(i, label) for i, label in enumerate(self._labels) if i % step == 0], []])

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._update_ticks()  # thin the row labels out when they would overlap

    # -- hover and click -----------------------------------------------------------
    def hook_scene(self) -> None:
        """Connect hover tooltips once the plot is in a scene."""
        if self.scene() is not None and not self.scene_hooked:
            self.scene().sigMouseMoved.connect(self._on_mouse_moved)
            self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
            self.scene_hooked = True

    def _task_under(self, scene_pos: QPointF) -> tuple[Any, int] | None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.vb.mapSceneToView(scene_pos)
        return self.task_at(point.x(), point.y())

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        hit = self._task_under(scene_pos)
        if hit is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(QCursor.pos(), self.describe(*hit))

    def _on_mouse_clicked(self, event: Any) -> None:
        hit = self._task_under(event.scenePos())
        if hit is not None:
            self.task_clicked.emit(hit)

    def describe(self, task: Any, attempt: int = -1) -> str:
        """One attempt of a task in words (items, pid, duration, error), for tooltips."""
        run = task.history[attempt] if 0 <= attempt < len(task.history) else task
        number = attempt + 1 if attempt >= 0 else task.attempt
        words = {"running": self.tr("running"), "ok": self.tr("ok"), "failed": self.tr("failed"),
                 "lost": self.tr("lost"), "cancelled": self.tr("cancelled"),
                 "requeued": self.tr("requeued"), "pending": self.tr("pending")}
        last = task.first_index + task.count - 1
        lines = [
            self.tr("Task {0}, attempt {1}: {2}").format(
                task.task_id, number, words.get(run.outcome, run.outcome)),
            self.tr("Item {0}").format(task.first_index) if task.count == 1
            else self.tr("Items {0}–{1} ({2} items)").format(task.first_index, last, task.count),
            self.tr("Pool process pid {0}").format(run.pid if run.pid else "?"),
        ]
        if run.started is not None:
            end = run.ended if run.ended is not None else time.time()
            lines.append(self.tr("Duration {0:.3f} s").format(end - run.started))
        if run is task and task.error:
            lines.append(self.tr("Error: {0}").format(task.error.splitlines()[0][:200]))
        return "\n".join(lines)
