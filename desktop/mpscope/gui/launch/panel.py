"""The launch panel: the run configuration as a form, checked as you type, with open/save/start."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mpscope.core import config as cfg
from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.launch.form import (
    FieldMarks,
    GroupEditor,
    PoolEditor,
    RunEditor,
    connect_change,
    inline_table,
    parse_toml_value,
)
from mpscope.gui.launch.import_checks import ImportChecks
from mpscope.gui.widgets.icons import themed

__all__ = ["LaunchPanel", "inline_table", "parse_toml_value"]  # the helpers are re-exported

VALIDATE_DELAY_MS = 200  # typing a task name must not import modules on every keystroke


class LaunchPanel(QWidget):
    """Edits the RunConfig; Start sets it on the bridge and starts the run.

    Signals:
        validity_changed(): the form became valid or invalid (read `can_start()`).
        path_changed(str): the configuration file now open ("" for none).
        message(str): something to tell the user in the status bar.
    """

    validity_changed = Signal()
    path_changed = Signal(str)
    message = Signal(str)

    def __init__(self, bridge: RunBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.path = ""
        self.config: cfg.RunConfig | None = None
        self.errors: dict[str, str] = {}  # field key -> problem, for tests and tooltips
        self.groups: list[GroupEditor] = []
        self.marks = FieldMarks()  # config key → field, marked when it has a problem
        self._filling = False
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self._validate_checked)
        self.imports = ImportChecks(self)
        self.imports.ready.connect(self._validate_checked)
        self._build()
        bridge.run_started.connect(self._update_buttons)
        bridge.run_finished.connect(self._update_buttons)
        self.set_form({"workers": [{"task": "sleep_io", "count": 2}]})

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        self.run_box = RunEditor(self)
        box = self.run_box
        self.title, self.start_method, self.grace, self.interval = (
            box.run_title, box.start_method, box.grace, box.interval)
        self.groups_layout = QVBoxLayout()
        self.add_group_button = QPushButton(self.tr("Add worker group"))
        themed(self.add_group_button, "add")
        self.add_group_button.setToolTip(self.tr("Add a [[workers]] group"))
        self.add_group_button.clicked.connect(lambda: self.add_group({"task": "sleep_io"}))
        self.pool_box = PoolEditor(self)
        pool = self.pool_box
        self.pool_task, self.pool_items, self.pool_processes = pool.task, pool.items, pool.processes
        self.pool_method, self.pool_chunksize, self.pool_per_child, self.pool_backend = (
            pool.method, pool.chunksize, pool.per_child, pool.backend)
        for key, widget in (*box.fields.items(), *pool.fields.items()):
            self.marks.fields[key] = widget
            connect_change(widget, self._changed)
        pool.toggled.connect(self._changed)
        self.problems = QLabel(wordWrap=True)
        self.problems.setStyleSheet(f"color: {theme.state_color(State.FAILED).name()}")
        # Tool buttons: as wide as their words (a push button is at least 80 px, and four of
        # them set the narrowest the form can be, on a 1024-pixel screen too).
        self.open_button = _button(self.tr("Open…"))
        self.save_button = _button(self.tr("Save…"))
        self.start_button = _button(self.tr("Start"))
        self.stop_button = _button(self.tr("Stop"))
        for button, name, accent in ((self.open_button, "open", None),
                                     (self.save_button, "save", None),
                                     (self.start_button, "start", State.FINISHED),
                                     (self.stop_button, "stop", State.STOPPING)):
            themed(button, name, accent)
        for button, tip in ((self.open_button, self.tr("Open a TOML configuration (Ctrl+O)")),
                            (self.save_button, self.tr("Save this configuration (Ctrl+S)")),
                            (self.start_button, self.tr("Start the run (F5)")),
                            (self.stop_button, self.tr("Stop every worker (Shift+F5)"))):
            button.setToolTip(tip)
        self.open_button.clicked.connect(self.open_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.bridge.stop_all)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(self.run_box)
        column.addLayout(self.groups_layout)
        column.addWidget(self.add_group_button)
        column.addWidget(self.pool_box)
        column.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.start_button, self.stop_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)

    # -- groups ------------------------------------------------------------------------
    def add_group(self, raw: dict[str, Any]) -> GroupEditor:
        editor = GroupEditor(len(self.groups), self)
        editor.set_values(raw)
        for widget in editor.fields.values():
            connect_change(widget, self._changed)
        editor.remove.clicked.connect(lambda: self.remove_group(editor))
        self.groups.append(editor)
        self.groups_layout.addWidget(editor)
        self._changed()
        return editor

    def remove_group(self, editor: GroupEditor) -> None:
        self.groups.remove(editor)
        editor.deleteLater()
        for number, group in enumerate(self.groups):
            group.set_number(number)
        self._changed()

    # -- form <-> configuration -------------------------------------------------------
    def set_form(self, raw: dict[str, Any]) -> None:
        """Fill the form from a config dict (as read from TOML; it may hold mistakes)."""
        self._filling = True
        try:
            self.run_box.set_values(raw)
            for editor in list(self.groups):
                self.remove_group(editor)
            workers = raw.get("workers")
            for entry in workers if isinstance(workers, list) else []:
                if isinstance(entry, dict):
                    self.add_group(entry)
            pool = raw.get("pool")
            self.pool_box.setChecked(isinstance(pool, dict))
            if isinstance(pool, dict):
                self.pool_box.set_values(pool)
        finally:
            self._filling = False
        self.validate()

    def form_raw(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The form as a config dict, plus problems found before validation (bad TOML text)."""
        local: dict[str, str] = {}
        raw: dict[str, Any] = {**self.run_box.raw(), "workers": []}
        for index, editor in enumerate(self.groups):
            group, problem = editor.raw()
            raw["workers"].append(group)
            if problem:
                local[f"workers[{index}].args"] = problem
        if self.pool_box.isChecked():
            raw["pool"], problem = self.pool_box.raw()
            if problem:
                local["pool.items"] = problem
        return raw, local

    def validate(self) -> cfg.RunConfig | None:
        """Check the form now: mark every bad field, enable Start only when all is well."""
        if self._filling:
            return None
        self._timer.stop()
        raw, problems = self.form_raw()
        source = self.path or "<form>"
        for error in cfg.validate_all(raw, source):
            problems.setdefault(error.key or "", error.problem)
        config = None if problems else cfg.validate(raw, source)
        self.errors = problems
        self._mark(problems)
        self.config = config
        if config is not None and config != self.bridge.config:
            self.bridge.set_config(config)
        self._update_buttons()
        self.validity_changed.emit()
        return config

    def _validate_checked(self) -> None:
        """The pause in typing: validate once new task modules were probed off this thread."""
        if not self.imports.start(self.form_raw()[0]):
            self.validate()

    def _mark(self, problems: dict[str, str]) -> None:
        self.marks.fields.update({f"workers[{i}].{k}": widget for i, g in enumerate(self.groups)
                                  for k, widget in g.fields.items()})
        self.marks.mark(problems)
        lines = [f"{key}: {problem}" if key else problem for key, problem in problems.items()]
        self.problems.setText("\n".join(lines))
        self.problems.setVisible(bool(lines))

    def can_start(self) -> bool:
        return self.config is not None and not self.bridge.running

    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self._timer.start()

    def _update_buttons(self, *_args: object) -> None:
        self.start_button.setEnabled(self.can_start())
        self.stop_button.setEnabled(self.bridge.running)
        self.save_button.setEnabled(self.config is not None)
        self.validity_changed.emit()

    # -- commands ------------------------------------------------------------------------
    def start(self) -> None:
        config = self.validate()
        if config is None or self.bridge.running:
            return
        self.bridge.set_config(config)
        self.bridge.start()

    def load_file(self, path: str) -> bool:
        """Open a TOML file into the form; False (and a message) if it cannot be read."""
        try:
            text = Path(path).read_text(encoding="utf-8")
            raw = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            self.message.emit(self.tr("Cannot open {path}: {error}").format(path=path, error=exc))
            return False
        self.path = path
        self.set_form(raw)
        self.path_changed.emit(path)
        # The form can only hold valid numbers (a spinbox clamps count = 0 to 1): say what
        # the file itself got wrong, with its line, so nothing is fixed behind the user's back.
        problems = cfg.validate_all(raw, path, text=text)
        if problems:
            self.message.emit(self.tr("{problem} (shown as corrected in the form)").format(
                problem=problems[0]))
        return True

    def load_text(self, text: str) -> None:
        """Restore a form saved as TOML text (the last session's), quietly ignoring bad text."""
        try:
            self.set_form(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            return

    def text(self) -> str:
        """The form as TOML ("" while it is invalid)."""
        return cfg.dumps(self.config) if self.config is not None else ""

    def save_file(self, path: str) -> bool:
        if self.validate() is None:
            return False
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.text())
        self.path = path
        self.path_changed.emit(path)
        self.message.emit(self.tr("Saved {path}").format(path=path))
        return True

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a run configuration"),
                                              os.path.dirname(self.path),
                                              self.tr("TOML files (*.toml);;All files (*)"))
        if path:
            self.load_file(path)

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the run configuration"),
                                              self.path or "run.toml",
                                              self.tr("TOML files (*.toml)"))
        if path:
            self.save_file(path)

    def cleanup(self) -> None:
        self._timer.stop()
        self.imports.cleanup()
        self.bridge.run_started.disconnect(self._update_buttons)
        self.bridge.run_finished.disconnect(self._update_buttons)


def _button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button
