"""Pieces of the launch form: a worker group editor, the pool editor, TOML field helpers."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import tomllib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from mpscope.core import config as cfg
from mpscope.core import tasks
from mpscope.core.engine.states import State
from mpscope.gui import theme
from mpscope.gui.widgets.icons import themed

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
    line = combo.lineEdit()
    if line is not None:  # always, for an editable combobox
        line.setPlaceholderText("package.module:function")
    return combo


def connect_change(widget: QWidget, slot: Any) -> None:
    """Call `slot` whenever the field's value changes, whatever kind of field it is."""
    for name in ("currentTextChanged", "textChanged", "valueChanged", "toggled"):
        signal = getattr(widget, name, None)
        if signal is not None:
            signal.connect(slot)
            return


def real_number(value: Any, default: float) -> float:
    """`value` when it is a real number (not a bool), else `default`."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


class FieldMarks:
    """Config keys mapped to form fields; marks the fields of problems with a border and a tip."""

    def __init__(self) -> None:
        self.fields: dict[str, QWidget] = {}  # `title`, `workers[0].args`, `pool.items` …
        self._tips: dict[QWidget, str] = {}  # each field's own help, restored once fixed

    def field_for(self, key: str) -> QWidget | None:
        """The widget showing `key`, else that of its nearest parent key (`workers[1]` …)."""
        while key:
            if key in self.fields:
                return self.fields[key]
            key = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", key) if re.search(r"[.\[]", key) else ""
        return None

    def mark(self, problems: dict[str, str]) -> None:
        """Border every field with a problem, its reasons as its tooltip; unmark the others."""
        color = theme.state_color(State.FAILED).name()
        marked = {self.field_for(key) for key in problems} - {None}
        for key, widget in list(self.fields.items()):
            try:
                self._tips.setdefault(widget, widget.toolTip())
                bad = widget in marked
                style = INVALID_STYLE.format(color=color) if bad else ""
                if widget.styleSheet() != style:  # restyling is costly; most fields stay put
                    widget.setStyleSheet(style)
                reasons = [p for k, p in problems.items() if self.field_for(k) is widget]
                widget.setToolTip("\n".join(reasons) if bad else self._tips[widget])
            except RuntimeError:  # a removed group's widget
                del self.fields[key]


class RunEditor(QGroupBox):
    """The run's top-level keys: title, start method, grace period, report interval."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Run"))
        # A short placeholder: a narrow form (a projector's) must not cut it off mid-word.
        self.run_title = QLineEdit(placeholderText=self.tr("optional"))
        self.run_title.setToolTip(self.tr("Shown in the window title and the run history"))
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
        self.memory_limit = QLineEdit(placeholderText=self.tr("none (e.g. 2 GiB)"))
        self.memory_limit.setToolTip(self.tr(
            "The most memory any one process may use: a warning at 80 %, then it is stopped "
            "before the system runs out"))
        form = QFormLayout(self)
        form.addRow(self.tr("Title"), self.run_title)
        form.addRow(self.tr("Start method"), self.start_method)
        form.addRow(self.tr("Grace period"), self.grace)
        form.addRow(self.tr("Report every"), self.interval)
        form.addRow(self.tr("Memory limit"), self.memory_limit)
        self.fields: dict[str, QWidget] = {
            "title": self.run_title, "start_method": self.start_method,
            "grace_seconds": self.grace, "report_interval": self.interval,
            "memory_limit": self.memory_limit}

    def set_values(self, raw: dict[str, Any]) -> None:
        self.run_title.setText(str(raw.get("title") or ""))
        self.start_method.setCurrentText(str(raw.get("start_method", cfg.DEFAULT_START_METHOD)))
        self.grace.setValue(real_number(raw.get("grace_seconds"), cfg.DEFAULT_GRACE_SECONDS))
        self.interval.setValue(real_number(raw.get("report_interval"),
                                           cfg.DEFAULT_REPORT_INTERVAL))
        limit = raw.get("memory_limit")
        self.memory_limit.setText("" if limit is None else str(limit))

    def raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"start_method": self.start_method.currentText(),
                               "grace_seconds": self.grace.value(),
                               "report_interval": self.interval.value()}
        if self.run_title.text().strip():
            raw["title"] = self.run_title.text().strip()
        if self.memory_limit.text().strip():
            raw["memory_limit"] = self.memory_limit.text().strip()
        return raw


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

    @property
    def fields(self) -> dict[str, QWidget]:
        """Field name (as in the config's `workers[i].NAME` keys) → its widget."""
        return {"task": self.task, "count": self.count, "daemon": self.daemon,
                "name": self.name, "args": self.args}

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


