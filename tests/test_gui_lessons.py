"""The Lessons panel: it opens with content, shows the script that runs, saves it, runs it."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

from mpscope.core import config as cfg
from mpscope.core import lessons
from mpscope.core.lessons import results
from mpscope.gui.i18n import language as i18n
from mpscope.gui.lessons.panel import LessonsPanel, split_text
from mpscope.gui.lessons.results import ResultsView, share_widths
from mpscope.gui.lessons.wording import cell_text, words
from mpscope.gui.main_window import MainWindow
from mpscope.gui.widgets.code_view import CodeView

WAIT_MS = 120_000
LESSONS = lessons.lessons()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def panel(show_panel):
    made = show_panel(LessonsPanel, 1100, 800, record_history=False)
    made.set_language("en")
    return made


@pytest.fixture
def chinese(qapp):
    """The application in Simplified Chinese for one test, English again afterwards."""
    assert i18n.install_translator(qapp, "zh_CN") == "zh_CN"
    yield qapp
    assert i18n.install_translator(qapp, "en") == "en"


def run_lesson(panel: LessonsPanel, qtbot, lesson_id: str) -> None:
    panel.select(lesson_id)
    with qtbot.waitSignal(panel._bridge.run_finished, timeout=WAIT_MS):
        panel.run_lesson()
        assert not panel.run_button.isEnabled()
        assert panel.status_label.text().startswith(("Running…", "运行中…"))
    assert panel.run_button.isEnabled()


# -- opening, texts and code ------------------------------------------------------


def test_the_panel_opens_on_the_first_lesson_with_its_content(show_panel):
    """The blank-on-open bug: lesson 1 was highlighted but its text and code stayed empty."""
    panel = show_panel(LessonsPanel, 1366, 768, record_history=False)
    assert panel.lesson_list.currentRow() == 0 and panel.lesson.id == "process_basics"
    assert "Process.start()" in panel.explanation.toPlainText()
    assert panel.code_view.code() == lessons.code(panel.lesson)
    assert panel.notice_label.text().strip()
    assert "Process basics" in panel.title_label.text()


def test_the_list_shows_every_lesson_with_its_full_title(panel):
    items = [panel.lesson_list.item(i).text() for i in range(panel.lesson_list.count())]
    assert len(items) == len(LESSONS) == 17
    assert items[0] == "1. Process basics"
    assert items[11] == "12. Pool sizing for I/O-bound work"
    for row in range(panel.lesson_list.count()):  # each title on screen whole, not elided
        rect = panel.lesson_list.visualItemRect(panel.lesson_list.item(row))
        assert rect.height() > 0 and panel.lesson_list.viewport().rect().contains(rect), row


def test_docked_narrow_the_panel_uses_tabs_and_the_list_keeps_whole_titles(show_panel, qtbot):
    """Docked beside the workers table at 1366×768 the panel is ~400 px wide."""
    panel = show_panel(LessonsPanel, 400, 660, record_history=False)
    panel.set_language("zh_CN")
    assert panel.narrow and panel.body.currentWidget() is panel.tabs
    assert [panel.tabs.tabText(i) for i in range(3)] == ["Lesson", "Code", "Results"]
    view = panel.lesson_list

    def all_titles_shown() -> bool:
        rects = [view.visualItemRect(view.item(row)) for row in range(view.count())]
        return all(view.viewport().rect().contains(rect) for rect in rects)

    qtbot.waitUntil(all_titles_shown, timeout=5000)
    assert panel.explanation.height() > 200  # and the text below still has room
    panel.resize(1200, 700)
    qtbot.waitUntil(lambda: not panel.narrow)
    assert panel.body.currentWidget() is panel.splitter and panel.tabs.count() == 0
    assert panel.code_view.parent() is not None and panel.code_view.isVisible()


def test_the_code_view_shows_exactly_the_file_that_runs(panel):
    for lesson in LESSONS:
        panel.select(lesson.id)
        assert panel.code_view.code() == lesson.script.read_text(encoding="utf-8")
        assert "mpscope" not in panel.code_view.code()


def test_save_as_writes_the_script_byte_for_byte(panel, tmp_path, qtbot):
    panel.select("chunksize")
    target = tmp_path / "homework.py"
    with qtbot.waitSignal(panel.message) as said:
        assert panel.save_script(str(target))
    assert target.read_bytes() == lessons.get("chunksize").script.read_bytes()
    assert "python homework.py" in said.args[0]
    with qtbot.waitSignal(panel.message) as said:
        assert not panel.save_script(str(tmp_path / "no-such-folder" / "x.py"))
    assert said.args[0].startswith("Cannot save")


def test_chinese_titles_and_texts(panel):
    panel.select("gil")
    panel.set_language("zh_CN")
    assert panel.lesson_list.item(0).text().startswith("第 1 课")
    assert panel.lesson_list.item(11).text() == "第 12 课：I/O 密集型任务的进程池大小"
    assert panel.lesson_list.item(16).text().startswith("第 17 课")
    assert panel.lesson_list.currentRow() == 1  # the same lesson stays selected
    assert "第 2 课" in panel.title_label.text()
    assert "核心概念" in panel.explanation.toPlainText()
    assert "注意什么" in panel.notice_heading.text()
    panel.set_language("en")
    assert panel.lesson_list.item(0).text() == "1. Process basics"


def test_split_text_takes_out_title_and_notice_section():
    title, body, heading, notice = split_text(lessons.text("daemons"))
    assert title == "8. Daemon processes"
    assert heading == "What to notice" and notice.startswith("- ")
    assert "## The idea" in body and "## Question for students" in body
    assert "What to notice" not in body and "8. Daemon" not in body


def test_code_view_highlights_python_and_copies_it_whole(qtbot):
    view = CodeView()
    qtbot.addWidget(view)
    code = ('@cache\ndef f(x: int = 10) -> str:\n    """Doc\n    string."""\n'
            '    return "a" + str(x)  # note\n')
    view.set_code(code)
    doc = view.editor.document()
    view.highlighter.rehighlight()

    def colour_at(line: int, column: int) -> str:
        block = doc.findBlockByNumber(line)
        for fmt in block.layout().formats():
            if fmt.start <= column < fmt.start + fmt.length:
                return fmt.format.foreground().color().name()
        return ""

    colours = view.highlighter.formats
    assert colour_at(0, 1) == colours["decorator"].foreground().color().name()
    assert colour_at(1, 0) == colours["keyword"].foreground().color().name()
    assert colour_at(3, 4) == colours["string"].foreground().color().name()  # docstring, line 2
    assert colour_at(4, 30) == colours["comment"].foreground().color().name()
    assert view.editor.isReadOnly()
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == code


# -- real runs through the panel ------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_runs_through_the_window_and_fills_its_table(panel, qtbot, lesson):
    run_lesson(panel, qtbot, lesson.id)
    view = panel.results
    assert view.tables, panel.results.findChildren(type(panel.title_label))[0].text()
    for table in view.tables:
        assert table.rowCount() > 0 and table.columnCount() > 0
        assert all(table.item(r, 0) is not None and table.item(r, 0).text()
                   for r in range(table.rowCount()))
    assert view.findings and "What it found" in view.findings[0].text()
    assert len(view.charts) == (1 if lesson.result_kind == "scaling" else 0)
    assert panel.status_label.text().startswith("Press Run")


def test_a_lesson_shows_in_chinese_every_word_it_found(panel, qtbot, chinese):
    """Headers, titles, phrase cells and findings: all translated (code cells stay code)."""
    panel.set_language("zh_CN")
    run_lesson(panel, qtbot, "exceptions")
    view = panel.results
    (table,) = view.tables
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["做法", "父进程看到"]
    for r in range(table.rowCount()):
        assert CJK.search(table.item(r, 1).text()), table.item(r, 1).text()
    assert "结论" in view.findings[0].text() and CJK.search(view.findings[0].text())
    assert "运行了" in view.findChildren(type(panel.title_label))[0].text()


def test_every_lesson_word_has_a_chinese_translation(chinese):
    """What the scripts can show (scripts/i18n.py lists it) is translated, with its values."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    try:
        import i18n as i18n_script
    finally:
        sys.path.pop(0)
    texts, problems = i18n_script.lesson_texts()
    assert not problems and len(texts) > 100
    for text, where in texts:
        values = _sample_values(text)
        shown = words(text, values)
        assert shown != text.format(**values), f"{where}: {text!r} has no translation"
        # Chinese words; code and API names ("imap, chunksize=1") and abbreviations may stay.
        assert not i18n_script.english_left(shown), f"{where}: {text!r} shows as {shown!r}"


