"""The Stack dialog: every thread's Python stack of one process, asked without stopping it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.run_state import Event, WorkerRecord
from mpscope.gui.bridge import RunBridge
from mpscope.gui.i18n.language import translated


class StackDialog(QDialog):
    """Asks the bridge for a process's stacks and shows the dump when its `stack` event arrives.

    Non-modal and copyable; "Ask again" takes a fresh one. The request only
    sends a signal: the dump is collected by the run's own poll, so the GUI
    thread never waits for the process.
    """

    def __init__(self, bridge: RunBridge, record: WorkerRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.record = record
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("stackDialog")
        self.setWindowTitle(self.tr("Python stack — {name}").format(name=record.name))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText(self.tr(
            "Every thread's stack, most recent call first, appears here within a second."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.again = QPushButton(self.tr("Ask &again"), self)
        self.again.setToolTip(self.tr("Take a fresh stack of the same process (F5)"))
        self.again.setShortcut(QKeySequence("F5"))
        self.copy = QPushButton(self.tr("&Copy"), self)
        self.copy.setToolTip(self.tr("Copy the whole stack to the clipboard"))
        buttons.addButton(self.again, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.again.clicked.connect(self.ask)
        self.copy.clicked.connect(self.copy_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(760, 520)
        bridge.events_arrived.connect(self._on_events)
        self._listening = True
        self.ask()

    def ask(self) -> None:
        """Send the request; the answer (or why there is none) shows in the status line."""
        reason = self.bridge.request_stack(self.record.wid)
        if reason is None:
            self.status.setText(self.tr("Asking {name} (pid {pid}) for its Python stack…").format(
                name=self.record.name, pid=self.record.pid))
            self.again.setEnabled(False)
        else:
            self.status.setText(translated(reason))
            self.again.setEnabled(self.record.state.is_alive)

    def copy_text(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(f"{self.status.text()}\n\n{self.text.toPlainText()}")

    def _on_events(self, events: list[Event]) -> None:
        for event in events:
            if event.kind == "stack" and event.wid == self.record.wid:
                self.status.setText(translated(event.text))
                if event.detail:
                    self.text.setPlainText(self._named(event.detail))
                self.again.setEnabled(self.record.state.is_alive)

    def _named(self, dump: str) -> str:
        """The dump with mpscope's own threads named in the window's language."""
        names = {"mpscope's orphan watchdog": self.tr("mpscope's orphan watchdog"),
                 "mpscope's reporter": self.tr("mpscope's reporter"),
                 "mpscope's memory meter": self.tr("mpscope's memory meter")}
        for english, shown in names.items():
            dump = dump.replace(f" — {english}:", f" — {shown}:")
        return dump

    def done(self, result: int) -> None:
        self._disconnect()
        super().done(result)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._disconnect()
        super().closeEvent(event)

    def _disconnect(self) -> None:
        if self._listening:  # once: disconnecting twice warns
            self._listening = False
            self.bridge.events_arrived.disconnect(self._on_events)
