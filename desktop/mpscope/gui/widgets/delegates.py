"""Table cells painted as a coloured chip (a state, a run status) or as a progress bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from mpscope.core.engine.run_state import WorkerRecord
from mpscope.gui import theme
from mpscope.gui.workers.cells import RECORD_ROLE

Index = QModelIndex | QPersistentModelIndex
ChipColor = Callable[[Index, QPalette], QColor | None]


class ChipDelegate(QStyledItemDelegate):
    """Paints the cell's text on a rounded chip; `color(index, palette)` picks the fill.

    A cell whose colour is None is drawn as plain text.
    """

    def __init__(self, color: ChipColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._color = color

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        fill = self._color(index, option.palette)
        if fill is None:
            super().paint(painter, option, index)
            return
        opt, text = _background(self, painter, option, index)
        metrics = opt.fontMetrics
        height = metrics.height() + 4
        width = min(metrics.horizontalAdvance(text) + 16, opt.rect.width() - 8)
        chip = QRect(opt.rect.left() + 4, opt.rect.center().y() - height // 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(theme.chip_text_color(opt.palette))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class StateDelegate(ChipDelegate):
    """A worker's state as a chip in the state's colour (the row's WorkerRecord decides)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_record_state_color, parent)


def _record_state_color(index: Index, palette: QPalette) -> QColor:
    record: WorkerRecord = index.data(RECORD_ROLE)
    return theme.state_color(record.state, palette)


class ProgressDelegate(QStyledItemDelegate):
    """Paints a progress bar in the state's colour with `42% · 1.2k/s · ETA 0:12` over it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt, text = _background(self, painter, option, index)
        record: WorkerRecord = index.data(RECORD_ROLE)
        bar = opt.rect.adjusted(4, 3, -4, -3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QColor(opt.palette.color(opt.palette.ColorRole.Mid))
        track.setAlpha(70)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        fraction = record.fraction
        if fraction:
            fill = theme.state_color(record.state, opt.palette)
            fill.setAlpha(110)
            painter.setBrush(fill)
            done = bar.adjusted(0, 0, -round(bar.width() * (1 - fraction)), 0)
            painter.drawRoundedRect(done, 3, 3)
        painter.setPen(opt.palette.color(opt.palette.ColorRole.Text))
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


def _background(delegate: QStyledItemDelegate, painter: QPainter, option: QStyleOptionViewItem,
                index: Index) -> tuple[QStyleOptionViewItem, str]:
    """Draw the cell's background (selection, alternating rows) and hand back its text."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    text, opt.text = opt.text, ""
    style = opt.widget.style() if opt.widget else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
    return opt, text


class ReadableCheckDelegate(QStyledItemDelegate):
    """A check box drawn as enabled even when the cell cannot change (a lock beside it says so).

    Qt draws a disabled check box in the disabled text colour: in a dark palette
    it all but vanishes, and whether a worker is a daemon is what the cell is for.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        readable = QStyleOptionViewItem(option)
        self.initStyleOption(readable, index)
        readable.state |= QStyle.StateFlag.State_Enabled
        readable.palette.setCurrentColorGroup(QPalette.ColorGroup.Active)
        super().paint(painter, readable, index)
        if not readable.features & QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator:
            return
        # Fusion outlines the box in a shade of the window colour: invisible on a dark
        # base. An outline in the text colour, half strong, reads on both palettes.
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, readable,
                                   widget)
        outline = QColor(option.palette.color(QPalette.ColorRole.Text))
        outline.setAlpha(190)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        side = min(box.width(), box.height()) - 2
        square = QRect(0, 0, side, side)
        square.moveCenter(box.center())
        painter.drawRoundedRect(square, 2, 2)
        painter.restore()
