"""QActions as the window and panels make them: icon, shortcut named in the tooltip, slot."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget

from mpscope.core.engine.states import State
from mpscope.gui.i18n.language import toolbar_text
from mpscope.gui.widgets.icons import themed

Key = str | QKeySequence | QKeySequence.StandardKey


def make_action(parent: QWidget, text: str, tip: str, slot: Callable[[], Any],
                key: Key | None = None, icon_name: str | None = None,
                accent: State | None = None,
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
    """An action on `parent` whose tooltip and status tip end with its shortcut: `Start (F5)`.

    `context` WidgetWithChildrenShortcut keeps a plain key (Del, Return) to the
    panel that has the focus, so typing elsewhere never triggers it.
    """
    action = QAction(text, parent)
    if "(&" in text:  # a CJK mnemonic, "开始(&S)": not on the toolbar button
        action.setIconText(toolbar_text(text))
    if icon_name:
        themed(action, icon_name, accent)
    if key is not None:
        if isinstance(key, QKeySequence.StandardKey):
            # Every binding of the platform: QKeySequence(Close) is only the first, Ctrl+F4,
            # and Ctrl+W did nothing.
            keys = [k for k in QKeySequence.keyBindings(key) if k.count()]
            action.setShortcuts(keys)
        else:
            action.setShortcut(QKeySequence(key))
        action.setShortcutContext(context)
        # The tooltip names the shortcut people type: Ctrl+W rather than Ctrl+F4.
        named = sorted(action.shortcuts(), key=lambda k: "F" in k.toString())
        if named:
            tip += f" ({named[0].toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)
    return action


def fill(target: QMenu | QToolBar, actions: dict[str, QAction],
         names: Sequence[str | None]) -> None:
    """Add the named actions in order; None is a separator."""
    for name in names:
        if name is None:
            target.addSeparator()
        else:
            target.addAction(actions[name])
