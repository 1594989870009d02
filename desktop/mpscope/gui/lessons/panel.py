"""The Lessons panel: pick a lesson, read it, see its code, run it and read what it found."""

from __future__ import annotations

import contextlib
import os
import time
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMargins, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mpscope.core import config, lessons
from mpscope.core.engine.states import State
from mpscope.core.lessons import Lesson, results, runner
from mpscope.gui.bridge import RunBridge
from mpscope.gui.i18n import language as i18n
from mpscope.gui.lessons.results import ResultsView
from mpscope.gui.widgets.code_view import CodeView

# Narrower than this (docked beside the workers table), the panel shows its three parts as
# tabs, so that the lesson list keeps whole titles and the text, code and results stay readable.
NARROW_PX = 900
NOTICE_SECTION = 2  # "## What to notice" is the third section of every lesson text
# The panels a lesson's "What to watch" names, spotted in its English text.
PANEL_MARKS = {"workers": "**Workers panel", "cpu": "**CPU panel", "pool": "**Pool task stream"}


def split_text(markdown: str) -> tuple[str, str, str, str]:
    """A lesson text as (title, body without title and notice, notice heading, notice section)."""
    lines = markdown.strip().splitlines()
    title = lines.pop(0).lstrip("#").strip() if lines and lines[0].startswith("# ") else ""
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if len(starts) <= NOTICE_SECTION:
        return title, "\n".join(lines).strip(), "", ""
    at = starts[NOTICE_SECTION]
    end = next((i for i in starts if i > at), len(lines))
    body = "\n".join(lines[:at] + lines[end:]).strip()
    return title, body, lines[at][3:].strip(), "\n".join(lines[at + 1:end]).strip()


