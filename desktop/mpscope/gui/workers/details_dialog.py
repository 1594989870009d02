"""A worker's details as a readable form: what it runs, how it went, its traceback and output."""

from __future__ import annotations

import unicodedata
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.core.engine.states import explain_exit
from mpscope.gui import theme
from mpscope.gui.i18n.language import translated
from mpscope.gui.widgets.formatting import format_duration, progress_text
from mpscope.gui.workers.cells import WorkerCells


class WorkerDetails(QDialog):
    """Label and value rows in sections, then the traceback and the captured output (if any).

    Non-modal; Esc or Close closes it; Copy puts every row and the traceback on the
    clipboard as text.
    """

    def __init__(self, record: WorkerRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Worker {name}").format(name=record.name))
        self.record = record
        self.cells = WorkerCells(self)
        form_widget = QWidget()
        form = self.form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for section, rows in self.sections(record):
            title = QLabel(f"<b>{section}</b>")
            form.addRow(title)
            for label, value in rows:
                shown = QLabel(str(value), wordWrap=True)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(label, shown)
        state = form.itemAt(1, QFormLayout.ItemRole.FieldRole)
        shown_state = state.widget() if state is not None else None
        if isinstance(shown_state, QLabel):
            shown_state.setStyleSheet(  # the state in its colour, as in the table
                f"color: {theme.state_color(record.state).name()}; font-weight: bold")
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(form_widget)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 3)
        self.traceback = self._text_pane(layout, self.tr("Traceback"),
                                         record.error.traceback if record.error else "")
        self.output = self._text_pane(layout, self.tr("Captured output"), _output(record))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip(self.tr("Copy every row and the traceback as text"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(660, 660 if record.error or _output(record) else 520)

    def _text_pane(self, layout: QVBoxLayout, title: str, text: str) -> QPlainTextEdit | None:
        if not text:
            return None
        pane = QPlainTextEdit(text.rstrip(), readOnly=True)
        pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if self.font().pointSizeF() > 0:
            fixed.setPointSizeF(self.font().pointSizeF())
        pane.setFont(fixed)
        layout.addWidget(QLabel(f"<b>{title}</b>"))
        layout.addWidget(pane, 2)
        return pane

    def sections(self, r: WorkerRecord) -> list[tuple[str, list[tuple[str, Any]]]]:
        """(section title, [(label, value)]) in reading order."""
        args = ", ".join(f"{k}={v!r}" for k, v in r.args.items())
        total = "?" if r.total is None else f"{r.total:g}"
        sent = "?" if r.sent is None else r.sent
        yes_no = {True: self.tr("yes"), False: self.tr("no")}
        return [
            (self.tr("How it went"), [
                (self.tr("State"), self.cells.state_names[r.state]),
                (self.tr("Detail"), translated(r.detail) or "—"),
                (self.tr("Exit"), translated(explain_exit(r.exitcode))
                 if r.exitcode is not None else "—"),
                (self.tr("Error"), str(r.error) if r.error else "—"),
                (self.tr("Elapsed"), format_duration(r.elapsed) if r.elapsed is not None
                 else "—"),
                (self.tr("Restarts"), r.restarts),
            ]),
            (self.tr("What it runs"), [
                (self.tr("Name"), r.name),
                (self.tr("Kind"), self.tr("pool process") if r.kind == "pool"
                 else self.tr("worker")),
                (self.tr("Group / index"), f"{r.group} / {r.index}"),
                (self.tr("Call"), f"{r.task}({args})"),
                (self.tr("PID"), r.pid or "—"),
                (self.tr("Daemon"), yes_no[bool(r.daemon)]),
            ]),
            (self.tr("Progress and result"), [
                (self.tr("Progress"), progress_text(r) or "—"),
                (self.tr("Done / total"), f"{r.done:g} / {total}"),
                (self.tr("Last message"), r.last_message or "—"),
                (self.tr("Result"), repr(r.result)[:2000]),
            ]),
            (self.tr("Resources and messages"), [
                (self.tr("CPU"), f"{r.cpu_percent:.0f}%"),
                (self.tr("CPU time"), f"{r.cpu_time:.1f} s" if r.cpu_time else "—"),
                (self.tr("Memory"), f"{r.rss / 2**20:,.1f} MiB"),
                (self.tr("Peak memory"), f"{r.peak_rss / 2**20:,.1f} MiB" if r.peak_rss
                 else "—"),
                (self.tr("Messages"), self.tr(
                    "{received} received, {sent} sent, {gaps} lost, {data} data").format(
                        received=r.received, sent=sent, gaps=r.seq_gaps, data=r.data_messages)),
            ]),
        ]

    def text(self) -> str:
        """The rows as aligned `label: value` lines, the traceback and output after them."""
        rows = [row for _section, section_rows in self.sections(self.record)
                for row in section_rows]
        # Chinese characters take two columns of a monospace font: pad by columns, not length.
        width = max(_columns(label) for label, _ in rows)
        lines = [f"{' ' * (width - _columns(label))}{label}: {value}" for label, value in rows]
        for pane in (self.traceback, self.output):
            if pane is not None:
                lines += ["", pane.toPlainText()]
        return "\n".join(lines)


def _output(record: WorkerRecord) -> str:
    """What the worker printed, where mpscope captured it (not every version records it)."""
    output = getattr(record, "output", None)
    if isinstance(output, list | tuple):
        output = "\n".join(map(str, output))
    return str(output) if output else ""


def _columns(text: str) -> int:
    """Columns `text` takes in a monospace font (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
