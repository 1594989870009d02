"""The window's status bar: processes by state, messages per second, mpscope's own cost."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.workers.model import WorkersModel

MESSAGE_MS = 8000


class RunStatusBar(QStatusBar):
    """Passing messages on the left; permanent counts, message rate and own CPU/RSS on the right.

    The counts follow the workers table: the plan before a run, the run's records after.
    """

    def __init__(self, bridge: RunBridge, model: WorkersModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._model = model
        self.counts_label = QLabel()
        self.counts_label.setToolTip(self.tr("Workers and pool processes by state"))
        self.rate_label = QLabel()
        self.rate_label.setToolTip(self.tr("Messages received from workers per second"))
        self.own_label = QLabel()
        self.own_label.setToolTip(self.tr("mpscope's own CPU use and memory (RSS)"))
        # Permanent widgets: a passing message (left) must never hide the counts.
        for label in (self.counts_label, self.rate_label, self.own_label):
            label.setContentsMargins(6, 0, 6, 0)
            # Opaque: a figure that changes each second repaints its label only, not the
            # status bar and the window behind it (an idle window's few paints a second).
            label.setAutoFillBackground(True)
            self.addPermanentWidget(label)
        self._fit_labels()
        bridge.refreshed.connect(self.update_counts)
        bridge.sampled.connect(self._on_sampled)

    def _fit_labels(self) -> None:
        """Room for the longest figures: a squeezed label read "18 msg/" and "141 Mi"."""
        samples = ((self.rate_label, self.tr("{rate:,.0f} msg/s").format(rate=88_888)),
                   (self.own_label, self.tr("mpscope: CPU {cpu:.0f}% · {rss:,.0f} MiB").format(
                       cpu=188, rss=8_888)))
        for label, sample in samples:
            # A fixed size: a new figure then repaints the label alone. (A label that may
            # grow asks for a new layout at each text, and the status bar and the window's
            # dock separators repaint whole: an idle window's most frequent paints.)
            label.setFixedSize(label.fontMetrics().horizontalAdvance(sample) + 14,
                               label.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_labels()  # presenter mode, Ctrl+=: the figures grow with the text

    def show_message(self, text: str) -> None:
        """A passing message (it goes after a few seconds)."""
        self.showMessage(text, MESSAGE_MS)

    def update_counts(self) -> None:
        """`● 3 running  ● 1 failed`, each dot in its state's colour; or the planned count."""
        records = self._bridge.records if not self._model.showing_plan else []
        if not records:
            planned = self._model.rowCount()
            self.counts_label.setText(self.tr("{n} worker(s) planned").format(n=planned))
            return
        counts = Counter(r.state for r in records)
        parts = []
        for state in State:
            if counts[state]:
                color = theme.state_color(state).name()
                parts.append(f'<span style="color:{color}">●</span> {counts[state]} '
                             f"{self._model.state_name(state)}")
        self.counts_label.setText("&nbsp;&nbsp;".join(parts))

    def _on_sampled(self, _sample: Any) -> None:
        own = self._bridge.last_sample
        self.rate_label.setText(self.tr("{rate:,.0f} msg/s").format(
            rate=self._bridge.messages_per_second))
        if own is not None:
            self.own_label.setText(self.tr("mpscope: CPU {cpu:.0f}% · {rss:,.0f} MiB").format(
                cpu=own.own_cpu, rss=own.own_rss / 2**20))

    def cleanup(self) -> None:
        """Stop listening to the bridge (the window is closing)."""
        self._bridge.refreshed.disconnect(self.update_counts)
        self._bridge.sampled.disconnect(self._on_sampled)
