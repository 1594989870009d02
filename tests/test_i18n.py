"""Translations: the zh_CN catalogue is complete and current, and the window speaks it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from i18n_script import load_script
from mpscope.gui.i18n import language as i18n


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
    from mpscope.core.engine.states import State

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


SLEEPER = """
grace_seconds = 1.0
[[workers]]
task = "sleep_io"
name = "sleeper"
args = { seconds = 30.0, steps = 300 }
"""


def killed_run(qtbot):
    """A real run whose one worker is killed; returns its events panel (to be cleaned up)."""
    from mpscope.core import config as cfg
    from mpscope.core.engine.states import State
    from mpscope.gui.bridge import RunBridge
    from mpscope.gui.events.panel import EventsPanel

    bridge = RunBridge(sample_ms=3_600_000)
    panel = EventsPanel(bridge)
    bridge.set_config(cfg.loads(SLEEPER))
    bridge.start()
    qtbot.waitUntil(lambda: any(r.state is State.RUNNING for r in bridge.records),
                    timeout=30_000)
    with qtbot.waitSignal(bridge.run_finished, timeout=30_000):
        bridge.kill_all()
    return panel


def close_panel(panel) -> None:
    panel.cleanup()
    panel._bridge.shutdown()
    panel.close()
    panel.deleteLater()


def shown_rows(panel) -> list[str]:
    model = panel.model
    return [model.data(model.index(row, 3)) for row in range(model.rowCount())]


def test_a_killed_workers_events_are_in_chinese(chinese, qtbot):
    from mpscope.gui.workers.cells import Column, WorkerCells

    panel = killed_run(qtbot)
    try:
        rows = shown_rows(panel)
        assert any(row.startswith("正在启动（pid ") for row in rows), rows
        assert "正在停止 — 已发送 SIGKILL" in rows, rows
        assert "已强制结束 — 已按请求强制结束；信号 SIGKILL（被强制结束）" in rows, rows
        model = panel.model
        row = rows.index("已强制结束 — 已按请求强制结束；信号 SIGKILL（被强制结束）")
        # Select through the selection model: selectRow() follows the keyboard modifiers an
        # earlier test's key clicks left behind (Shift+P), and may select nothing.
        panel.table.selectionModel().select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        record = panel._bridge.records[0]
        assert panel.detail.toPlainText() == f"{record.name}：" + rows[row]
        english = model.event_at(row).text
        assert english == f"{record.name}: killed — killed on request; signal SIGKILL (Killed)"
        # The workers table says how it ended in Chinese too (state and exit tooltips).
        cells = WorkerCells()
        assert cells.tooltip(record, Column.STATE, planned=False, locked=True) == (
            "已按请求强制结束；信号 SIGKILL（被强制结束）")
        assert cells.tooltip(record, Column.EXIT, planned=False, locked=True) == (
            "信号 SIGKILL（被强制结束）")
        panel.search.setText("信号 SIGKILL")  # found by what the row shows
        panel._search_timer.timeout.emit()
        assert panel.model.rowCount() == 1
    finally:
        close_panel(panel)


def test_the_same_run_stays_english_in_the_english_ui(qapp, qtbot):
    assert i18n.install_translator(qapp, "en") == "en"
    panel = killed_run(qtbot)
    try:
        rows = shown_rows(panel)
        assert "killed — killed on request; signal SIGKILL (Killed)" in rows, rows
        assert "stopping — SIGKILL sent" in rows, rows
    finally:
        close_panel(panel)


def test_a_translation_that_does_not_fit_falls_back_to_english(chinese, monkeypatch):
    from mpscope.core.engine.states import State
    from mpscope.core.text import Text

    text = Text("{name}: {state} — {text}", name="w", state=State.KILLED,
                text=Text("killed on request"))
    assert i18n.translated(text) == "w：已强制结束 — 已按请求强制结束"
    assert i18n.translated("user text {x}") == "user text {x}" and i18n.translated(None) == ""
    lost = Text("{task} lost: pool process pid {pid} {who} ({how}); {again}",
                task=Text("task {task} (item {item})", task=3, item=12), pid=7,
                who=Text("died"), how=Text("exit code {code}", code=3),
                again=Text("it will be retried once"))
    assert i18n.translated(lost) == (
        "任务 3（数据项 12）丢失：进程池进程 pid 7 意外退出（退出码 3）；将重试一次")
    monkeypatch.setattr(i18n, "translate", lambda _context, _source: "{nom} broken {")
    assert i18n.translated(text) == "w: killed — killed on request"


def test_the_check_fails_on_english_left_and_on_words_the_terminology_forbids():
    script = load_script()
    message = script.Message

    def problems(translation: str) -> list[str]:
        return script.wording_problems([message("x", "source", "", translation, "", "")])

    assert problems("用 `Pool.map()` 在 {n} 个 CPU 上运行 imap") == []  # code and API names stay
    assert "worker" in "\n".join(problems("把 worker 停下"))
    assert "'杀死'" in "\n".join(problems("把进程杀死"))
    assert "个运行" in "\n".join(problems("已记录 {count} 个运行"))  # any placeholder
    assert "慢 {x:.2f} 倍" in "\n".join(problems("运行 #{b} 比运行 #{a} 慢 {x:.2f} 倍"))
    assert problems("程序会终止一个运行太久的进程") == []  # "个运行" only as a count


def test_the_check_fails_on_a_lesson_text_that_cannot_be_translated(tmp_path, monkeypatch):
    script = load_script()
    lesson = tmp_path / "99_x.py"
    lesson.write_text('def main():\n    say("fine {n}", n=1)\n    say(f"built {1}")\n'
                      '    table("title", ["a", name], [])\n', encoding="utf-8")
    monkeypatch.setattr(script, "LESSON_SCRIPTS", tmp_path)
    texts, found = script.lesson_texts()
    assert [text for text, _ in texts] == ["fine {n}", "title", "a"]
    assert len(found) == 2 and all("not a string literal" in line for line in found)
