"""Translations: the zh_CN catalogue is complete and current, and the window speaks it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from mpscope.gui import i18n

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def chinese(qapp):
    """The application in Simplified Chinese for one test, English again afterwards."""
    assert i18n.install_translator(qapp, "zh_CN") == "zh_CN"
    yield qapp
    assert i18n.install_translator(qapp, "en") == "en"


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_the_chinese_catalogue_is_complete_current_and_released():
    problems = load_script().problems()
    assert not problems, "python3 scripts/i18n.py check:\n" + "\n".join(problems)


def test_the_check_finds_unfinished_obsolete_and_mismatched_entries(tmp_path):
    script = load_script()
    ts = tmp_path / "broken.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CpuPanel</name>
    <message><source>Pause</source><translation type="unfinished"></translation></message>
    <message><source>Gone</source><translation type="vanished">没了</translation></message>
    <message><source>core {0}</source><translation>核心 {1}</translation></message>
    <message><source>&amp;Start</source><translation>开始</translation></message>
</context>
</TS>
""", encoding="utf-8")
    found = "\n".join(script.problems(ts, tmp_path / "missing.qm"))
    assert "unfinished: [CpuPanel] 'Pause'" in found
    assert "obsolete: [CpuPanel] 'Gone'" in found
    assert "placeholders differ: [CpuPanel] 'core {0}'" in found
    assert "mnemonic" in found
    assert "new in the code, not in the .ts" in found  # every other string of the window
    assert "missing.qm is missing" in found


def test_the_main_window_speaks_chinese(chinese, settings):
    from mpscope.gui.main_window import MainWindow

    window = MainWindow(settings=settings)
    try:
        assert window.actions_by_name["start"].text() == "开始(&S)"
        assert window.actions_by_name["kill_all"].text() == "全部强制结束(&K)"
        assert window.docks["pool"].windowTitle() == "进程池"
        assert window.cpu.pause_button.text() == "暂停"
        assert window.events.kinds_button.text() == "所有类型"
        assert window.pool.stream.describe  # the task stream is built in Chinese too
        # Qt's own strings come from Qt's catalogue (standard buttons).
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        window.close()
        window.deleteLater()


def test_state_names_are_translated_in_the_window_only(chinese):
    from mpscope.core.states import State

    assert State.RUNNING.value == "running"  # the core keeps its English values
    assert QCoreApplication.translate("TaskStreamPlot", "running") == "运行中"


def test_english_needs_no_catalogue_and_is_the_fallback(qapp):
    assert i18n.install_translator(qapp, "en") == "en"
    assert i18n.install_translator(qapp, "xx_YY") == "en"
    assert QCoreApplication.translate("CpuPanel", "Pause") == "Pause"


def test_the_system_language_picks_simplified_chinese_or_english():
    assert i18n.system_language(["zh-Hans-CN", "en-US"]) == "zh_CN"
    assert i18n.system_language(["zh-CN"]) == "zh_CN"
    assert i18n.system_language(["zh-TW", "en-US"]) == "en"  # not the wrong script
    assert i18n.system_language(["de-DE", "zh-CN"]) == "zh_CN"
    assert i18n.system_language(["fr-FR"]) == "en"


def test_the_language_menu_stores_the_choice_for_the_next_start(qtbot, settings):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    menu = i18n.language_menu(parent, settings)
    actions = menu.actions()
    assert [a.data() for a in actions] == ["system", "en", "zh_CN"]
    assert [a.text() for a in actions][1:] == ["English", "简体中文"]
    assert actions[0].isChecked()
    actions[2].trigger()
    assert settings.value("language") == "zh_CN" and actions[2].isChecked()
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert "next time" in box.text() and "下次启动" in box.text()  # in both languages
    box.close()
    assert i18n.chosen_language(settings) == "zh_CN"


def test_update_keeps_the_translation_of_a_string_that_moved_to_another_class(tmp_path):
    script = load_script()
    ts = tmp_path / "moved.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>OldPanel</name>
    <message><source>Freeze the charts; samples are still collected</source>
        <translation>冻结图表；仍会继续采样</translation></message>
</context>
</TS>
""", encoding="utf-8")
    todo = script.update(ts)
    messages = {m.key: m for m in script.read_ts(ts)}
    moved = messages[("CpuPanel", "Freeze the charts; samples are still collected", "")]
    assert moved.translation == "冻结图表；仍会继续采样" and moved.kind == ""
    assert not any(context == "OldPanel" for context, _source, _comment in messages)
    assert todo and all(m.kind == "unfinished" for m in todo)  # the rest is still to do