class LessonsPanel(QWidget):
    """The classroom lessons: text, the script that runs, a Run button and the run's results.

    Signals:
        show_panel(str): show the "workers", "pool" or "cpu" panel (the window raises its dock).
        run_config(str): the TOML of the run a lesson launches (the Launch form shows it).
        message(str): something to tell the user in the status bar.
    """

    show_panel = Signal(str)
    run_config = Signal(str)
    message = Signal(str)

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        chosen = i18n.chosen_language()  # the interface's language, as i18n installed it
        self._language = i18n.system_language() if chosen == i18n.SYSTEM else chosen
        self._lessons = lessons.lessons()
        self.lesson: Lesson = self._lessons[0]
        self._starting: str | None = None  # the lesson id while start() runs
        self._own: tuple[Any, str] | None = None  # (run, lesson id) of our run
        self._started = 0.0
        # By lesson id: the last run's result (None when it found none) and its summary.
        self._results: dict[str, tuple[results.LessonResult | None, str]] = {}
        self._output: list[str] = []  # the watched script's output lines, for its result line
        self._sized = False
        self._ticker = QTimer(self, interval=500)
        self._ticker.timeout.connect(self._update_controls)  # the "Running… 3 s" line
        self._build_ui()
        bridge.run_started.connect(self._on_run_started)
        bridge.run_finished.connect(self._on_run_finished)
        self._fill_list()
        self.lesson_list.setCurrentRow(0)
        self._show_lesson()  # row 0 was current already: no signal shows it

    def _build_ui(self) -> None:
        self.title_label = QLabel(wordWrap=True)
        self.save_button = QPushButton(self.tr("Save as…"))
        self.save_button.setToolTip(self.tr(
            "Save this lesson's script, to run it at home with python"))
        self.save_button.clicked.connect(self.save_dialog)
        self.run_button = QPushButton(self.tr("▶  Run lesson"))
        self.run_button.setToolTip(self.tr("Start this lesson's run (Ctrl+Return)"))
        self.run_button.clicked.connect(self.run_lesson)
        self.shortcut = QShortcut(QKeySequence("Ctrl+Return"), self, self.run_lesson,
                                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.status_label = QLabel(wordWrap=True)
        self.lesson_list = QListWidget()
        self.lesson_list.setWordWrap(True)
        self.lesson_list.setSpacing(1)
        self.lesson_list.setToolTip(self.tr("Choose a lesson"))
        self.lesson_list.currentRowChanged.connect(self._on_row_changed)
        self.explanation = QTextBrowser(openExternalLinks=True)
        self.explanation.document().setDocumentMargin(10)
        self.code_view = CodeView()
        self.notice_heading = QLabel()
        self.notice_label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.MarkdownText)
        self.watch_label = QLabel(wordWrap=True)
        self.watch_label.linkActivated.connect(self.show_panel)
        self.results_heading = QLabel()
        self.results_heading.setContentsMargins(QMargins(0, 8, 0, 0))
        self.results = ResultsView()
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(10, 6, 10, 10)
        for widget in (self.notice_heading, self.notice_label, self.watch_label,
                       self.results_heading):
            column.addWidget(widget)
        column.addWidget(self.results, 1)
        self.lower_scroll = QScrollArea(widgetResizable=True)
        self.lower_scroll.setWidget(lower)
        self.left = _splitter(Qt.Orientation.Vertical, self.lesson_list, self.explanation, 0)
        self.right = _splitter(Qt.Orientation.Vertical, self.code_view, self.lower_scroll, 1)
        self.splitter = _splitter(Qt.Orientation.Horizontal, self.left, self.right, 2)
        self.tabs = QTabWidget(documentMode=True)
        self.body = QStackedWidget()
        self.body.addWidget(self.splitter)
        self.body.addWidget(self.tabs)
        self.narrow = False
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        for button in (self.save_button, self.run_button):
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addLayout(header)
        layout.addWidget(self.status_label)
        layout.addWidget(self.body, 1)

    def _arrange(self, narrow: bool) -> None:
        """Side by side when wide; when narrow, tabs: the lesson (list and text), code, results."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if narrow:
            for pane, name in ((self.left, self.tr("Lesson")), (self.code_view, self.tr("Code")),
                               (self.lower_scroll, self.tr("Results"))):
                self.tabs.addTab(pane, name)
            self.body.setCurrentWidget(self.tabs)
        else:
            self.splitter.insertWidget(0, self.left)
            self.right.insertWidget(0, self.code_view)
            self.right.insertWidget(1, self.lower_scroll)
            self.tabs.clear()
            for pane in (self.left, self.code_view, self.lower_scroll):
                pane.show()  # a tab that was not current comes back hidden
            self.body.setCurrentWidget(self.splitter)
        if self._sized:
            QTimer.singleShot(0, self._fit_list)  # once the list has its new width

    def _fit_list(self) -> None:
        """Give the lesson list the height of all its titles (at most half the column)."""
        view = self.lesson_list
        view.doItemsLayout()
        rows = sum(view.visualItemRect(view.item(i)).height() for i in range(view.count()))
        total = sum(self.left.sizes())
        share = 0.7 if self.narrow else 0.5  # in its own tab, the list may take more
        top = min(int(total * share),
                  rows + 2 * view.spacing() * view.count() + 2 * view.frameWidth())
        self.left.setSizes([top, total - top])
        if view.currentItem() is not None:
            view.scrollToItem(view.currentItem())

    # -- language and lessons ----------------------------------------------------------
    def set_language(self, language: str) -> None:
        """Show titles and texts in `language` ("en", "zh_CN"; English when it has none)."""
        self._language = language
        self._fill_list()
        self._show_lesson()
        if self._sized:
            self._fit_list()

    def _fill_list(self) -> None:
        row = max(0, self.lesson_list.currentRow())
        with QSignalBlocker(self.lesson_list):
            self.lesson_list.clear()
            self.lesson_list.addItems([split_text(lessons.text(lesson.id, self._language))[0]
                                       or lesson.title for lesson in self._lessons])
            self.lesson_list.setCurrentRow(row)

    def select(self, lesson_id: str) -> None:
        """Show the lesson with this id."""
        self.lesson_list.setCurrentRow([lesson.id for lesson in self._lessons].index(lesson_id))

    def _on_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._lessons):
            self.lesson = self._lessons[row]
            self._show_lesson()

    def _show_lesson(self) -> None:
        lesson = self.lesson
        title, body, notice_title, notice = split_text(lessons.text(lesson.id, self._language))
        self.title_label.setText(_heading(title or lesson.title, "x-large"))
        self.explanation.setMarkdown(body)
        self.code_view.set_code(lessons.code(lesson))
        self.notice_heading.setText(_heading(notice_title or self.tr("What to notice")))
        self.notice_label.setText(notice)
        self.watch_label.setText(self._watch_links(lesson))
        self.watch_label.setHidden(not self.watch_label.text())
        self._show_results()

    def _show_results(self) -> None:
        """The results of the shown lesson's last run (the code and text keep their scrolling)."""
        lesson = self.lesson
        self.results_heading.setText(_heading(self.tr("Results")))
        if lesson.id in self._results:
            self.results.set_result(*self._results[lesson.id])
        elif self._own is not None and self._own[1] == lesson.id:
            self.results.clear(self.tr("The results appear here when the run ends."))
        else:
            self.results.clear(self.tr("Run the lesson to see its results here."))
        self._update_controls()

    def _watch_links(self, lesson: Lesson) -> str:
        """Links to the panels the lesson's "What to watch" names (clicked: `show_panel`)."""
        english = lessons.text(lesson.id, "en")
        names = {"workers": self.tr("Workers panel"), "cpu": self.tr("CPU panel"),
                 "pool": self.tr("Pool panel")}
        links = [f'<a href="{panel}">{names[panel]}</a>' for panel, mark in PANEL_MARKS.items()
                 if mark in english]
        return self.tr("Watch it in: {panels}").format(panels=" · ".join(links)) if links else ""

    # -- running -----------------------------------------------------------------------
    def run_lesson(self) -> None:
        """Run the shown lesson's script (the Launch form shows the run it makes)."""
        if self._bridge.running:  # one run at a time: the user stops the other first
            return
        lesson = self.lesson
        self._starting = lesson.id
        self._output = []
        try:
            if self.watching:  # the watch mode runs the script unchanged, as `python` would
                why = self._bridge.start_watched(runner.watched_run(lesson))
                if why:
                    self.message.emit(self.tr("Cannot run the lesson: {why}").format(why=why))
            else:  # a worker runs the script (until the window can watch a program)
                toml = runner.config_toml(lesson)
                self.run_config.emit(toml)
                self._bridge.set_config(config.loads(toml, lesson.id))
                self._bridge.start()  # emits run_started, which claims the run as ours
        finally:
            self._starting = None
        self._update_controls()

    @property
    def watching(self) -> bool:
        """True when the window can watch a program: lessons then run through the watch mode."""
        return hasattr(self._bridge, "start_watched")

    def _collect_output(self, event: Any) -> None:
        if event.kind == "output":
            self._output.append(event.text)

    def save_dialog(self) -> None:
        """Ask where to save the shown lesson's script, then save it."""
        lesson = self.lesson
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the lesson's script"),
            os.path.join(os.path.expanduser("~"), lesson.script_name),
            self.tr("Python scripts (*.py);;All files (*)"))
        if path:
            self.save_script(path)

    def save_script(self, path: str) -> bool:
        """Write the shown lesson's script to `path`, byte for byte as it runs here."""
        try:
            Path(path).write_bytes(self.lesson.script.read_bytes())
        except OSError as error:
            self.message.emit(self.tr("Cannot save {path}: {error}").format(
                path=path, error=error.strerror or error))
            return False
        self.message.emit(self.tr("Saved {path}: run it with python {name}").format(
            path=path, name=os.path.basename(path)))
        return True

    def _on_run_started(self) -> None:
        if self._starting is not None:
            self._own = (self._bridge.run, self._starting)
            if self.watching:  # the result line is in the program's output
                self._bridge.run.engine.subscribe(self._collect_output)
            self._started = time.monotonic()
            self._results.pop(self._own[1], None)
            self._ticker.start()
            if self._own[1] == self.lesson.id:
                self._show_results()
        self._update_controls()

    def _on_run_finished(self, _code: int) -> None:
        own = self._own
        if own is not None and own[0] is self._bridge.run:
            self._own = None
            self._ticker.stop()
            self._results[own[1]] = self._outcome(self._bridge.records)
            if own[1] == self.lesson.id:
                self._show_results()
                if self.narrow:
                    self.tabs.setCurrentWidget(self.lower_scroll)
                QTimer.singleShot(0, lambda: self.lower_scroll.ensureWidgetVisible(
                    self.results_heading, 0, 0))  # once laid out
        self._update_controls()

    def _outcome(self, records: list[Any]) -> tuple[results.LessonResult | None, str]:
        """The run's result and a one-line summary (what went wrong when it found none)."""
        seconds = time.monotonic() - self._started
        if self.watching:
            return self._watched_outcome(seconds)
        record = next((r for r in records if r.kind == "worker"), None)
        if record is not None and record.state is State.FINISHED:
            try:
                found = results.from_json(record.result)
            except results.ResultError as error:
                return None, self.tr("The script's result line could not be read: {error}").format(
                    error=error)
            return found, self.tr("The lesson ran for {seconds:.1f} s.").format(seconds=seconds)
        detail = i18n.translated(record.detail) if record is not None else ""
        return None, self.tr("The lesson ended after {seconds:.1f} s without a result: "
                             "{detail}").format(seconds=seconds, detail=detail)

    def _watched_outcome(self, seconds: float) -> tuple[results.LessonResult | None, str]:
        """The result line in the watched script's output, or why there is none."""
        try:
            found = results.find("\n".join(self._output))
        except results.ResultError as error:
            return None, self.tr("The script's result line could not be read: {error}").format(
                error=error)
        if found is not None:
            return found, self.tr("The lesson ran for {seconds:.1f} s.").format(seconds=seconds)
        code = self._bridge.run.exit_code() if self._bridge.run is not None else None
        return None, self.tr("The lesson ended after {seconds:.1f} s without a result: "
                             "{detail}").format(seconds=seconds, detail=self.tr(
                                 "exit code {code}").format(code=code))

    def _update_controls(self) -> None:
        """Run is enabled while no run goes; the status line says what is going on."""
        running = self._bridge.running
        self.run_button.setEnabled(not running)
        if self._own is not None and running:
            text = self.tr("Running… {seconds} s").format(
                seconds=int(time.monotonic() - self._started))
        elif running:
            text = self.tr("Another run is going: stop it first (Run → Stop all), then run "
                           "this lesson.")
        else:
            text = self.tr("Press Run (Ctrl+Return) to start this lesson, then watch the "
                           "panels it points to.")
        self.status_label.setText(text)

    # -- Qt ----------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width() < NARROW_PX)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # first show: text 38 % of the width; code and results half each
            self._sized = True
            width, height = self.splitter.width(), self.right.height()
            self.splitter.setSizes([round(width * 0.38), round(width * 0.62)])
            self.right.setSizes([round(height * 0.48), round(height * 0.52)])
            self._fit_list()
            QTimer.singleShot(0, self._fit_list)  # again once the tabs (when narrow) are laid out

    def cleanup(self) -> None:
        """Stop listening to the bridge (the panel is being closed)."""
        self._ticker.stop()
        for signal, slot in ((self._bridge.run_started, self._on_run_started),
                             (self._bridge.run_finished, self._on_run_finished)):
            with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
                signal.disconnect(slot)


def _heading(text: str, size: str = "large") -> str:
    """Bold rich text a step or two larger than the label's font (so it follows presenter mode)."""
    return f'<span style="font-size:{size}; font-weight:600">{escape(text)}</span>'


def _splitter(orientation: Qt.Orientation, first: QWidget, second: QWidget,
              first_stretch: int) -> QSplitter:
    """A splitter of two panes that cannot be collapsed; the second stretches more."""
    splitter = QSplitter(orientation, childrenCollapsible=False)
    for widget, stretch in ((first, first_stretch), (second, 3)):
        splitter.addWidget(widget)
        splitter.setStretchFactor(splitter.count() - 1, stretch)
    return splitter
