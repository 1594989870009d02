"""Worker-state colours for light and dark palettes, a dark palette, presenter font scaling."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from mpscope.core.engine.states import State

THEMES = ("system", "light", "dark")
FONT_SCALE_RANGE = (0.8, 2.5)
FONT_SCALE_STEP = 0.15

# (on a light background, on a dark background). Hues stay the same across
# palettes so a class learns them once; dark variants are lighter for contrast.
_STATE_COLORS: dict[State, tuple[str, str]] = {
    State.PENDING: ("#6b7280", "#9ca3af"),
    State.STARTING: ("#0891b2", "#22d3ee"),
    State.RUNNING: ("#2563eb", "#60a5fa"),
    State.STOPPING: ("#d97706", "#fbbf24"),
    State.PAUSED: ("#64748b", "#94a3b8"),
    State.FINISHED: ("#15803d", "#4ade80"),
    State.FAILED: ("#dc2626", "#f87171"),
    State.STOPPED: ("#7c3aed", "#a78bfa"),
    State.TERMINATED: ("#c2410c", "#fb923c"),
    State.KILLED: ("#9f1239", "#fb7185"),
    State.LOST: ("#86198f", "#e879f9"),
}
POOL_ACCENT = ("#0f766e", "#2dd4bf")


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark (the system or our own dark palette)."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def state_color(state: State, palette: QPalette | None = None) -> QColor:
    """The state's colour, readable as text on the current background."""
    light, dark = _STATE_COLORS[state]
    return QColor(dark if is_dark(palette) else light)


def chip_text_color(palette: QPalette | None = None) -> QColor:
    """Text on a filled state chip: white on the saturated light-theme fills, near-black on dark."""
    return QColor("#111827") if is_dark(palette) else QColor("#ffffff")


def pool_color(palette: QPalette | None = None) -> QColor:
    return QColor(POOL_ACCENT[1] if is_dark(palette) else POOL_ACCENT[0])


def ended_color(palette: QPalette | None = None) -> QColor:
    """Text of a process that has ended: still readable, clearly not live."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def dark_palette() -> QPalette:
    """A calm dark palette for the Fusion style (operators at night, dim classrooms)."""
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        role.Window: "#1f2329", role.WindowText: "#e6e8eb", role.Base: "#16191d",
        role.AlternateBase: "#1c2025", role.ToolTipBase: "#2b3038", role.ToolTipText: "#e6e8eb",
        role.PlaceholderText: "#7d8590", role.Text: "#e6e8eb", role.Button: "#2a2f36",
        role.ButtonText: "#e6e8eb", role.BrightText: "#ff6b6b", role.Link: "#60a5fa",
        role.Highlight: "#2f6fdf", role.HighlightedText: "#ffffff", role.Mid: "#3a4048",
        role.Dark: "#111316", role.Light: "#3a4048", role.Midlight: "#30353c",
        role.Shadow: "#000000",
    }
    for r, value in colors.items():
        p.setColor(r, QColor(value))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#6b7280"))
    return p


def apply_theme(app: QApplication, name: str) -> None:
    """Follow the system palette, or force light or dark with Fusion (same look everywhere)."""
    global _system_style
    if _system_style is None:
        _system_style = app.style().name()
    if name in ("light", "dark"):
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())
    else:
        app.setStyle(_system_style)
        app.setPalette(QPalette())  # an empty palette hands control back to the platform theme


_system_style: str | None = None


class FontScaler:
    """Scales the application font for projection; widgets that use the default font follow."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._base = QFont(app.font())
        self.scale = 1.0

    def set_scale(self, scale: float) -> float:
        low, high = FONT_SCALE_RANGE
        self.scale = round(max(low, min(high, scale)), 2)
        font = QFont(self._base)
        size = self._base.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * self.scale)
        else:  # a pixel-sized base font (some platforms)
            font.setPixelSize(max(6, round(self._base.pixelSize() * self.scale)))
        self._app.setFont(font)
        return self.scale

    def bigger(self) -> float:
        return self.set_scale(self.scale + FONT_SCALE_STEP)

    def smaller(self) -> float:
        return self.set_scale(self.scale - FONT_SCALE_STEP)
