"""The pool's task stream: a row per pool process, a bar per task attempt, coloured by outcome."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPalette
from PySide6.QtWidgets import QToolTip, QWidget

from mpscope.gui.i18n.language import translated
from mpscope.gui.pool.task_bars import BarTable
from mpscope.gui.theme import is_dark
from mpscope.gui.widgets.charts import Bars, SecondsAxis, chart_style, style_plot

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


def outcome_color(outcome: str, palette: QPalette | None = None) -> QColor:
    light, dark = OUTCOME_COLORS.get(outcome, OUTCOME_COLORS["pending"])
    return QColor(dark if is_dark(palette) else light)


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
        super().__init__(axisItems={"bottom": SecondsAxis("bottom")})
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
        if labels != self._labels:
            self._labels = labels
            self._update_ticks()
            self.setYRange(-0.6, max(1, len(rows)) - 0.4, padding=0)
        if mapping != self._rows:
            # Bars know their process, not their row: move them, without re-reading tasks.
            self._rows = self.table.rows = mapping
            if self.table.tasks is not None:
                self._draw(set(range(len(DRAWN))))

    def update_tasks(self, tasks: Sequence[Any], t0: float, now: float,
                     limit: int | None = None) -> None:
        """Read new and unfinished tasks; redraw the outcomes that changed. Cheap to call often.

        `limit`: read at most this many changed tasks now (see `behind`).
        """
        if t0 != self._t0:
            self._t0 = t0
            self.table.clear()
        fresh = self.table.tasks is not tasks  # a new run or a new start time
        changed = self.table.update(tasks, t0, now, limit)
        if fresh:
            changed = set(range(len(DRAWN)))  # redraw every outcome, emptying old ones
        self._draw(changed)

    def _draw(self, codes: set[int]) -> None:
        height = chart_style().bar_height
        for code in codes:
            bars = self.table.bars(code)
            self._bars[DRAWN[code]].setOpts(
                x0=bars[:, 0], x1=bars[:, 1], y0=bars[:, 2] - height / 2,
                height=np.full(len(bars), height),
            )

    @property
    def behind(self) -> bool:
        """The last update left changed tasks unread (it had a limit)."""
        return self.table.behind

    def bar_count(self, outcome: str | None = None) -> int:
        """Bars drawn (of one outcome, or all)."""
        return self.table.count(None if outcome is None else DRAWN.index(outcome))

    def task_at(self, x: float, y: float) -> tuple[Any, int] | None:
        """(TaskRecord, attempt) under the point (x seconds, y row); attempt -1 is the latest."""
        row = round(y)
        if abs(y - row) > chart_style().bar_height / 2 or self.table.tasks is None:
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
        if self.table.tasks is not None:
            self._draw(set(range(len(DRAWN))))  # the bar height follows the chart style

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
        peak = getattr(run, "peak_rss", None)
        if peak:
            lines.append(self.tr("Peak memory {0:,.0f} MiB").format(peak / 2**20))
        if run is task and task.error:
            error = translated(task.error)
            lines.append(self.tr("Error: {0}").format(error.splitlines()[0][:200]))
        return "\n".join(lines)
