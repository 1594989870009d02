"""Which run on the other machine: asks for its live runs (never waiting), then offers them."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mpscope.core.engine.states import State
from mpscope.core.follow.remote_list import RemoteListing
from mpscope.gui import theme
from mpscope.gui.i18n.language import translated

POLL_MS = 50  # how often the listing's output is read while it is being asked


class RemoteRunsDialog(QDialog):
    """The live runs of another machine, "Latest" first; `run_id` is the choice (None: latest).

    With exactly one live run there is nothing to choose: the dialog accepts it by itself.
    """

    def __init__(self, listing: RemoteListing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.listing = listing
        self.run_id: int | None = None
        self._chosen = False
        self.setWindowTitle(self.tr("Choose a run on {host}").format(host=listing.label))
        layout = QVBoxLayout(self)
        self.status = QLabel(_sentence(listing.message), self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # busy: no percentage to show
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        layout.addWidget(self.busy)
        self.table = QTreeWidget(self)
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("Run"), self.tr("Title"), self.tr("Started"),
                                    self.tr("Progress"), self.tr("Workers/tasks")])
        self.table.setToolTip(self.tr("Double-click or press Enter to follow the chosen run"))
        self.table.itemDoubleClicked.connect(lambda *_: self.accept())
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the title: the rest
        layout.addWidget(self.table)
        latest = QTreeWidgetItem([self.tr("Latest"), self.tr(
            "whichever run is newest when the window connects"), "", "", ""])
        latest.setData(0, Qt.ItemDataRole.UserRole, None)
        latest.setToolTip(1, self.tr("The newest live run there when the window connects, else "
                                     "the newest run (as mpscope follow --latest)"))
        self.table.addTopLevelItem(latest)
        self.table.setCurrentItem(latest)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        self.follow_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.follow_button.setText(self.tr("Follow"))
        self.follow_button.setDefault(True)  # Enter follows the chosen row
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 320)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._timer.start(POLL_MS)
        self.finished.connect(lambda _result: self._stop())
        self._poll()

    def _poll(self) -> None:
        if not self.listing.poll():
            return
        self._timer.stop()
        self.busy.hide()
        self.status.setText(_sentence(self.listing.message))
        if self.listing.state == "failed":  # Latest stays: an older mpscope there can follow
            self.status.setStyleSheet(f"color: {theme.state_color(State.FAILED).name()}")
        runs = self.listing.runs
        for run in runs:
            self.table.addTopLevelItem(self._row(run))
        only = self.table.topLevelItem(1) if len(runs) == 1 else None
        if only is not None and self.isVisible():  # nothing to choose
            self.table.setCurrentItem(only)
            self.accept()

    def _row(self, run: dict[str, Any]) -> QTreeWidgetItem:
        started = time.strftime("%Y-%m-%d %H:%M", time.localtime(run.get("started_at") or 0)) \
            if run.get("started_at") else ""
        done, total = run.get("done"), run.get("total")
        counts = f"{run.get('workers') or 0}/{run.get('tasks') or 0}"
        progress = "—" if done is None else f"{min(100.0, 100 * done / total):.0f} %" if total \
            else f"{done:,.0f}"
        item = QTreeWidgetItem([f"#{run['id']}", run.get("title") or "", started, progress,
                                counts])
        item.setData(0, Qt.ItemDataRole.UserRole, int(run["id"]))
        item.setToolTip(1, self.tr("Recorded by process {pid} on {host}").format(
            pid=run.get("pid"), host=run.get("host") or self.listing.label))
        return item

    def accept(self) -> None:
        item = self.table.currentItem()
        if item is None or self._chosen:
            return
        self._chosen = True
        self.run_id = item.data(0, Qt.ItemDataRole.UserRole)
        super().accept()

    def _stop(self) -> None:
        """Closed (chosen or cancelled): the question is no longer asked."""
        self._timer.stop()
        self.listing.cancel()


def _sentence(message: str) -> str:
    """The core's sentence, translated, as a heading: a capital first letter (unless it starts
    with a value, such as a host name)."""
    text = translated(message)
    if getattr(message, "template", "{").startswith("{"):
        return text
    return text[:1].upper() + text[1:]
