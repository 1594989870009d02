"""Two recorded runs side by side: durations, throughput, speedup, worker outcomes, same config."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mpscope.gui.history.compare_charts import CompareCharts
from mpscope.gui.history.jobs import HistoryJobs
from mpscope.gui.history.run_data import compare_runs
from mpscope.gui.history.runs_model import outcome_names
from mpscope.gui.widgets.actions import make_action
from mpscope.gui.widgets.formatting import format_span
from mpscope.gui.workers.cells import WorkerCells


def _number(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{suffix}"


class CompareView(QWidget):
    """A table of metrics for runs A and B (a column each), and the verdict above it.

    Speedup is A's duration over B's: above 1, B was faster. Throughput is pool
    items per second when the runs had a pool, else the workers' progress units.

    Signals:
        loaded(): the comparison arrived (or failed: see `error`).
    """

    loaded = Signal()

    def __init__(self, jobs: HistoryJobs, a: int, b: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Run #{a} and run #{b} compared — mpscope").format(a=a, b=b))
        self.resize(900, 680)
        self.jobs, self.ids = jobs, (a, b)
        self.result: dict[str, Any] | None = None
        self.cells = WorkerCells(self)  # the states' names
        self.error: str | None = None
        self.verdict = QLabel(self.tr("Comparing run #{a} and run #{b}…").format(a=a, b=b),
                              wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.busy = QProgressBar(maximum=0, textVisible=False)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Run #{0}").format(a),
                                              self.tr("Run #{0}").format(b)])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.charts = CompareCharts(self)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.charts)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        # The figures stay readable above the charts: about eight rows at least.
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 9)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(self.busy)
        layout.addWidget(split, 1)
        make_action(self, self.tr("Close"), self.tr("Close the comparison"), self.close,
                    QKeySequence.StandardKey.Close)
        self._job = jobs.submit(lambda store: compare_runs(store, a, b), self._on_loaded,
                                self._on_failed)

    def _on_loaded(self, result: dict[str, Any]) -> None:
        self.result = result
        self.busy.hide()
        a, b = result["a"], result["b"]
        rows = self.rows(a, b)
        self.table.setRowCount(len(rows))
        self.table.setVerticalHeaderLabels([label for label, _ in rows])
        for row, (_label, values) in enumerate(rows):
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.verdict.setText(self.verdict_text(result))
        self.charts.set_result(self.ids, result)
        self.loaded.emit()

    def _on_failed(self, reason: str) -> None:
        self.error = reason
        self.busy.hide()
        self.verdict.setText(self.tr("These runs cannot be compared: {reason}").format(
            reason=reason))
        self.loaded.emit()

    def rows(self, a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, list[str]]]:
        """(label, [A's text, B's text]) for each metric, in reading order."""
        unit = self.tr("items/s") if a["items_per_s"] is not None or b["items_per_s"] is not None \
            else self.tr("progress units/s")
        metrics: list[tuple[str, Any]] = [
            (self.tr("Title"), lambda m: m["title"] or ""),
            (self.tr("Outcome"), lambda m: outcome_names().get(m.get("outcome") or "",
                                                               m["status"] or "")),
            (self.tr("Exit status"),
             lambda m: "—" if m["exit_code"] is None else str(m["exit_code"])),
            (self.tr("Duration"), lambda m: format_span(m["duration_s"])),
            (self.tr("Throughput ({unit})").format(unit=unit), self._throughput),
            (self.tr("Workers finished"), lambda m: f"{m['workers_finished']} / {m['workers']}"),
            (self.tr("Worker outcomes"), self._outcomes),
            (self.tr("Worker time, mean"), lambda m: format_span(m["worker_mean_s"])
             if m["worker_mean_s"] is not None else "—"),
            (self.tr("Worker time, longest"), lambda m: format_span(m["worker_max_s"])
             if m["worker_max_s"] is not None else "—"),
            (self.tr("Pool tasks"), lambda m: f"{m['pool_tasks']:,}"),
            (self.tr("Pool items done"), lambda m: f"{m['pool_items']:,}"),
            (self.tr("Mean CPU per core"), lambda m: _number(m["cpu_mean"], 0, " %")),
        ]
        return [(label, [show(a), show(b)]) for label, show in metrics]

    def _throughput(self, metrics: dict[str, Any]) -> str:
        shown = _number(metrics["throughput"], 2)
        if not _meaningful(metrics):
            return self.tr("{value} (only {n} items: not meaningful)").format(
                value=shown, n=metrics["pool_items"])
        return shown

    def _outcomes(self, metrics: dict[str, Any]) -> str:
        """`3 finished, 1 failed`: worker states counted, in the order of a worker's life."""
        counts = metrics.get("outcomes") or {}
        names = {state.value: name for state, name in self.cells.state_names.items()}
        order = list(names)
        ranked = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                        else len(order))
        return ", ".join(f"{n} {names.get(state, state)}" for state, n in ranked) or "—"

    def verdict_text(self, result: dict[str, Any]) -> str:
        """Which run was faster, by how much, and whether they ran the same configuration."""
        a, b = self.ids
        speedup = result["speedup"]
        if speedup is None:
            text = self.tr("No speedup: a run has no recorded duration.")
        elif speedup >= 1:
            text = self.tr("Run #{b} was <b>{x:.2f}× faster</b> than run #{a} "
                           "(speedup {x:.2f}).").format(a=a, b=b, x=speedup)
        else:
            text = self.tr("Run #{b} was <b>{x:.2f}× slower</b> than run #{a} "
                           "(speedup {s:.2f}).").format(a=a, b=b, x=1 / speedup, s=speedup)
        ratio = result["throughput_ratio"]
        if ratio is not None and _meaningful(result["a"]) and _meaningful(result["b"]):
            text += " " + self.tr("Throughput ratio B/A: {r:.2f} (run #{b}'s items or progress "
                                  "per second over run #{a}'s; above 1, B did more per "
                                  "second).").format(r=ratio, a=a, b=b)
        elif ratio is not None:
            text += " " + self.tr("No throughput ratio: too few pool items to time.")
        text += " " + (self.tr("Same configuration.") if result["same_config"] else self.tr(
            "<b>Different configurations</b>: compare with care."))
        return text

    def closeEvent(self, event: QCloseEvent) -> None:
        self.jobs.cancel(self._job)
        super().closeEvent(event)


MEANINGFUL_ITEMS = 20  # fewer pool items: start-up dominates, per-second figures mislead


def _meaningful(metrics: dict[str, Any]) -> bool:
    """A throughput worth comparing: no pool, or a pool that did enough items to time."""
    items = metrics.get("pool_items") or 0
    return not metrics.get("pool_tasks") or items >= MEANINGFUL_ITEMS
