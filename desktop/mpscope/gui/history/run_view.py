"""A recorded run in its own window: its charts as they were, workers' outcomes, event log.

Read-only and never blocking: the window opens at once with a busy indicator
while a worker thread reads the run (see HistoryJobs), then draws it once.
Exports: the run's data as JSON or CSV, the charts as PNG or SVG images.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # makes pg.exporters available
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.insight.top_tasks import recorded_items
from mpscope.gui.history.jobs import HistoryJobs
from mpscope.gui.history.run_charts import RunCharts, RunTaskStream
from mpscope.gui.history.run_data import RunData, export_runs, load_run
from mpscope.gui.history.run_tables import EventLog, WorkersOutcomes
from mpscope.gui.history.runs_model import outcome_names, status_color
from mpscope.gui.history.task_table import TaskTable
from mpscope.gui.pool.top_tasks_view import TopTasksView
from mpscope.gui.widgets.actions import make_action
from mpscope.gui.widgets.formatting import format_span, format_when

IMAGE_WIDTH = 1600  # px of an exported PNG: sharp on a slide


def save_svg(plot: pg.PlotItem, path: Path) -> None:
    """Save a plot as SVG: pyqtgraph's exporter, else Qt's own SVG painter.

    pyqtgraph 0.14's exporter fails on the closed paths ("… Z") that Qt 6.9+
    writes (pyqtgraph issue #3495); Qt's generator draws the same scene area.
    """
    try:
        pg.exporters.SVGExporter(plot).export(str(path))
        return
    except ValueError:
        pass
    source = plot.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(target.size().toSize())
    generator.setViewBox(target)
    generator.setTitle(path.stem)
    views = plot.scene().views()
    if views:  # axes replay cached QPictures, which scale by the device's DPI: match the screen's
        generator.setResolution(views[0].logicalDpiX())
    painter = QPainter(generator)
    try:
        plot.scene().render(painter, target, source)
    finally:
        painter.end()


class RunView(QWidget):
    """Run #N as it was recorded, in tabs: Charts, Task stream, Workers, Events.

    Signals:
        loaded(): the run was read and drawn (or failed: see `error`).
        message(str): something to tell the user (files written, problems).
    """

    loaded = Signal()
    message = Signal(str)

    def __init__(self, jobs: HistoryJobs, run_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Run #{id} — mpscope").format(id=run_id))
        self.resize(1200, 800)
        self.jobs, self.run_id = jobs, run_id
        self.data: RunData | None = None
        self.error: str | None = None
        self.charts = RunCharts()
        self.stream = RunTaskStream()
        self.workers = WorkersOutcomes()
        self.events = EventLog()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.charts, self.tr("Charts"))
        self.tabs.addTab(self.stream, self.tr("Task stream"))
        self.tabs.addTab(self.workers, self.tr("Workers"))
        self.tabs.addTab(self.events, self.tr("Events"))
        self.top_tasks = TopTasksView()
        self.tabs.addTab(self.top_tasks, self.tr("Top tasks"))
        self.task_table = TaskTable()
        self.tabs.addTab(self.task_table, self.tr("Tasks"))
        self.header = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._build_actions()
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.header)
        column.addWidget(self.toolbar)
        column.addWidget(self.tabs, 1)
        self.busy = QProgressBar(maximum=0, textVisible=False)  # moving: no known length
        self.notice = QLabel(self.tr("Reading run #{id}…").format(id=run_id), wordWrap=True,
                             alignment=Qt.AlignmentFlag.AlignCenter)
        waiting = QWidget()
        column = QVBoxLayout(waiting)
        column.addStretch(1)
        column.addWidget(self.notice)
        column.addWidget(self.busy)
        column.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(waiting)
        self.pages.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._jobs = [jobs.submit(lambda store: load_run(store, run_id), self._on_loaded,
                                  self._on_failed)]

    def _build_actions(self) -> None:
        context = Qt.ShortcutContext.WindowShortcut
        self.actions_by_name = {
            "json": make_action(self, self.tr("Export JSON…"), self.tr(
                "Write the whole run as run.json into a folder you choose"),
                lambda: self.export_data("json"), "Ctrl+E", "save", context=context),
            "csv": make_action(self, self.tr("Export CSV…"), self.tr(
                "Write the run as CSV files (one per table) into a folder you choose"),
                lambda: self.export_data("csv"), "Ctrl+Shift+E", context=context),
            "png": make_action(self, self.tr("Charts as PNG…"), self.tr(
                "Save the charts as PNG images into a folder you choose"),
                lambda: self.export_plots("png"), "Ctrl+Shift+P", context=context),
            "svg": make_action(self, self.tr("Charts as SVG…"), self.tr(
                "Save the charts as SVG drawings (for slides and papers) into a folder"),
                lambda: self.export_plots("svg"), "Ctrl+Shift+G", context=context),
            "close": make_action(self, self.tr("Close"), self.tr("Close this run's window"),
                                 self.close, QKeySequence.StandardKey.Close, context=context),
        }
        for name in ("json", "csv", None, "png", "svg"):
            if name is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(self.actions_by_name[name])
                self.actions_by_name[name].setEnabled(False)

    # -- loading -----------------------------------------------------------------------
    def _on_loaded(self, data: RunData) -> None:
        self.data = data
        self.charts.set_data(data)
        self.stream.set_data(data)
        self.workers.set_workers(data.workers)
        self.events.set_events(data.events, data.names, data.t0)
        self.tabs.setTabEnabled(1, bool(data.tasks))
        self.tabs.setTabToolTip(1, "" if data.tasks else self.tr("This run had no pool"))
        top = self.tabs.indexOf(self.top_tasks)
        self.tabs.setTabEnabled(top, bool(data.tasks))
        self.tabs.setTabToolTip(top, self.tr("The 5 longest tasks and the 5 that used most "
                                             "memory, with their arguments") if data.tasks
                                else self.tr("This run had no pool"))
        table = self.tabs.indexOf(self.task_table)
        self.tabs.setTabEnabled(table, bool(data.tasks))
        self.tabs.setTabToolTip(table, self.tr("Every task: its items, process, start, "
                                               "duration, outcome, peak memory and error")
                                if data.tasks else self.tr("This run had no pool"))
        self.task_table.set_data(data)
        if data.tasks:
            config = data.run.get("config") or {}
            pool = config.get("pool") or {}
            self.top_tasks.show_tasks(data.tasks, recorded_items(config), pool.get("task", "?"),
                                      pool.get("method") in ("starmap", "starmap_async"))
        title = data.run["title"] or ""
        self.setWindowTitle(self.tr("Run #{id}: {title} — mpscope").format(id=self.run_id,
                                                                            title=title))
        self.header.setText(self.header_text(data))
        for action in self.actions_by_name.values():
            action.setEnabled(True)
        self.pages.setCurrentIndex(1)
        self.loaded.emit()

    def _on_failed(self, reason: str) -> None:
        self.error = reason
        self.busy.hide()
        self.notice.setText(self.tr("Run #{id} cannot be shown: {reason}").format(
            id=self.run_id, reason=reason))
        self.loaded.emit()

    def header_text(self, data: RunData) -> str:
        """`#12 Title · finished · exit 0 · 12.3 s · started … · spawn · 6 workers · 30 tasks`."""
        run = data.run
        outcome = run.get("outcome") or run["status"] or ""
        color = status_color(outcome, self.palette())
        status = escape(outcome_names().get(outcome, outcome))
        if color is not None:
            status = f'<span style="color:{color.name()}"><b>{status}</b></span>'
        code = run["exit_code"]
        exit_text = self.tr("exit {code}").format(code="—" if code is None else code)
        if code and color is not None:  # failed, stopped or lost: in the outcome's colour
            exit_text = f'<span style="color:{color.name()}">{exit_text}</span>'
        parts = [f"<b>#{run['id']} {escape(run['title'] or '')}</b>", status, exit_text,
                 format_span(run["duration"]),
                 self.tr("started {when}").format(when=format_when(run["started_at"])),
                 escape(run["start_method"] or ""),
                 self.tr("{n} processes").format(n=len(data.workers)),
                 self.tr("{n:,} pool tasks").format(n=data.tasks_total)]
        return " · ".join(parts)

    # -- exporting ---------------------------------------------------------------------
    def _folder(self, title: str) -> str:
        return QFileDialog.getExistingDirectory(self, title, os.path.expanduser("~"))

    def export_data(self, fmt: str, folder: str | None = None) -> None:
        """Write the run as JSON or CSV into `folder`/run-ID (asks for the folder if None)."""
        folder = folder or self._folder(self.tr("Export run #{id} into…").format(id=self.run_id))
        if not folder:
            return
        run_id = self.run_id
        self._jobs.append(self.jobs.submit(lambda store: export_runs(store, [run_id], fmt, folder),
                                           self._on_exported, self._on_export_failed))

    def _on_exported(self, paths: list[Path]) -> None:
        folder = paths[0].parent if paths else ""
        self.message.emit(self.tr("Wrote {n} file(s) into {folder}").format(n=len(paths),
                                                                            folder=folder))

    def _on_export_failed(self, reason: str) -> None:
        self.message.emit(self.tr("Export failed: {reason}").format(reason=reason))

    def plots(self) -> dict[str, pg.PlotItem]:
        """The charts by name (the task stream only when the run had a pool)."""
        plots = dict(self.charts.plots())
        if self.data is not None and self.data.tasks:
            plots["tasks"] = self.stream.stream
        return plots

    def export_plots(self, fmt: str, folder: str | None = None) -> list[Path]:
        """Save each chart as `run-ID-NAME.png|svg` in `folder` (asks if None); the paths."""
        folder = folder or self._folder(self.tr("Save the charts of run #{id} into…").format(
            id=self.run_id))
        if not folder:
            return []
        written = []
        try:
            for name, plot in self.plots().items():
                path = Path(folder) / f"run-{self.run_id}-{name}.{fmt}"
                if fmt == "svg":
                    save_svg(plot, path)
                else:
                    exporter = pg.exporters.ImageExporter(plot)
                    exporter.parameters()["width"] = IMAGE_WIDTH
                    exporter.export(str(path))
                written.append(path)
        except OSError as exc:
            self.message.emit(self.tr("Saving the charts failed: {reason}").format(reason=exc))
            return written
        self.message.emit(self.tr("Saved {n} chart(s) into {folder}").format(
            n=len(written), folder=folder))
        return written

    def closeEvent(self, event: QCloseEvent) -> None:
        for job in self._jobs:  # nothing may call back into a closed window
            self.jobs.cancel(job)
        self._jobs.clear()
        self.charts.cleanup()
        self.stream.cleanup()
        super().closeEvent(event)
