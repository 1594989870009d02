"""The two questions before following: which live run on this machine, which SSH destination."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.follow.live import live_runs
from mpscope.core.follow.remote import ssh_runner

__all__ = ["LiveRunsDialog", "RemoteDialog", "live_runs"]  # live_runs: the one listing


class LiveRunsDialog(QDialog):
    """Lists this machine's running runs; `run_id` is the chosen one after exec()."""

    def __init__(self, runs: list[dict[str, Any]] | None = None,
                 parent: QWidget | None = None) -> None:
        """`runs`: None while they are being read (set_runs fills the list)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open a live run"))
        self.run_id: int | None = None
        layout = QVBoxLayout(self)
        note = QLabel(self.tr(
            "Runs being recorded on this machine right now (by mpscope run, mpscope watch or "
            "another window). The window shows the chosen one live and controls it through "
            "its control socket; closing the window leaves the run running."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTreeWidget(self)
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("Run"), self.tr("Title"), self.tr("Started"),
                                    self.tr("Process"), self.tr("Workers")])
        self.table.itemDoubleClicked.connect(lambda *_: self.accept())
        layout.addWidget(self.table)
        self.status = QLabel(self.tr("Looking for live runs…"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        self.follow_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.follow_button.setText(self.tr("Follow"))
        self.follow_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 320)
        if runs is not None:
            self.set_runs(runs)

    def set_runs(self, runs: list[dict[str, Any]]) -> None:
        """Show the runs found (read on another thread: the history may be busy or slow)."""
        self.table.clear()
        for run in runs:
            started = time.strftime("%H:%M:%S", time.localtime(run["started_at"] or 0))
            item = QTreeWidgetItem([f"#{run['id']}", run["title"] or "", started,
                                    str(run["pid"]), str(run["workers"])])
            item.setData(0, Qt.ItemDataRole.UserRole, run["id"])
            self.table.addTopLevelItem(item)
        for column in range(5):
            self.table.resizeColumnToContents(column)
        self.status.setText("" if runs else self.tr(
            "No run is being recorded on this machine now. Start one in a terminal with: "
            "{command}").format(command="mpscope run CONFIG.toml"))
        self.status.setVisible(not runs)
        self.follow_button.setEnabled(bool(runs))
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)

    def accept(self) -> None:
        item = self.table.currentItem()
        if item is None:
            return
        self.run_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        super().accept()


class RemoteDialog(QDialog):
    """Asks for an SSH destination (and how mpscope runs there); checks it before accepting."""

    def __init__(self, parent: QWidget | None = None, destination: str = "",
                 command: str = "mpscope") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Watch a run on another machine"))
        layout = QVBoxLayout(self)
        note = QLabel(self.tr(
            "mpscope runs {command} with your own SSH configuration, keys and agent (no password "
            "prompt), lists the runs live there to choose from, and follows the chosen one. No "
            "port is opened anywhere; closing the window leaves the run running.").format(
                command="ssh -T -o BatchMode=yes DESTINATION mpscope follow --list --jsonl"))
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.destination = QLineEdit(destination, self)
        self.destination.setPlaceholderText(self.tr("user@host"))
        self.destination.setToolTip(self.tr("An SSH destination: user@host, or a Host from "
                                            "~/.ssh/config"))
        self.command = QLineEdit(command, self)
        self.command.setToolTip(self.tr("How to run mpscope over there, e.g. "
                                        "~/venv/bin/python -m mpscope"))
        form.addRow(self.tr("SSH destination:"), self.destination)
        form.addRow(self.tr("mpscope command there:"), self.command)
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Watch"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumSize(560, 240)  # the wrapped note needs its height at this width

    def accept(self) -> None:
        try:
            ssh_runner(self.destination.text().strip())
        except ValueError:
            self.problem.setText(self.tr("“{text}” is not an SSH destination (user@host or a "
                                         "host name)").format(text=self.destination.text()))
            return
        if not self.command.text().strip():
            self.problem.setText(self.tr("Say how to run mpscope over there (mpscope)."))
            return
        super().accept()
