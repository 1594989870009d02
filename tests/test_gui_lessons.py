"""The Lessons panel: list, texts in two languages, code view, real lesson runs and result views."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from mpscope.core import config as cfg
from mpscope.core import lessons
from mpscope.core.lessons.scaling import amdahl_fit
from mpscope.gui.lessons.panel import LessonsPanel, split_text
from mpscope.gui.lessons.results import ResultsView, format_cell, share_widths
from mpscope.gui.widgets.code_view import CodeView

WAIT_MS = 60_000


@pytest.fixture
def panel(show_panel):
    made = show_panel(LessonsPanel, 1100, 800, record_history=False)
    made.set_language("en")
    return made


def run_lesson(panel: LessonsPanel, qtbot, lesson_id: str, variant: str = "") -> None:
    panel.select(lesson_id)
    if variant:
        panel.variant_combo.setCurrentText(variant)
    with qtbot.waitSignal(panel._bridge.run_finished, timeout=WAIT_MS):
        panel.run_lesson()
        assert not panel.run_button.isEnabled()
        assert panel.status_label.text().startswith("Running…")
    assert panel.run_button.isEnabled()


def tables_by_worker(panel: LessonsPanel) -> dict[str, list[str]]:
    """The results view's tables, by the worker named in the title above each."""
    titles = [re.search(r"<code>([\w-]+)</code>", label.text()).group(1)
              for label in panel.results.findChildren(type(panel.title_label))
              if "<code>" in label.text()]
    headers = [[t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
               for t in panel.results.tables]
    return dict(zip(titles, headers, strict=True))


# -- texts and code -----------------------------------------------------------------


def test_the_list_shows_the_eleven_lessons_numbered(panel):
    items = [panel.lesson_list.item(i).text() for i in range(panel.lesson_list.count())]
    assert len(items) == 11
    assert items[0] == "1. Process basics" and items[10].startswith("11. ")
    assert panel.lesson.id == "process_basics"


def test_selecting_a_lesson_shows_its_text_code_and_variants(panel):
    panel.select("chunksize")
    lesson = lessons.get("chunksize")
    assert panel.code_view.code() == lesson.code
    assert "chunksize" in panel.title_label.text()
    shown = panel.explanation.toPlainText()
    assert "The idea" in shown and "Question for students" in shown
    assert "What to notice" not in shown  # it has its own place, beside the results
    assert "The work is the same in every variant" in panel.notice_label.text()
    assert [panel.variant_combo.itemText(i) for i in range(panel.variant_combo.count())] == list(
        lesson.variants)
    assert panel.variant_combo.isVisibleTo(panel)
    assert 'href="pool"' in panel.watch_label.text()
    panel.select("gil")  # a single run: no variant selector; the CPU panel is pointed to
    assert not panel.variant_combo.isVisibleTo(panel)
    assert 'href="cpu"' in panel.watch_label.text()
    assert panel.code_view.code() == lessons.get("gil").code


def test_chinese_titles_and_texts(panel):
    panel.select("gil")
    panel.set_language("zh_CN")
    assert panel.lesson_list.item(0).text().startswith("第 1 课")
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
    assert colour_at(1, 4) == colours["definition"].foreground().color().name()
    assert colour_at(1, 15) == colours["number"].foreground().color().name()
    assert colour_at(3, 4) == colours["string"].foreground().color().name()  # docstring, line 2
    assert colour_at(4, 11) == colours["string"].foreground().color().name()
    assert colour_at(4, 30) == colours["comment"].foreground().color().name()
    assert view.editor.isReadOnly()
    assert view.editor.font().fixedPitch() or "mono" in view.editor.font().family().lower()
    view.copy_button.click()
    assert QGuiApplication.clipboard().text() == code
    assert view.copy_button.text() == "Copied"


# -- real runs through the panel ------------------------------------------------------


def test_a_table_lesson_runs_and_shows_its_table_and_verdict(panel, qtbot):
    run_lesson(panel, qtbot, "daemons")
    assert tables_by_worker(panel) == {
        "at-exit-0": ["child", "daemon", "started", "finished its work", "at exit"]}
    table = panel.results.tables[0]
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["daemon", "non-daemon"]
    assert "Results" in panel.results_heading.text()
    texts = [label.text() for label in panel.results.findChildren(type(panel.title_label))]
    assert any("In short:" in text and "waited for the non-daemon child" in text for text in texts)
    assert any("2 of 3 workers finished" in text for text in texts)
    # Another lesson and back: the results are still there.
    panel.select("gil")
    assert not panel.results.tables
    panel.select("daemons")
    assert len(panel.results.tables) == 1


def test_a_workers_lesson_points_to_the_workers_panel(panel, qtbot):
    run_lesson(panel, qtbot, "exceptions")
    assert tables_by_worker(panel) == {"pool-errors-0": [
        "method", "exception", "message", "raised in", "caught in pid", "results kept"]}
    buttons = [b for b in panel.results.findChildren(type(panel.run_button))
               if b.text() == "Show the Workers panel"]
    assert len(buttons) == 1
    with qtbot.waitSignal(panel.show_panel) as shown:
        buttons[0].click()
    assert shown.args == ["workers"]


def test_a_variant_runs_from_the_shortcut(panel, qtbot):
    panel.select("start_methods")
    panel.variant_combo.setCurrentText("pickling a lambda")
    panel.activateWindow()
    panel.lesson_list.setFocus()
    qtbot.waitUntil(panel.lesson_list.hasFocus, timeout=5000)
    with qtbot.waitSignal(panel._bridge.run_finished, timeout=WAIT_MS):
        qtbot.keyClick(panel.lesson_list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert tables_by_worker(panel) == {"pickling-0": ["what", "outcome", "detail"]}
    assert "pickling a lambda" in panel.results_heading.text()


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


# -- the result views -----------------------------------------------------------------


def scaling_result(cpus: int = 4) -> dict:
    def line(name: str, kind: str, speedup: list[float]) -> dict:
        ns = list(range(1, len(speedup) + 1))
        s = amdahl_fit(ns, speedup)
        return {"name": name, "kind": kind, "n": ns, "seconds": [1 / x for x in speedup],
                "speedup": speedup,
                "efficiency": [round(x / n, 2) for n, x in zip(ns, speedup, strict=True)],
                "ideal": ns, "amdahl": [round(1 / (s + (1 - s) / n), 2) for n in ns],
                "serial_fraction": round(s, 3)}

    return {"title": "How many processes?", "columns": ["workload", "processes"], "rows": [],
            "verdict": "CPU-bound stops at 4", "cpu_count": cpus,
            "series": [line("CPU-bound", "cpu", [1.0, 1.8, 2.5, 3.1, 3.0, 3.0]),
                       line("I/O-bound (sleep)", "io", [1.0, 2.0, 2.9, 3.9, 4.8, 5.7, 6.6, 7.5])]}


def test_scaling_results_draw_every_series_ideal_fit_and_cpu_marker(qtbot):
    view = ResultsView()
    qtbot.addWidget(view)
    view.set_results("scaling", [("scaling-0", scaling_result())])
    (chart,) = view.charts
    curves = chart.plot.listDataItems()
    assert len(curves) == 1 + 2 * 2  # the ideal, then per series its fit and its speedups
    ideal, *_ = curves
    assert ideal.opts["pen"].style() == Qt.PenStyle.DashLine
    x, y = curves[2].getData()
    assert list(x) == list(range(1, 7)) and list(y) == [1.0, 1.8, 2.5, 3.1, 3.0, 3.0]
    assert curves[1].opts["pen"].style() == Qt.PenStyle.DotLine
    markers = [item for item in chart.plot.items if type(item).__name__ == "InfiniteLine"]
    assert [m.value() for m in markers] == [4]
    entries = [text for _colour, text, _mark in chart.legend.entries[1]]
    assert "CPU-bound" in entries and "number of CPUs (4)" in entries
    (table,) = view.tables
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == [
        "processes", "efficiency, CPU-bound", "efficiency, I/O-bound (sleep)"]
    assert table.rowCount() == 8
    assert table.item(3, 1).text() == "78 %" and table.item(7, 1).text() == ""


def test_table_cells_and_column_widths():
    assert format_cell(True) == "✔" and format_cell(1234567) == "1,234,567"
    assert format_cell(25396, "caught in pid") == "25396"
    assert format_cell(0.123456) == "0.1235" and format_cell(2500.4) == "2,500"
    assert format_cell([1, 4]) == "1, 4" and format_cell(None) == ""
    assert share_widths([50, 60], [40, 40], 200) == [50, 60]
    shrunk = share_widths([100, 400, 100], [90, 60, 90], 400)
    assert shrunk[0] >= 90 and shrunk[2] >= 90 and sum(shrunk) <= 400
    assert share_widths([100, 100], [90, 90], 100) == [90, 90]  # words never split: it scrolls
