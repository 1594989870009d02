"""A read-only Python code view: syntax colours, line numbers, monospace, a Copy button."""

from __future__ import annotations

import builtins
import keyword
import re

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from mpscope.gui import theme

KEYWORDS = frozenset(keyword.kwlist)
BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_")) - KEYWORDS
# (light background, dark background) per kind; chosen for contrast on a projector.
COLORS = {
    "keyword": ("#0033b3", "#569cd6"),
    "string": ("#067d17", "#ce9178"),
    "comment": ("#6e7781", "#7f9f7f"),
    "number": ("#1750eb", "#b5cea8"),
    "decorator": ("#9e6a03", "#dcdcaa"),
    "definition": ("#00627a", "#4fc1ff"),
    "builtin": ("#8250df", "#4ec9b0"),
}
TOKENS = re.compile(r"""
    (?P<comment>\#.*)
  | (?P<triple>(?<![\w'"])[rRbBuUfF]{0,2}(?:'''|\"\"\"))
  | (?P<string>(?<![\w'"])[rRbBuUfF]{0,2}(?:'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?))
  | (?P<decorator>^\s*@[\w.]+)
  | (?P<number>\b(?:0[xXoObB][0-9a-fA-F_]+|\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?j?)\b)
  | (?P<name>[A-Za-z_]\w*)
""", re.VERBOSE)
IN_SINGLE, IN_DOUBLE = 1, 2  # block states: inside a ''' or a """ string


class PythonHighlighter(QSyntaxHighlighter):
    """Colours keywords, strings (also triple-quoted over lines), comments, numbers, decorators."""

    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        """Use the colours for a dark (or light) background and highlight again."""
        self.formats = {}
        for kind, pair in COLORS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(pair[1] if dark else pair[0]))
            if kind in ("keyword", "definition"):
                fmt.setFontWeight(QFont.Weight.Bold)
            if kind == "comment":
                fmt.setFontItalic(True)
            self.formats[kind] = fmt
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        pos = self._continue_string(text)
        after_def = False
        while 0 <= pos < len(text) and (match := TOKENS.search(text, pos)):
            kind, start, pos = match.lastgroup or "", match.start(), match.end()
            if kind == "triple":
                quote = match.group()[-3:]
                close = text.find(quote, pos)
                if close < 0:  # the string goes on over the next lines
                    self.setFormat(start, len(text) - start, self.formats["string"])
                    self.setCurrentBlockState(IN_SINGLE if quote == "'''" else IN_DOUBLE)
                    return
                pos = close + 3
                kind = "string"
            elif kind == "name":
                word = match.group()
                kind = ("definition" if after_def else "keyword" if word in KEYWORDS
                        else "builtin" if word in BUILTINS else "")
                after_def = word in ("def", "class")
            if kind:
                self.setFormat(start, pos - start, self.formats[kind])

    def _continue_string(self, text: str) -> int:
        """Close a triple-quoted string begun on an earlier line: where to go on, -1 for nowhere."""
        self.setCurrentBlockState(0)
        state = self.previousBlockState()
        if state not in (IN_SINGLE, IN_DOUBLE):
            return 0
        close = text.find("'''" if state == IN_SINGLE else '"""')
        if close < 0:
            self.setFormat(0, len(text), self.formats["string"])
            self.setCurrentBlockState(state)
            return -1
        self.setFormat(0, close + 3, self.formats["string"])
        return close + 3


class _Gutter(QWidget):
    """The line-number margin of a CodeView's editor."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        digits = len(str(max(1, self.editor.blockCount())))
        return QSize(self.editor.fontMetrics().horizontalAdvance("9" * digits) + 16, 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        editor = self.editor
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.AlternateBase))
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(editor.font())
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        height = editor.fontMetrics().height()
        while block.isValid():
            top = round(editor.blockBoundingGeometry(block).translated(offset).top())
            if top > event.rect().bottom():
                break
            if block.isVisible():
                painter.drawText(0, top, self.width() - 8, height, Qt.AlignmentFlag.AlignRight,
                                 str(block.blockNumber() + 1))
            block = block.next()
        painter.end()


class _Editor(QPlainTextEdit):
    """A read-only plain-text editor with a line-number gutter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self._on_block_count_changed()

    def _on_block_count_changed(self, *_args: object) -> None:
        self.setViewportMargins(self.gutter.sizeHint().width(), 0, 0, 0)

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.gutter.setGeometry(area.left(), area.top(), self.gutter.sizeHint().width(),
                                area.height())


class CodeView(QWidget):
    """The exact code a lesson runs: highlighted, selectable, and copied whole by one button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = _Editor(self)
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.editor.document().setDocumentMargin(8)
        self.highlighter = PythonHighlighter(self.editor.document(), theme.is_dark(self.palette()))
        self.caption = QLabel(self.tr("The code this lesson runs"))
        self.copy_button = QToolButton()
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the whole code to the clipboard"))
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self._restore = QTimer(self, singleShot=True, interval=1500)
        self._restore.timeout.connect(lambda: self.copy_button.setText(self.tr("Copy")))
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.editor, 1)
        self._apply_font()

    def set_code(self, code: str) -> None:
        """Show `code` from its first line."""
        self.editor.setPlainText(code)
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)

    def code(self) -> str:
        return self.editor.toPlainText()

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.code())
        self.copy_button.setText(self.tr("Copied"))
        self._restore.start()

    def _apply_font(self) -> None:
        """A monospace font as large as the widget's (which follows the presenter's scaling)."""
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        base = self.font()
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF())
        elif base.pixelSize() > 0:
            font.setPixelSize(base.pixelSize())
        self.editor.setFont(font)
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        self.editor.gutter.setFont(font)
        self.editor._on_block_count_changed()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_font()
        elif event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_dark(theme.is_dark(self.palette()))