class PoolEditor(QGroupBox):
    """The `[pool]` table: a checkable box (unchecked: no pool) with one field per key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Pool"))
        self.setCheckable(True)
        self.setChecked(False)
        self.setToolTip(self.tr("Map one task over items with a process pool"))
        self.task = task_combo(tasks.pool_task_names(), "square")
        self.items = QLineEdit("1000", placeholderText=self.tr("N, or [item, item, …]"))
        self.processes = QSpinBox(minimum=1, maximum=cfg.MAX_COUNT, value=os.cpu_count() or 1)
        self.method = QComboBox()
        self.method.addItems(cfg.POOL_METHODS)
        self.chunksize = QSpinBox(minimum=0, maximum=10**6)
        self.chunksize.setSpecialValueText(self.tr("default"))
        self.per_child = QSpinBox(minimum=0, maximum=10**6)
        self.per_child.setSpecialValueText(self.tr("unlimited"))
        self.backend = QComboBox()
        self.backend.addItems(cfg.BACKENDS)
        self.scheduler = QLineEdit()
        self.scheduler.setPlaceholderText(self.tr("none: mpscope starts a local cluster"))
        self.backend.currentTextChanged.connect(self._on_backend)
        form = QFormLayout(self)
        rows = (
            ("task", self.tr("Task"), self.task, self.tr("Called with one item")),
            ("items", self.tr("Items"), self.items,
             self.tr("An integer N means range(N); or a TOML array of items")),
            ("processes", self.tr("Processes"), self.processes, self.tr("Pool size")),
            ("method", self.tr("Method"), self.method, self.tr("The Pool method to call")),
            ("chunksize", self.tr("Chunk size"), self.chunksize,
             self.tr("Items sent to a process at a time")),
            ("maxtasksperchild", self.tr("Tasks per child"), self.per_child,
             self.tr("Replace each pool process after this many tasks")),
            ("backend", self.tr("Backend"), self.backend,
             self.tr("multiprocessing.Pool, concurrent.futures.ProcessPoolExecutor, or a Dask "
                     "cluster (pip install \"mpscope[dask]\")")),
            ("scheduler", self.tr("Scheduler"), self.scheduler,
             self.tr("Dask only: a running scheduler, e.g. tcp://10.0.0.5:8786; empty: a local "
                     "cluster of the given processes, closed after the run")),
        )
        self.fields: dict[str, QWidget] = {}  # config key (`pool.KEY`) → its widget
        for key, label, widget, tip in rows:
            widget.setToolTip(tip)
            form.addRow(label, widget)
            self.fields[f"pool.{key}"] = widget

    def set_values(self, pool: dict[str, Any]) -> None:
        """Fill the fields from a `[pool]` dict (as read from TOML; it may hold mistakes)."""
        self.task.setCurrentText(str(pool.get("task", "")))
        items = pool.get("items", "")
        self.items.setText(items if isinstance(items, str) else inline_toml(items))
        self.processes.setValue(int(real_number(pool.get("processes"), os.cpu_count() or 1)))
        self.method.setCurrentText(str(pool.get("method", "map")))
        self.chunksize.setValue(int(real_number(pool.get("chunksize"), 0)))
        self.per_child.setValue(int(real_number(pool.get("maxtasksperchild"), 0)))
        self.backend.setCurrentText(str(pool.get("backend", "multiprocessing")))
        self.scheduler.setText(str(pool.get("scheduler") or ""))
        self._on_backend(self.backend.currentText())

    def _on_backend(self, backend: str) -> None:
        self.scheduler.setEnabled(backend == "dask" or bool(self.scheduler.text()))

    def raw(self) -> tuple[dict[str, Any], str | None]:
        """The pool as a config dict, and a problem with the items text if any."""
        pool: dict[str, Any] = {
            "task": self.task.currentText().strip(),
            "processes": self.processes.value(),
            "method": self.method.currentText(),
            "chunksize": self.chunksize.value(),
            "maxtasksperchild": self.per_child.value(),
            "backend": self.backend.currentText(),
        }
        if self.scheduler.text().strip():
            pool["scheduler"] = self.scheduler.text().strip()
        try:
            pool["items"] = parse_toml_value(self.items.text() or '""')
        except ValueError as exc:
            return pool, self.tr("not a TOML value: {reason}").format(reason=exc)
        return pool, None
