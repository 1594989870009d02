"""Translations: load the chosen language's .qm (and Qt's own) and offer the language menu.

The language is the QSettings value "language": "system" (the default: the
system's UI languages decide), "en" or "zh_CN". It is read once at start-up;
choosing another in View → Language takes effect after a restart.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from mpscope.assets import resource_path
from mpscope.core.engine.states import State
from mpscope.core.text import CONTEXT, Text

SETTING = "language"
SYSTEM = "system"
LANGUAGES = ("en", "zh_CN")  # English is the source language: it needs no .qm
# Each language in its own words, so a user can find theirs whatever is shown now.
NATIVE_NAMES = {"en": "English", "zh_CN": "简体中文"}

translate = QCoreApplication.translate
_installed: list[QTranslator] = []


def toolbar_text(text: str) -> str:
    """A menu text as a toolbar button shows it: "打开(&O)…" → "打开", "&Open…" → "Open".

    Qt drops a plain "&" and the ellipsis by itself, but leaves the bracketed
    mnemonic of CJK menus, "(O)", on toolbar buttons.
    """
    text = re.sub(r"\s*\(&\w\)", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.removesuffix("...").removesuffix("…").strip()


def system_language(ui_languages: list[str] | None = None) -> str:
    """The first of the system's UI languages that mpscope speaks, else English.

    Simplified Chinese covers zh-CN, zh-SG and zh-Hans-*; other Chinese locales
    (Traditional script) get English rather than the wrong script.
    """
    for name in QLocale.system().uiLanguages() if ui_languages is None else ui_languages:
        parts = name.replace("_", "-").split("-")
        if parts[0] == "en":
            return "en"
        if parts[0] == "zh" and ("Hans" in parts
                                 or ("Hant" not in parts and parts[-1] in ("zh", "CN", "SG"))):
            return "zh_CN"
    return "en"


def chosen_language(settings: QSettings | None = None) -> str:
    """The stored choice: "system", "en" or "zh_CN" (anything else counts as "system")."""
    value = str((settings or QSettings()).value(SETTING, SYSTEM))
    return value if value in LANGUAGES else SYSTEM


def install_translator(app: QCoreApplication, language: str | None = None) -> str:
    """Install the translations for `language` (None: the stored choice); returns the code used.

    Calling it again replaces the translators installed before. Qt's own
    strings (standard buttons, context menus) come from Qt's qtbase catalogue
    when it is installed with Qt.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    wanted = chosen_language() if language is None else language
    code = system_language() if wanted == SYSTEM else wanted
    if code not in LANGUAGES:
        code = "en"
    if code == "en":
        return code
    catalogues = [(f"mpscope_{code}", str(resource_path("translations"))),
                  (f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    for name, folder in catalogues:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
    return code


def language_menu(parent: QWidget, settings: QSettings | None = None) -> QMenu:
    """View → Language: System / English / 简体中文, stored in settings, used after a restart."""
    settings = settings or QSettings()
    menu = QMenu(translate("Language", "&Language"), parent)
    menu.setToolTipsVisible(True)
    group = QActionGroup(menu)
    current = chosen_language(settings)
    choices = [(SYSTEM, translate("Language", "Follow the system"))]
    choices += [(code, NATIVE_NAMES[code]) for code in LANGUAGES]
    for code, text in choices:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(code == current)
        action.setData(code)
        action.setToolTip(translate("Language", "Takes effect after a restart"))
        group.addAction(action)
    group.triggered.connect(lambda action: _choose(parent, settings, action.data()))
    return menu


RESTART_NOTE = str(QT_TRANSLATE_NOOP(  # marks it for lupdate; returns the text as it is
    "Language", "The new language is used the next time mpscope starts."))


def _choose(parent: QWidget, settings: QSettings, code: str) -> None:
    if code == chosen_language(settings):
        return
    settings.setValue(SETTING, code)
    settings.sync()
    # Said in the current language and, when it differs, in the chosen one too.
    texts = [translate("Language", RESTART_NOTE)]
    target = in_language(system_language() if code == SYSTEM else code, "Language", RESTART_NOTE)
    if target not in texts:
        texts.append(target)
    box = QMessageBox(QMessageBox.Icon.Information, translate("Language", "Language"),
                      "\n\n".join(texts), QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # not exec(): the menu's caller goes on


def in_language(code: str, context: str, text: str) -> str:
    """`text` translated into one language, whatever language is installed now."""
    translator = QTranslator()
    if code != "en" and translator.load(f"mpscope_{code}", str(resource_path("translations"))):
        return translator.translate(context, text) or text
    return text


# State names are translated where the workers table names them (WorkerCells.state_names).
STATE_CONTEXT = "WorkerCells"


def translated(text: Any) -> str:
    """A core sentence (Text) in the installed language; any other text as it is.

    The values are translated too when they are Text (or a State). A
    translation whose {placeholders} do not fit gives the English sentence:
    a view never raises over a catalogue.
    """
    if isinstance(text, State):
        return translate(STATE_CONTEXT, text.value)
    if not isinstance(text, Text) or not _installed:
        return "" if text is None else str(text)  # English needs no lookup
    template = translate(CONTEXT, text.template)
    values = {key: translated(value) if isinstance(value, Text | State) else value
              for key, value in text.values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError, TypeError):
        return str(text)
