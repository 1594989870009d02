"""The launch panel: the run configuration as a form, checked as you type, with open/save/start."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mpscope.core import config as cfg
from mpscope.core import tasks
from mpscope.core.states import State
from mpscope.gui import theme
from mpscope.gui.bridge import RunBridge
from mpscope.gui.icons import themed

VALIDATE_DELAY_MS = 200  # typing a task name must not import modules on every keystroke
INVALID_STYLE = "border: 2px solid {color}; border-radius: 3px;"


def inline_toml(value: Any) -> str:
    """A value as TOML inline text (strings, numbers, booleans, arrays, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + inline_table(value) + " }" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inline_toml(v) for v in value) + "]"
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def inline_table(table: dict[str, Any]) -> str:
    """`seconds = 2.0, steps = 20`: the inside of an inline table, as typed in the form."""
    keys = (k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k) for k in table)
    return ", ".join(f"{k} = {inline_toml(v)}" for k, v in zip(keys, table.values(), strict=True))


def parse_toml_value(text: str) -> Any:
    """Parse one TOML value ("20", "[1, 2]", "{ a = 1 }"); raise ValueError with the reason."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc).split(" (at ")[0]) from None


def task_combo(names: list[str], task: str) -> QComboBox:
    """An editable combobox of built-in tasks that also takes "package.module:function"."""
    combo = QComboBox()
    combo.setEditable(True)
    for name in names:
        combo.addItem(name)
        combo.setItemData(combo.count() - 1, tasks.describe(name), Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentText(task)
    combo.lineEdit().setPlaceholderText("package.module:function")
    return combo


class GroupEditor(QGroupBox):
    """One `[[workers]]` group: task, count, daemon, name and arguments."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task_combo(tasks.builtin_names(), "sleep_io")
        self.count = QSpinBox(minimum=1, maximum=cfg.MAX_COUNT, value=2)
        self.daemon = QCheckBox(self.tr("daemon"))
        self.name = QLineEdit()
        self.args = QLineEdit()
        self.remove = QToolButton(autoRaise=True)
        themed(self.remove, "remove")
        self.task.setToolTip(self.tr("A built-in task, or your own as package.module:function"))
        self.count.setToolTip(self.tr("How many processes run this task"))
        self.daemon.setToolTip(self.tr("Daemon processes end with mpscope and cannot have "
                                       "children; must be chosen before start()"))
        self.name.setPlaceholderText(self.tr("default: the task's name"))
        self.name.setToolTip(self.tr("A label for the group, unique in the run"))
        self.args.setPlaceholderText("seconds = 2.0, steps = 20")
        self.args.setToolTip(self.tr("Keyword arguments as TOML: key = value, …"))
        self.remove.setToolTip(self.tr("Remove this group"))
        counts = QHBoxLayout()
        counts.addWidget(self.count, 1)
        counts.addWidget(self.daemon)
        counts.addWidget(self.remove)
        form = QFormLayout(self)
        form.addRow(self.tr("Task"), self.task)
        form.addRow(self.tr("Count"), counts)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Arguments"), self.args)
        self.set_number(number)

    def set_number(self, number: int) -> None:
        self.setTitle(self.tr("Worker group {n}").format(n=number + 1))

    def set_values(self, raw: dict[str, Any]) -> None:
        self.task.setCurrentText(str(raw.get("task", "")))
        count = raw.get("count", 1)
        self.count.setValue(count if isinstance(count, int) else 1)
        self.daemon.setChecked(raw.get("daemon") is True)
        self.name.setText(str(raw.get("name") or ""))
        args = raw.get("args") or {}
        self.args.setText(inline_table(args) if isinstance(args, dict) else str(args))

    def raw(self) -> tuple[dict[str, Any], str | None]:
        """The group as a config dict, and a problem with the arguments text if any."""
        raw: dict[str, Any] = {"task": self.task.currentText().strip(),
                               "count": self.count.value(), "daemon": self.daemon.isChecked()}
        if self.name.text().strip():
            raw["name"] = self.name.text().strip()
        try:
            raw["args"] = parse_toml_value("{" + self.args.text() + "}")
        except ValueError as exc:
            return raw, self.tr("not key = value pairs in TOML: {reason}").format(reason=exc)
        return raw, None


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
        self._fields: dict[str, QWidget] = {}
        self._tips: dict[QWidget, str] = {}
        self._filling = False
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate)
        self._build()
        bridge.run_started.connect(self._update_buttons)
        bridge.run_finished.connect(self._update_buttons)
        self.set_form({"workers": [{"task": "sleep_io", "count": 2}]})

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLineEdit(placeholderText=self.tr("optional: shown in the window title"))
        self.start_method = QComboBox()
        self.start_method.addItems([m for m in cfg.START_METHODS
                                    if m in multiprocessing.get_all_start_methods()])
        self.start_method.setToolTip(self.tr("How Python starts each process: spawn (a fresh "
                                             "interpreter), forkserver or fork"))
        self.grace = QDoubleSpinBox(minimum=0.1, maximum=600, value=3.0, suffix=" s")
        self.grace.setToolTip(self.tr("Stop → terminate → kill: seconds between the steps"))
        self.interval = QDoubleSpinBox(minimum=0.01, maximum=5, value=0.1, singleStep=0.05,
                                       suffix=" s")
        self.interval.setToolTip(self.tr("How often workers report progress"))
        run_box = QGroupBox(self.tr("Run"))
        run_form = QFormLayout(run_box)
        run_form.addRow(self.tr("Title"), self.title)
        run_form.addRow(self.tr("Start method"), self.start_method)
        run_form.addRow(self.tr("Grace period"), self.grace)
        run_form.addRow(self.tr("Report every"), self.interval)
        self.groups_layout = QVBoxLayout()
        self.add_group_button = QPushButton(self.tr("Add worker group"))
        themed(self.add_group_button, "add")
        self.add_group_button.setToolTip(self.tr("Add a [[workers]] group"))
        self.add_group_button.clicked.connect(lambda: self.add_group({"task": "sleep_io"}))
        self.pool_box = self._build_pool()
        self.problems = QLabel(wordWrap=True)
        self.problems.setStyleSheet(f"color: {theme.state_color(State.FAILED).name()}")
        self.open_button = QPushButton(self.tr("Open…"))
        self.save_button = QPushButton(self.tr("Save…"))
        self.start_button = QPushButton(self.tr("Start"))
        self.stop_button = QPushButton(self.tr("Stop"))
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
        column.addWidget(run_box)
        column.addLayout(self.groups_layout)
        column.addWidget(self.add_group_button)
        column.addWidget(self.pool_box)
        column.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
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
        self._fields.update({"title": self.title, "start_method": self.start_method,
                             "grace_seconds": self.grace, "report_interval": self.interval})
        self.title.textChanged.connect(self._changed)
        self.start_method.currentTextChanged.connect(self._changed)
        self.grace.valueChanged.connect(self._changed)
        self.interval.valueChanged.connect(self._changed)

    def _build_pool(self) -> QGroupBox:
        box = QGroupBox(self.tr("Pool"), checkable=True, checked=False)
        box.setToolTip(self.tr("Map one task over items with a process pool"))
        self.pool_task = task_combo(tasks.pool_task_names(), "square")
        self.pool_items = QLineEdit("1000", placeholderText=self.tr("N, or [item, item, …]"))
        self.pool_processes = QSpinBox(minimum=1, maximum=cfg.MAX_COUNT, value=os.cpu_count() or 1)
        self.pool_method = QComboBox()
        self.pool_method.addItems(cfg.POOL_METHODS)
        self.pool_chunksize = QSpinBox(minimum=0, maximum=10**6,
                                       specialValueText=self.tr("default"))
        self.pool_per_child = QSpinBox(minimum=0, maximum=10**6,
                                       specialValueText=self.tr("unlimited"))
        self.pool_backend = QComboBox()
        self.pool_backend.addItems(cfg.BACKENDS)
        form = QFormLayout(box)
        rows = (
            ("task", self.tr("Task"), self.pool_task, self.tr("Called with one item")),
            ("items", self.tr("Items"), self.pool_items,
             self.tr("An integer N means range(N); or a TOML array of items")),
            ("processes", self.tr("Processes"), self.pool_processes, self.tr("Pool size")),
            ("method", self.tr("Method"), self.pool_method, self.tr("The Pool method to call")),
            ("chunksize", self.tr("Chunk size"), self.pool_chunksize,
             self.tr("Items sent to a process at a time")),
            ("maxtasksperchild", self.tr("Tasks per child"), self.pool_per_child,
             self.tr("Replace each pool process after this many tasks")),
            ("backend", self.tr("Backend"), self.pool_backend,
             self.tr("multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor")),
        )
        for key, label, widget, tip in rows:
            widget.setToolTip(tip)
            form.addRow(label, widget)
            self._fields[f"pool.{key}"] = widget
            _connect_change(widget, self._changed)
        box.toggled.connect(self._changed)
        return box

    # -- groups ------------------------------------------------------------------------
    def add_group(self, raw: dict[str, Any]) -> GroupEditor:
        editor = GroupEditor(len(self.groups), self)
        editor.set_values(raw)
        for widget in (editor.task, editor.count, editor.daemon, editor.name, editor.args):
            _connect_change(widget, self._changed)
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
            self.title.setText(str(raw.get("title") or ""))
            self.start_method.setCurrentText(str(raw.get("start_method", cfg.DEFAULT_START_METHOD)))
            self.grace.setValue(_number(raw.get("grace_seconds"), cfg.DEFAULT_GRACE_SECONDS))
            self.interval.setValue(_number(raw.get("report_interval"), cfg.DEFAULT_REPORT_INTERVAL))
            for editor in list(self.groups):
                self.remove_group(editor)
            workers = raw.get("workers")
            for entry in workers if isinstance(workers, list) else []:
                if isinstance(entry, dict):
                    self.add_group(entry)
            pool = raw.get("pool")
            self.pool_box.setChecked(isinstance(pool, dict))
            if isinstance(pool, dict):
                self.pool_task.setCurrentText(str(pool.get("task", "")))
                items = pool.get("items", "")
                self.pool_items.setText(items if isinstance(items, str) else inline_toml(items))
                processes = _number(pool.get("processes"), os.cpu_count() or 1)
                self.pool_processes.setValue(int(processes))
                self.pool_method.setCurrentText(str(pool.get("method", "map")))
                self.pool_chunksize.setValue(int(_number(pool.get("chunksize"), 0)))
                self.pool_per_child.setValue(int(_number(pool.get("maxtasksperchild"), 0)))
                self.pool_backend.setCurrentText(str(pool.get("backend", "multiprocessing")))
        finally:
            self._filling = False
        self.validate()

    def form_raw(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The form as a config dict, plus problems found before validation (bad TOML text)."""
        local: dict[str, str] = {}
        raw: dict[str, Any] = {
            "start_method": self.start_method.currentText(),
            "grace_seconds": self.grace.value(),
            "report_interval": self.interval.value(),
            "workers": [],
        }
        if self.title.text().strip():
            raw["title"] = self.title.text().strip()
        for index, editor in enumerate(self.groups):
            group, problem = editor.raw()
            raw["workers"].append(group)
            if problem:
                local[f"workers[{index}].args"] = problem
        if self.pool_box.isChecked():
            pool: dict[str, Any] = {
                "task": self.pool_task.currentText().strip(),
                "processes": self.pool_processes.value(),
                "method": self.pool_method.currentText(),
                "chunksize": self.pool_chunksize.value(),
                "maxtasksperchild": self.pool_per_child.value(),
                "backend": self.pool_backend.currentText(),
            }
            try:
                pool["items"] = parse_toml_value(self.pool_items.text() or '""')
            except ValueError as exc:
                local["pool.items"] = self.tr("not a TOML value: {reason}").format(reason=exc)
            raw["pool"] = pool
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

    def _mark(self, problems: dict[str, str]) -> None:
        self._fields.update({f"workers[{i}].{k}": getattr(g, k) for i, g in enumerate(self.groups)
                             for k in ("task", "count", "daemon", "name", "args")})
        color = theme.state_color(State.FAILED).name()
        marked = {self._field_for(key) for key in problems} - {None}
        for key, widget in list(self._fields.items()):
            try:
                self._tips.setdefault(widget, widget.toolTip())
                bad = widget in marked
                style = INVALID_STYLE.format(color=color) if bad else ""
                if widget.styleSheet() != style:  # restyling is costly; most fields stay put
                    widget.setStyleSheet(style)
                reasons = [p for k, p in problems.items() if self._field_for(k) is widget]
                widget.setToolTip("\n".join(reasons) if bad else self._tips[widget])
            except RuntimeError:  # a removed group's widget
                del self._fields[key]
        lines = [f"{key}: {problem}" if key else problem for key, problem in problems.items()]
        self.problems.setText("\n".join(lines))
        self.problems.setVisible(bool(lines))

    def _field_for(self, key: str) -> QWidget | None:
        """The widget showing `key`, else that of its nearest parent key (`workers[1]` …)."""
        while key:
            if key in self._fields:
                return self._fields[key]
            key = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", key) if re.search(r"[.\[]", key) else ""
        return None

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
        self.bridge.run_started.disconnect(self._update_buttons)
        self.bridge.run_finished.disconnect(self._update_buttons)


def _connect_change(widget: QWidget, slot: Any) -> None:
    for name in ("currentTextChanged", "textChanged", "valueChanged", "toggled"):
        signal = getattr(widget, name, None)
        if signal is not None:
            signal.connect(slot)
            return


def _number(value: Any, default: float) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default
