"""QIcons from the monochrome SVGs in resources/icons, tinted to the palette or an accent colour."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from mpscope.assets import resource_path
from mpscope.core.engine.states import State
from mpscope.gui import theme

SIZES = (16, 20, 24, 32, 48, 64)
_PROPERTY = "mpscopeIcon"
_cache: dict[tuple[str, str], QIcon] = {}


def icon(name: str, color: QColor | str | None = None) -> QIcon:
    """The icon `name` ("kill", "start", …) drawn in `color` (default: the palette's text colour).

    The SVGs say `currentColor`, which Qt's SVG renderer does not know; we
    substitute a real colour so the icons follow light and dark palettes.
    """
    if color is None:
        color = QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    hex_color = QColor(color).name()
    key = (name, hex_color)
    if key not in _cache:
        _cache[key] = _render(name, hex_color)
    return _cache[key]


def app_icon() -> QIcon:
    """mpscope's own (coloured) icon, for the window and the task bar."""
    return icon("mpscope", "#000000")


def themed(target: QObject, name: str, accent: State | None = None) -> None:
    """Give an action or button the icon `name`, and remember it so `retint` can redo it."""
    target.setProperty(_PROPERTY, f"{name}:{accent or ''}")
    target.setIcon(icon(name, theme.state_color(accent) if accent else None))  # type: ignore[attr-defined]


def retint(root: QObject) -> None:
    """Redraw every `themed` icon under `root` for the current palette (light ↔ dark)."""
    _cache.clear()
    for obj in [root, *root.findChildren(QObject)]:
        spec = obj.property(_PROPERTY)
        if isinstance(spec, str) and spec:
            name, _, accent = spec.partition(":")
            themed(obj, name, State(accent) if accent else None)


def _render(name: str, hex_color: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    try:
        data = path.read_bytes().replace(b"currentColor", hex_color.encode())
    except OSError:
        return QIcon()  # a missing icon must not stop the app; the action still has its text
    renderer = QSvgRenderer(QByteArray(data))
    result = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(pixmap)
    return result
