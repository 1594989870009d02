"""A lesson result's English words, in the interface's language (context "lessons").

The lesson scripts print English; their result line keeps each sentence as a
template with values, so the window translates the template and fills the
values in itself. `scripts/i18n.py update` lists every template the scripts
use in gui/i18n/lesson_texts.py for the translators.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from mpscope.core.lessons.results import Cell, Phrase

CONTEXT = "lessons"


def words(text: str, values: dict[str, Any] | None = None) -> str:
    """`text` (a template from a lesson script) translated, with `values` filled in.

    A translation whose placeholders do not fit the values gives the English:
    a result is never lost over a catalogue.
    """
    values = values or {}
    for template in (QCoreApplication.translate(CONTEXT, text), text):
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError, TypeError):
            continue
    return text


def cell_text(cell: Cell, column: str = "") -> str:
    """One table cell as shown: phrases translated, numbers grouped, yes/no as marks."""
    if isinstance(cell, Phrase):
        return words(cell.text, cell.values)
    if isinstance(cell, bool):
        return "✔" if cell else "✘"
    if isinstance(cell, int):
        plain = any(key in column.lower() for key in ("pid", "code"))
        return str(cell) if plain else f"{cell:,}"
    if isinstance(cell, float):
        return f"{cell:,.0f}" if abs(cell) >= 1000 else f"{cell:.3g}"
    return "" if cell is None else str(cell)
