"""The pool panel: progress, task counts, the task stream, per-process time split, callbacks."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.run_state import Event
from mpscope.gui.bridge import RunBridge
from mpscope.gui.events.model import EventsModel, events_view
from mpscope.gui.pool.save_results import save_results
from mpscope.gui.pool.task_stream import TaskStreamPlot, outcome_color
from mpscope.gui.pool.top_tasks_view import TopTasksDialog
from mpscope.gui.theme import is_dark
from mpscope.gui.widgets.charts import (
    Bars,
    ChartLegend,
    SecondsAxis,
    chart_style,
    style_plot,
)

UPDATE_MS = 250  # the task stream redraws at most 4 times a second
# Changed tasks read per update (~2 µs each): a fast pool finishes thousands between two
# updates; the rest are read in follow-up updates, each its own pass of the event loop.
TASKS_PER_UPDATE = 1500
MAX_CALLBACKS = 2_000
WIDE_PX = 600
CALLBACK_KINDS = ("callback", "error_callback")
INSIGHT_PARTS = ("startup", "waiting", "working")
# Waiting is a quiet slate, so it is never taken for the orange of a failed task.
INSIGHT_COLORS = {"startup": ("#7c3aed", "#a78bfa"), "waiting": ("#94a3b8", "#64748b"),
                  "working": ("#0f766e", "#2dd4bf")}  # fmt: skip


class InsightsPlot(pg.PlotItem):
    """Per pool process, seconds spent starting up, waiting for work and working (stacked)."""

    def __init__(self) -> None:
        super().__init__(axisItems={"bottom": SecondsAxis("bottom")})
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getAxis("left").setStyle(showValues=False)
        self.bars = {part: Bars(x0=[], width=[], y0=[], height=[]) for part in INSIGHT_PARTS}
        for bars in self.bars.values():
            self.addItem(bars)

    def set_insights(self, rows: dict[int, int], insights: dict[int, tuple[float, ...]]) -> None:
        """`rows`: wid → row; `insights`: wid → (startup_s, waiting_s, working_s)."""
        known = [(rows[wid], split) for wid, split in insights.items() if wid in rows]
        height = chart_style().bar_height
        y = np.array([row for row, _split in known], dtype=float) - height / 2
        splits = np.array([split[:3] for _row, split in known], dtype=float).reshape(-1, 3)
        left = np.zeros(len(known))
        for k, part in enumerate(INSIGHT_PARTS):
            self.bars[part].setOpts(x0=left.copy(), width=splits[:, k], y0=y,
                                    height=np.full(len(known), height))
            left += splits[:, k]

    def apply_style(self, widget: QWidget) -> None:
        style_plot(self, widget, left_sample=None)
        for part, bars in self.bars.items():
            color = QColor(INSIGHT_COLORS[part][is_dark(widget.palette())])
            bars.setOpts(brush=pg.mkBrush(color), pen=pg.mkPen(color.darker(135), width=0))


class PoolPanel(QWidget):
    """What the run's `[pool]` is doing: progress, counts, a task stream and its callbacks.

    Reads `bridge.pool` at most 4 times a second while the panel is visible (and
    once more when shown again); callback events arrive in batches.
    """

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._stale = True
        self._callback_counts = (0, 0)  # callbacks, error callbacks (dropped ones included)
        self._failed_shown = False
        self.placeholder = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMargin(16)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.placeholder)
        self._stack.addWidget(self._build_content())
        outer = QVBoxLayout(self)
        outer.addWidget(self._stack)
        outer.setContentsMargins(4, 4, 4, 4)
        self._timer = QTimer(self, interval=UPDATE_MS)
        self._timer.timeout.connect(self._on_tick)
        bridge.run_started.connect(self._on_run_started)
        bridge.run_finished.connect(self._on_run_finished)
        bridge.config_changed.connect(self._on_config_changed)
        bridge.events_arrived.connect(self.add_events)
        bridge.refreshed.connect(self._on_refreshed)
        chart_style().changed.connect(self._on_chart_style)
        self._apply_style()
        self._show_placeholder()

    # -- construction --------------------------------------------------------------
    def _build_content(self) -> QWidget:
        self.progress = QProgressBar()
        self.rate = QLabel()
        # Texts that change during a run must not widen the panel: at the window's minimum
        # width that resizes the whole window (a relayout and a full repaint, ~40 ms).
        self._fit_rate()
        self.top_button = QPushButton(self.tr("Top tasks…"))
        self.top_button.setToolTip(self.tr(
            "The 5 longest tasks and the 5 that used most memory, with their arguments"))
        self.top_button.clicked.connect(self.show_top_tasks)
        self.save_button = QPushButton(self.tr("Save results…"))
        self.save_button.setToolTip(self.tr(
            "Write every item with its result or its error as JSON lines"))
        self.save_button.clicked.connect(lambda: save_results(self, self._bridge.pool))
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        top.addWidget(self.rate)
        self.counts = ChartLegend()
        self.setup = QLabel(wordWrap=True)
        self._build_chart()
        self.insights_legend = ChartLegend()
        self.details = QLabel(wordWrap=True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.callbacks = EventsModel(MAX_CALLBACKS, self)
        self.callback_view = events_view(self.callbacks)
        for hidden in (1, 2):  # the text says which worker and which kind of callback
            self.callback_view.setColumnHidden(hidden, True)
        self.callback_count = QLabel(wordWrap=True)
        upper = QWidget()
        column = QVBoxLayout(upper)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        for widget, stretch in ((self.counts, 0), (self.setup, 0), (self.chart, 1),
                                (self.insights_legend, 0)):
            column.addWidget(widget, stretch)
        # Beside the (wrapping) task details: the panel keeps its narrowest width.
        bottom = QHBoxLayout()
        bottom.addWidget(self.details, 1)
        bottom.addWidget(self.top_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(bottom)
        lower = self._callback_pane = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.callback_count)
        column.addWidget(self.callback_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        return splitter

    def _build_chart(self) -> None:
        """The task stream and, sharing its rows, the time split per pool process."""
        self.stream = TaskStreamPlot()
        self.stream.invertY(True)  # the first pool process on top
        self.stream.task_clicked.connect(self._on_task_clicked)
        self.insights = InsightsPlot()
        self.insights.invertY(True)
        self.insights.setYLink(self.stream)
        self.chart = pg.GraphicsLayoutWidget()
        self.chart.addItem(self.stream, row=0, col=0)
        self.chart.addItem(self.insights, row=0, col=1)
        self.chart.ci.layout.setColumnStretchFactor(0, 3)
        self.chart.ci.layout.setColumnStretchFactor(1, 1)
        self.chart.installEventFilter(self)
        self.stream.hook_scene()

    def _apply_style(self) -> None:
        self.chart.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.stream.apply_style(self)
        self.insights.apply_style(self)
        self.stream.setLabel("bottom", self.tr("seconds since the start"))
        self.insights.setLabel("bottom", self.tr("seconds"))
        self._fit_axis_labels()
        palette = self.palette()
        self.insights_legend.set_entries(self.tr("Time per process"), [
            (QColor(INSIGHT_COLORS[part][is_dark(palette)]), text, "■")
            for part, text in zip(INSIGHT_PARTS, (self.tr("start-up"), self.tr("waiting"),
                                                  self.tr("working")), strict=True)])

    def _fit_rate(self) -> None:
        """Room for the longest rate in the current font (presenter mode, Ctrl+=)."""
        sample = self.tr("avg {0:,.1f} items/s").format(88_888.8)
        self.rate.setMinimumWidth(self.rate.fontMetrics().horizontalAdvance(sample))

    def _fit_axis_labels(self) -> None:
        """Drop the x axis titles when the chart is short (large text in a small dock)."""
        roomy = self.chart.height() >= self.fontMetrics().height() * 9
        for plot in (self.stream, self.insights):
            plot.getAxis("bottom").showLabel(roomy)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.chart and event.type() == event.Type.Resize:
            self._fit_axis_labels()
        return super().eventFilter(watched, event)

    def _on_chart_style(self) -> None:
        self._apply_style()
        if self._bridge.pool is not None:
            self.update_now()  # the insight bars take the new height

    # -- run lifecycle -------------------------------------------------------------
    def _show_placeholder(self) -> None:
        config = self._bridge.config
        pool = self._bridge.pool
        if pool is not None and not _waiting_for_a_call(pool):
            return
        if pool is not None and self._bridge.running:  # a watched program, no pool call yet
            text = self.tr("No pool tasks yet: the tasks of a Pool or ProcessPoolExecutor "
                           "the program starts show here.")
        elif pool is not None:
            text = self.tr("The program ran no tasks on a Pool or ProcessPoolExecutor.")
        elif config is not None and config.pool is not None:
            text = self.tr("The pool starts with the run: press Start.")
        else:
            text = self.tr("This run has no pool — add a [pool] table or enable the pool "
                           "in the Launch panel.")
        self.placeholder.setText(text)
        self._stack.setCurrentIndex(0)

    def _on_config_changed(self, _config: Any) -> None:
        if not self._bridge.running:
            self._show_placeholder()

    def _on_run_started(self) -> None:
        self.save_button.setEnabled(False)  # results are whole once the run has ended
        self.callbacks.clear(self._bridge.run.started_at if self._bridge.run else None)
        self._callback_counts = (0, 0)
        self._update_callback_count()
        self._callback_pane.hide()  # no empty table until the first callback: room for the chart
        self.details.setText(self.tr("Point at a bar to see its task; click to keep it here."))
        if self._bridge.pool is None or _waiting_for_a_call(self._bridge.pool):
            self._show_placeholder()
            return
        self._show_pool()

    def _show_pool(self) -> None:
        self.stream.table.clear()
        self._stack.setCurrentIndex(1)
        self._stale = True
        self._timer.start()
        self.update_now()

    def _on_run_finished(self, _code: int) -> None:
        pool = self._bridge.pool  # a followed run's pool has no results here to save
        saves = getattr(pool, "saves_results", True)
        self.save_button.setEnabled(pool is not None and saves)
        self.save_button.setToolTip(self.tr(
            "Write every item with its result or its error as JSON lines") if saves else self.tr(
            "A followed run's results stay with the process that ran it"))
        self._timer.stop()
        self._stale = True
        if pool is not None and _waiting_for_a_call(pool):
            self._show_placeholder()  # "ran no tasks", not "yet"
        self._on_tick()  # the final state, drawn once

    def _on_refreshed(self) -> None:
        self._stale = True
        pool = self._bridge.pool
        if self._stack.currentIndex() == 0 and pool is not None and not _waiting_for_a_call(pool):
            self._show_pool()  # a followed run's pool is known from its first line, after start

    def add_events(self, events: list[Event]) -> None:
        """Keep callback and error_callback events (the last MAX_CALLBACKS)."""
        wanted = [e for e in events if e.kind in CALLBACK_KINDS]
        if wanted:
            errors = sum(e.kind == "error_callback" for e in wanted)
            self._callback_counts = (self._callback_counts[0] + len(wanted) - errors,
                                     self._callback_counts[1] + errors)
            self.callbacks.append(wanted)
            self._callback_pane.show()
            self.callback_view.scrollToBottom()
            self._update_callback_count()

    # -- drawing -------------------------------------------------------------------
    def _on_tick(self) -> None:
        # Running bars grow with time, so a busy pool redraws even without new messages.
        pool = self._bridge.pool
        if pool is None or not (self._stale or pool.busy):
            return
        if self.isVisible() and not self.window().isMinimized():
            self.update_now()

    def update_now(self) -> None:
        """Read the pool and redraw everything (the timer calls this at most 4 times a second)."""
        pool = self._bridge.pool
        if pool is None:
            return
        self._stale = False
        now = time.time()
        records = sorted((r for r in self._bridge.records if r.kind == "pool"), key=lambda r: r.wid)
        wide = self.chart.width() >= WIDE_PX  # room for pids in the row labels
        self.stream.set_rows([(r.wid, f"{r.name} ({r.pid})" if wide and r.pid else r.name)
                              for r in records])
        t0 = pool.started_at or (self._bridge.run.started_at if self._bridge.run else now)
        self.stream.update_tasks(pool.tasks, t0 or now, now, TASKS_PER_UPDATE)
        if self.stream.behind:
            self._stale = True
            QTimer.singleShot(0, self, self._on_tick)  # the rest, once other events had a turn
        rows = {r.wid: i for i, r in enumerate(records)}
        self.insights.set_insights(rows, pool.insights())
        total, done = pool.items_total, pool.items_done
        # QProgressBar.setValue() repaints at once, and a synchronous repaint flushes every
        # pending paint of the window (the table, the charts): with updates off for the
        # moment it is only scheduled, with the rest of the frame.
        self.progress.setUpdatesEnabled(False)
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)
        self.progress.setUpdatesEnabled(True)
        self._show_outcome(pool, done, total)
        config = pool.config
        chunk = getattr(pool, "chunksize", config.chunksize) or 1
        self._update_counts(pool.counts(), chunk)
        chunksize = getattr(pool, "chunksize", config.chunksize)
        if config.backend == "dask":  # the cluster's workers, not `processes`, run the tasks
            workers = sum(r.state.is_alive for r in pool.tracker.records.values())
            self.setup.setText(self.tr("{0} · dask · chunksize {1} · {2} workers at {3}").format(
                config.method, chunksize, workers, getattr(pool, "scheduler", "") or "…"))
        else:
            self.setup.setText(self.tr("{0} · {1} · chunksize {2} · {3} processes").format(
                config.method, config.backend, chunksize, config.processes))

    def _show_outcome(self, pool: Any, done: int, total: int) -> None:
        """The bar's words and colour, and the rate: live while busy, the outcome after."""
        text = self.tr("%p % · {0:,} of {1:,} items").format(done, total)
        failed = not pool.busy and not pool.succeeded
        if failed:  # a failed map_async, a lost task, a stop: the bar says it did not finish
            text = self.tr("failed · {0}").format(text)
        elif not pool.busy:
            text = self.tr("done · {0}").format(text)
        self.progress.setToolTip(text.replace("%p", f"{100 * done // max(1, total)}"))
        if self.progress.fontMetrics().horizontalAdvance(
                text.replace("%p", "100")) > self.progress.width() - 12:
            # A narrow bar: its words would spill out; the percentage, the rest in the tooltip.
            text = self.tr("failed · %p %") if failed else "%p %"
        self.progress.setFormat(text)
        if failed != self._failed_shown:  # the bar turns the colour of a failed task
            self._failed_shown = failed
            palette = self.palette()
            if failed:
                palette.setColor(QPalette.ColorRole.Highlight, outcome_color("failed", palette))
            self.progress.setPalette(palette)
        if pool.busy:
            self.rate.setText(self.tr("{0:,.1f} items/s").format(pool.rate))
        else:  # no "0.0/s" once finished: the run's average, over its whole duration
            seconds = pool.duration
            self.rate.setText(self.tr("avg {0:,.1f} items/s").format(done / seconds)
                              if seconds > 0 and done else "")

    def _update_counts(self, counts: dict[str, int], chunk: int = 1) -> None:
        palette = self.palette()
        fg = palette.color(QPalette.ColorRole.WindowText)
        keys = [
            (outcome_color("pending", palette), self.tr("pending {0}"), "pending"),
            (outcome_color("running", palette), self.tr("running {0}"), "running"),
            (outcome_color("ok", palette), self.tr("done {0}"), "done"),
            (outcome_color("failed", palette), self.tr("failed {0}"), "failed"),
            (outcome_color("lost", palette), self.tr("lost {0}"), "lost"),
            (fg, self.tr("retried {0}"), "retried"),
            (outcome_color("cancelled", palette), self.tr("cancelled {0}"), "cancelled"),
        ]
        # The counts are of tasks; with a chunksize, a task is a chunk of items: say so.
        title = self.tr("Tasks") if chunk <= 1 else self.tr("Tasks of {0:,} items").format(chunk)
        self.counts.set_entries(title, [
            (color, text.format(counts.get(key, 0)), "■") for color, text, key in keys
            if key != "cancelled" or counts.get(key)])  # cancelled only after a stop

    def _update_callback_count(self) -> None:
        text = self.tr("{0:,} callbacks · {1:,} error callbacks").format(*self._callback_counts)
        if self.callbacks.total > self.callbacks.kept:
            text += " · " + self.tr("the last {0:,} kept").format(MAX_CALLBACKS)
        self.callback_count.setText(text)

    def show_top_tasks(self) -> TopTasksDialog:
        """The top tasks by time and memory, in a window refreshed every second."""
        dialog = TopTasksDialog(self._bridge, self)
        dialog.show()
        return dialog

    def _on_task_clicked(self, hit: tuple[Any, int]) -> None:
        self.details.setText(self.stream.describe(*hit).replace("\n", " · "))

    # -- Qt ------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._bridge.pool is not None:
            QTimer.singleShot(0, self.update_now)  # catch up on what happened while hidden

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.PaletteChange, event.Type.FontChange):
            self._apply_style()
        if event.type() == event.Type.FontChange and hasattr(self, "rate"):
            self._fit_rate()

    def cleanup(self) -> None:
        """Stop the timer and stop listening to the bridge."""
        self._timer.stop()
        bridge = self._bridge
        for signal, slot in ((bridge.run_started, self._on_run_started),
                             (bridge.run_finished, self._on_run_finished),
                             (bridge.config_changed, self._on_config_changed),
                             (bridge.events_arrived, self.add_events),
                             (bridge.refreshed, self._on_refreshed),
                             (chart_style().changed, self._on_chart_style)):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)


def _waiting_for_a_call(pool: Any) -> bool:
    """A watched program's pools before its first Pool or Executor call: nothing to draw yet."""
    return hasattr(pool, "calls") and not pool.calls and not pool.tasks
