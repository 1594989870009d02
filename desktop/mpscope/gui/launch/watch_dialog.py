"""File → Watch a program…: a command line, its working directory and environment additions."""

from __future__ import annotations

import os
import shlex

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from mpscope.core.config.sizes import parse_size

KEYS = ("watch/command", "watch/cwd", "watch/env", "watch/memory_limit")


class WatchDialog(QDialog):
    """Asks what to watch; remembers the last answer in QSettings."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Watch a program"))
        self.command = QLineEdit(str(settings.value(KEYS[0], "") or ""))
        self.command.setPlaceholderText(self.tr("python script.py --its-arguments"))
        self.command.setToolTip(self.tr(
            "The command line, as in a terminal. Python programs run unchanged; their pools'"
            " tasks are tracked. Any other command is watched as processes only."))
        self.cwd = QLineEdit(str(settings.value(KEYS[1], "") or os.getcwd()))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder = QHBoxLayout()
        folder.addWidget(self.cwd, 1)
        folder.addWidget(browse)
        self.env = QPlainTextEdit(str(settings.value(KEYS[2], "") or ""))
        self.env.setPlaceholderText(self.tr("NAME=value, one per line"))
        self.env.setToolTip(self.tr("Added to mpscope's own environment for this program"))
        self.env.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.limit = QLineEdit(str(settings.value(KEYS[3], "") or ""))
        self.limit.setPlaceholderText(self.tr("none (e.g. 2 GiB)"))
        self.limit.setToolTip(self.tr(
            "Resident memory allowed to each process of the program. At 80 % a warning; over "
            "it the process is stopped (SIGINT), then terminated, then killed, with the reason."))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Watch"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Command:"), self.command)
        form.addRow(self.tr("Working directory:"), folder)
        form.addRow(self.tr("Environment:"), self.env)
        form.addRow(self.tr("Memory limit:"), self.limit)
        form.addRow(self.problem)
        form.addRow(buttons)
        self.setMinimumWidth(520)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Working directory"),
                                                  self.cwd.text())
        if folder:
            self.cwd.setText(folder)

    def argv(self) -> list[str]:
        return shlex.split(self.command.text())

    def environment(self) -> dict[str, str]:
        pairs = {}
        for line in self.env.toPlainText().splitlines():
            name, sep, value = line.partition("=")
            if sep and name.strip():
                pairs[name.strip()] = value
        return pairs

    def memory_limit(self) -> int | None:
        """Bytes per process, None for no limit (checked by the dialog before it accepts)."""
        text = self.limit.text().strip()
        return parse_size(text) if text else None

    def _accept(self) -> None:
        try:
            argv = self.argv()
        except ValueError as error:  # an unclosed quote
            self.problem.setText(self.tr("The command line cannot be read: {0}").format(error))
            return
        if not argv:
            self.problem.setText(self.tr("Type the command to watch, e.g. python script.py"))
            return
        if not os.path.isdir(self.cwd.text() or "."):
            self.problem.setText(self.tr("No such folder: {0}").format(self.cwd.text()))
            return
        bad = [line for line in self.env.toPlainText().splitlines()
               if line.strip() and "=" not in line]
        if bad:
            self.problem.setText(self.tr("Not NAME=value: {0}").format(bad[0]))
            return
        try:
            self.memory_limit()
        except ValueError:
            self.problem.setText(self.tr(
                "Memory limit: “{0}” is not a size such as 2 GiB or 512 MiB (at least 32 MiB)"
            ).format(self.limit.text().strip()))
            return
        for key, value in zip(KEYS, (self.command.text(), self.cwd.text(),
                                     self.env.toPlainText(), self.limit.text()), strict=True):
            self.settings.setValue(key, value)
        self.accept()