def _sample_values(template: str) -> dict[str, object]:
    names = re.findall(r"\{(\w+)", template)
    return {name: 1.5 for name in names}


def test_running_a_lesson_shows_its_run_in_the_launch_form(qtbot, tmp_path):
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    try:
        window.show_lessons()
        window.lessons.select("process_basics")
        with qtbot.waitSignal(window.bridge.run_finished, timeout=WAIT_MS):
            window.lessons.run_lesson()
            if not window.lessons.watching:  # a worker runs the script: the form shows it
                assert window.launch.title.text() == "Lesson 1: Process basics"
                assert len(window.launch.groups) == 1
                assert "01_process_basics.py" in window.launch.text()
        assert window.bridge.run.config.title == "Lesson 1: Process basics"
        assert window.lessons.results.tables
    finally:
        window.bridge.kill_all()
        qtbot.waitUntil(lambda: not window.bridge.running, timeout=WAIT_MS)
        window.close()
        window.deleteLater()


def _start_watched(bridge, run):
    """What the window's watch mode does with a WatchedRun (used until RunBridge has it)."""
    bridge.prepared = run
    bridge.start()
    return None


def test_a_lesson_runs_through_the_watch_mode_with_its_processes_and_pool_tasks(
        panel, qtbot, monkeypatch):
    from mpscope.gui.bridge import RunBridge

    if not hasattr(RunBridge, "start_watched"):
        monkeypatch.setattr(RunBridge, "start_watched", _start_watched, raising=False)
    assert panel.watching
    run_lesson(panel, qtbot, "pool_methods")
    assert panel.results.tables and panel.results.tables[0].rowCount() == 6
    names = [r.name for r in panel._bridge.records]
    assert names[0] == "main"  # the script itself…
    assert sum("PoolWorker" in name for name in names) >= 2  # …and its pool's processes
    assert panel._bridge.pool is not None


def test_run_waits_while_another_run_goes(panel, qtbot):
    bridge = panel._bridge
    bridge.set_config(cfg.loads('[[workers]]\ntask = "sleep_io"\nargs = { seconds = 30.0 }'))
    bridge.start()
    other = bridge.run
    assert not panel.run_button.isEnabled()
    assert "stop it first" in panel.status_label.text()
    panel.run_lesson()  # ignored: the other run goes on, and is not claimed by the panel
    assert bridge.run is other and bridge.config.title is None
    with qtbot.waitSignal(bridge.run_finished, timeout=WAIT_MS):
        bridge.kill_all()
    assert panel.run_button.isEnabled()
    assert not panel.results.tables  # not a lesson's run: nothing to show


def test_a_lesson_that_fails_says_why_in_one_line(panel, qtbot, tmp_path, monkeypatch):
    broken = tmp_path / "broken.py"
    broken.write_text("raise SystemExit('no result today')\n")
    lesson = lessons.get("gil")
    monkeypatch.setattr(type(lesson), "script", property(lambda self: broken))
    run_lesson(panel, qtbot, "gil")
    assert not panel.results.tables
    summary = panel.results.findChildren(type(panel.title_label))[0].text()
    assert "without a result" in summary and "exit code 1" in summary


# -- the result views -----------------------------------------------------------------


def scaling(amdahl: list[float] | None) -> results.LessonResult:
    n = [1, 2, 3, 4, 5, 6, 7, 8]
    speedup = [1.0, 1.8, 2.5, 3.1, 3.0, 3.0, 2.9, 2.9]
    rows: list[list[results.Cell]] = [[k, s] for k, s in zip(n, speedup, strict=True)]
    table = results.Table("t", ["processes", "speedup"], rows)
    return results.LessonResult("scaling", [table], [results.Phrase("done")],
                                {"kind": "scaling", "cores": 4, "n": n, "speedup": speedup,
                                 "amdahl": amdahl, "serial_share": 0.1 if amdahl else None})


def test_scaling_chart_draws_the_fit_only_when_the_script_made_one(qtbot):
    view = ResultsView()
    qtbot.addWidget(view)
    view.set_result(scaling(None))
    (chart,) = view.charts
    curves = chart.plot.listDataItems()
    assert len(curves) == 2  # the ideal line and the measured speedups: no fit
    assert curves[0].opts["pen"].style() == Qt.PenStyle.DashLine
    markers = [item for item in chart.plot.items if type(item).__name__ == "InfiniteLine"]
    assert [m.value() for m in markers] == [4]
    view.set_result(scaling([1 / (0.1 + 0.9 / k) for k in range(1, 9)]))
    (chart,) = view.charts
    assert len(chart.plot.listDataItems()) == 3
    entries = [text for _colour, text, _mark in chart.legend.entries[1]]
    assert "Amdahl fit, serial share 10%" in entries and "number of CPUs (4)" in entries


def test_table_cells_and_column_widths():
    assert cell_text(True) == "✔" and cell_text(1234567) == "1,234,567"
    assert cell_text(25396, "parent pid") == "25396"
    assert cell_text(0.123456) == "0.123" and cell_text(2500.4) == "2,500"
    assert cell_text(None) == ""
    assert cell_text(results.Phrase("{n} threads", {"n": 2})) == "2 threads"
    assert words("{missing} here", {}) == "{missing} here"  # never raises
    assert share_widths([50, 60], [40, 40], 200) == [50, 60]
    shrunk = share_widths([100, 400, 100], [90, 60, 90], 400)
    assert shrunk[0] >= 90 and shrunk[2] >= 90 and sum(shrunk) <= 400
