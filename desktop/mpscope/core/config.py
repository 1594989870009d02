"""The run configuration: read, check, write and describe a TOML run file.

A run file names worker groups (`[[workers]]`, each `count` processes running
one task) and/or one `[pool]`. `load`/`loads` parse and validate it into frozen
dataclasses; `validate` does the same for a plain dict (the GUI form), and
`validate_all` returns every problem so a form can mark each bad field.
Every problem is a `ConfigError` naming the source, the dotted key and, when
the text is known, the line.
"""

from __future__ import annotations

import difflib
import inspect
import math
import multiprocessing
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any

START_METHODS = ("spawn", "forkserver", "fork")
POOL_METHODS = (
    "map",
    "map_async",
    "imap",
    "imap_unordered",
    "apply_async",
    "starmap",
    "starmap_async",
)
STARMAP_METHODS = ("starmap", "starmap_async")
BACKENDS = ("multiprocessing", "executor")

DEFAULT_START_METHOD = "spawn"
DEFAULT_GRACE_SECONDS = 3.0
DEFAULT_REPORT_INTERVAL = 0.1
REPORT_INTERVAL_RANGE = (0.01, 5.0)
MAX_COUNT = 1024  # per group and per pool: beyond this a desktop chokes on processes
MAX_ITEMS = 10_000_000  # `item_list` materialises range(items); keep it within memory
WINDOWS_EXECUTOR_MAX = 61  # ProcessPoolExecutor's own limit on Windows

TOP_KEYS = ("title", "start_method", "grace_seconds", "report_interval", "workers", "pool")
GROUP_KEYS = ("task", "count", "daemon", "name", "args")
POOL_KEYS = ("task", "items", "processes", "method", "chunksize", "maxtasksperchild", "backend")

KeyPath = tuple[str | int, ...]


class ConfigError(ValueError):
    """A problem in a run configuration, located by source, dotted key and line."""

    def __init__(self, source: str, key: str | None, line: int | None, problem: str) -> None:
        # Passing every field to ValueError keeps the exception picklable.
        super().__init__(source, key, line, problem)
        self.source = source
        self.key = key
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.key:
            parts.append(self.key)
        parts.append(self.problem)
        return ": ".join(parts)


@dataclass(frozen=True, slots=True)
class WorkerGroup:
    """One `[[workers]]` group: `count` processes running the same task."""

    task: str
    count: int
    daemon: bool
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """The optional `[pool]`: a task mapped over items by a process pool."""

    task: str
    items: list[Any] | int
    processes: int
    method: str = "map"
    chunksize: int | None = None
    maxtasksperchild: int | None = None
    backend: str = "multiprocessing"

    @property
    def item_list(self) -> list[Any]:
        """The concrete items: range(items) for an integer, else a copy of the list."""
        if isinstance(self.items, int):
            return list(range(self.items))
        return list(self.items)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """A whole validated run: global settings, worker groups and an optional pool."""

    title: str | None = None
    start_method: str = DEFAULT_START_METHOD
    grace_seconds: float = DEFAULT_GRACE_SECONDS
    report_interval: float = DEFAULT_REPORT_INTERVAL
    workers: tuple[WorkerGroup, ...] = ()
    pool: PoolConfig | None = None
    # Where the config came from is not part of its meaning: a round trip through
    # dumps/loads must compare equal.
    source: str | None = field(default=None, compare=False)


# -- public API ----------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> RunConfig:
    """Read, parse and validate the run file at `path`; raise the first ConfigError."""
    source = os.fspath(path)
    return loads(_read_text(Path(path), source), source)


def loads(text: str, source: str = "<string>") -> RunConfig:
    """Parse and validate TOML `text`; raise the first ConfigError."""
    return validate(_parse(text, source), source, text=text)


def validate(
    raw: Mapping[str, Any], source: str = "<config>", *, text: str | None = None
) -> RunConfig:
    """Check a parsed TOML dict (or a GUI form's dict) and build the RunConfig.

    `text`, when given, is the TOML the dict came from; it only serves to find
    line numbers for the messages.
    """
    config, errors = _build(raw, source, text)
    if errors:
        raise errors[0]
    assert config is not None  # no errors means everything was built
    return config


def validate_all(
    raw: Mapping[str, Any], source: str = "<config>", *, text: str | None = None
) -> list[ConfigError]:
    """Every problem in `raw`, in file order (empty when it is valid)."""
    return _build(raw, source, text)[1]


def check_text(text: str, source: str = "<string>") -> list[ConfigError]:
    """Every problem in TOML `text` (a syntax error stops at that one)."""
    try:
        raw = _parse(text, source)
    except ConfigError as exc:
        return [exc]
    return validate_all(raw, source, text=text)


def example_text() -> str:
    """The annotated example run file shipped with mpscope."""
    return resources.files("mpscope.core").joinpath("example.toml").read_text(encoding="utf-8")


def to_dict(config: RunConfig) -> dict[str, Any]:
    """The config as JSON-safe data (schema keys plus `source`) for run history."""
    workers = [
        {"task": g.task, "count": g.count, "daemon": g.daemon, "name": g.name, "args": g.args}
        for g in config.workers
    ]
    pool = None
    if config.pool is not None:
        p = config.pool
        pool = {
            "task": p.task,
            "items": p.items,
            "processes": p.processes,
            "method": p.method,
            "chunksize": p.chunksize,
            "maxtasksperchild": p.maxtasksperchild,
            "backend": p.backend,
        }
    form = {
        "title": config.title,
        "start_method": config.start_method,
        "grace_seconds": config.grace_seconds,
        "report_interval": config.report_interval,
        "workers": workers,
        "pool": pool,
        "source": config.source,
    }
    result: dict[str, Any] = _plain(form)
    return result


def dumps(config: RunConfig) -> str:
    """Write `config` as TOML that `loads` reads back to an equal RunConfig."""
    lines: list[str] = []
    if config.title is not None:
        lines.append(f"title = {_toml_value(config.title)}")
    lines.append(f"start_method = {_toml_value(config.start_method)}")
    lines.append(f"grace_seconds = {_toml_value(float(config.grace_seconds))}")
    lines.append(f"report_interval = {_toml_value(float(config.report_interval))}")
    for group in config.workers:
        lines += [
            "",
            "[[workers]]",
            f"task = {_toml_value(group.task)}",
            f"count = {_toml_value(group.count)}",
            f"daemon = {_toml_value(group.daemon)}",
            f"name = {_toml_value(group.name)}",
            f"args = {_toml_value(group.args)}",
        ]
    pool = config.pool
    if pool is not None:
        lines += [
            "",
            "[pool]",
            f"task = {_toml_value(pool.task)}",
            f"items = {_toml_value(pool.items)}",
            f"processes = {_toml_value(pool.processes)}",
            f"method = {_toml_value(pool.method)}",
        ]
        # None is spelled by omission: TOML has no null.
        if pool.chunksize is not None:
            lines.append(f"chunksize = {_toml_value(pool.chunksize)}")
        if pool.maxtasksperchild is not None:
            lines.append(f"maxtasksperchild = {_toml_value(pool.maxtasksperchild)}")
        lines.append(f"backend = {_toml_value(pool.backend)}")
    return "\n".join(lines) + "\n"


def short_name(task: str) -> str:
    """A task's default group name: the function name of "module:function"."""
    return task.rpartition(":")[2].strip() or task


# -- reading and parsing -------------------------------------------------------


def _read_text(path: Path, source: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(source, None, None, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(source, None, None, "is a directory, not a file") from None
    except PermissionError:
        raise ConfigError(source, None, None, "cannot read the file: permission denied") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(source, None, None, f"cannot read the file: {reason}") from None
    # A UTF-8 byte-order mark is what Windows editors add; it is not TOML, so drop it.
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        problem = f"the file is not UTF-8 text (byte 0x{byte:02x} cannot be decoded)"
        raise ConfigError(source, None, line, problem) from None


_AT_LINE = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_AT_END = re.compile(r"^(?P<msg>.*) \(at end of document\)$", re.S)


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno attribute: the position is
        # only in the message, as "(at line L, column C)" or "(at end of document)".
        message = str(exc)
        line: int | None = None
        if match := _AT_LINE.match(message):
            line = int(match["line"])
            message = f"{match['msg']} (column {match['col']})"
        elif match := _AT_END.match(message):
            line = text.count("\n") + (0 if text.endswith("\n") else 1) or 1
            message = f"{match['msg']} (at the end of the file)"
        problem = "invalid TOML: " + message[:1].lower() + message[1:]
        raise ConfigError(source, None, line, problem) from None


# -- finding the line of a key -------------------------------------------------

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_KEY_LINE = re.compile(rf"^\s*(?P<key>{_DOTTED})\s*=(?P<rest>.*)$")
_HEADER_LINE = re.compile(rf"^\s*(?P<open>\[\[?)\s*(?P<key>{_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_STRINGS = re.compile(rf"{_BASIC}|{_LITERAL}")


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in re.finditer(_KEY_PART, dotted):
        part = match.group(0)
        if part[0] == "'":
            part = part[1:-1]
        elif part[0] == '"':
            # Let tomllib undo the escapes rather than reimplementing them.
            try:
                part = next(iter(tomllib.loads(f"{part} = 0")))
            except tomllib.TOMLDecodeError:  # only if `text` was not the parsed TOML
                part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _bracket_depth(value: str) -> int:
    """How many brackets/braces a line of value text leaves open (strings ignored)."""
    text = _STRINGS.sub('""', value).split("#", 1)[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class _LineIndex:
    """Best-effort map from key paths to the line that defines them."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        arrays: dict[KeyPath, int] = {}  # array-of-tables path -> elements seen
        table: KeyPath = ()
        depth = 0  # open brackets of a multi-line array or inline table
        in_string: str | None = None  # the delimiter of an open multi-line string
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    depth += _bracket_depth(line.split(in_string)[-1])
                    in_string = None
                continue
            if depth > 0:
                depth = max(0, depth + _bracket_depth(line))
                continue
            if header := _HEADER_LINE.match(line):
                path = self._resolve(_key_parts(header["key"]), arrays)
                if header["open"] == "[[":
                    self._lines.setdefault(path, number)  # the array as a whole
                    arrays[path] = arrays.get(path, 0) + 1
                    path = (*path, arrays[path] - 1)
                table = path
                self._lines.setdefault(table, number)
                continue
            if keyed := _KEY_LINE.match(line):
                path = (*table, *_key_parts(keyed["key"]))
                for end in range(len(table) + 1, len(path) + 1):
                    self._lines.setdefault(path[:end], number)
                rest = keyed["rest"]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote
                        rest = rest.split(quote)[0]
                depth = max(0, _bracket_depth(rest))

    @staticmethod
    def _resolve(parts: tuple[str, ...], arrays: dict[KeyPath, int]) -> KeyPath:
        """Turn header parts into a path, entering the latest element of each array."""
        path: KeyPath = ()
        for position, part in enumerate(parts):
            path = (*path, part)
            # The header's own last part is not entered: the caller decides that.
            if position < len(parts) - 1 and path in arrays:
                path = (*path, arrays[path] - 1)
        return path

    def find(self, path: KeyPath) -> int | None:
        """The line of `path`, else of its nearest enclosing key that has one."""
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None


# -- validation ------------------------------------------------------------------


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = part if re.fullmatch(_BARE, part) else _toml_value(part)
            text += f".{shown}" if text else shown
    return text


_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (list, "an array"),
    (tuple, "an array"),
    (dict, "a table"),
    (datetime, "a date-time"),
    (date, "a date"),
    (time, "a time"),
)


def _kind(value: Any) -> str:
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _show(value: Any, *, kind: bool = False) -> str:
    """A value as TOML text for a message, shortened, with its type when asked."""
    try:
        text = _toml_value(value)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({_kind(value)})" if kind else text


def _is_int(value: Any) -> bool:
    # bool is a subclass of int, but `count = true` is a mistake, not 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, float)


def _one_of(choices: Sequence[str]) -> str:
    return ", ".join(_toml_value(c) for c in choices)


def _suggest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


class _Checker:
    """Collects ConfigErrors while the builders walk the raw dict."""

    def __init__(self, source: str, text: str | None) -> None:
        self.source = source
        self.errors: list[ConfigError] = []
        self._index = _LineIndex(text) if text is not None else None

    def error(self, path: KeyPath, problem: str) -> None:
        line = self._index.find(path) if self._index is not None else None
        self.errors.append(ConfigError(self.source, _dotted(path) or None, line, problem))

    def unknown_keys(self, table: Mapping[str, Any], base: KeyPath, known: Sequence[str]) -> None:
        for key in table:
            if key in known:
                continue
            guess = _suggest(str(key), known)
            hint = f"did you mean '{guess}'?" if guess else f"expected one of: {', '.join(known)}"
            self.error((*base, key), f"unknown key; {hint}")

    def integer(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        default: int,
        minimum: int,
        maximum: int | None = None,
        note: str = "",
    ) -> int | None:
        """An int in [minimum, maximum]; the default when absent; None when bad."""
        value = table.get(str(path[-1]))
        if value is None:
            return default
        if not _is_int(value) or value < minimum:
            shown = _show(value, kind=not _is_int(value))
            self.error(path, f"must be an integer >= {minimum}{note}, got {shown}")
            return None
        if maximum is not None and value > maximum:
            self.error(path, f"must be at most {maximum}, got {value}")
            return None
        return int(value)

    def number(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        default: float,
        valid: Callable[[float], bool],
        wanted: str,
    ) -> float | None:
        """A finite int or float passing `valid`; the default when absent; None when bad."""
        value = table.get(str(path[-1]))
        if value is None:
            return default
        if not _is_number(value) or not math.isfinite(value) or not valid(value):
            self.error(path, f"must be {wanted}, got {_show(value, kind=not _is_number(value))}")
            return None
        return float(value)

    def boolean(self, table: Mapping[str, Any], path: KeyPath, default: bool) -> bool | None:
        """true or false; the default when absent; None when bad."""
        value = table.get(str(path[-1]))
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, got {_show(value, kind=True)}")
            return None
        return value

    def string(
        self, table: Mapping[str, Any], path: KeyPath, what: str, required: bool = False
    ) -> str | None:
        """A non-empty string; None when absent (an error if required) or bad."""
        value = table.get(str(path[-1]))
        if value is None:
            if required:
                self.error(path, f"is required: {what}")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"must be {what}, got {_show(value, kind=not isinstance(value, str))}")
            return None
        return value

    def choice(
        self, table: Mapping[str, Any], path: KeyPath, choices: Sequence[str], default: str
    ) -> str | None:
        """One of `choices`; the default when absent; None when bad."""
        value = table.get(str(path[-1]))
        if value is None:
            return default
        if isinstance(value, str) and value in choices:
            return value
        is_str = isinstance(value, str)
        problem = f"must be one of {_one_of(choices)}, got {_show(value, kind=not is_str)}"
        if is_str and (guess := _suggest(value, choices)):
            problem += f"; did you mean {_toml_value(guess)}?"
        self.error(path, problem)
        return None


_TASK_WHAT = 'the task to run (a built-in name or "package.module:function")'


def _build(
    raw: Mapping[str, Any], source: str, text: str | None
) -> tuple[RunConfig | None, list[ConfigError]]:
    check = _Checker(source, text)
    if not isinstance(raw, Mapping):
        check.error((), f"the configuration must be a table, got {_kind(raw)}")
        return None, check.errors
    check.unknown_keys(raw, (), TOP_KEYS)

    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        check.error(("title",), f"must be a string, got {_show(title, kind=True)}")
    start_method = check.choice(raw, ("start_method",), START_METHODS, DEFAULT_START_METHOD)
    if start_method is not None and start_method not in multiprocessing.get_all_start_methods():
        available = _one_of(multiprocessing.get_all_start_methods())
        check.error(
            ("start_method",),
            f"{_toml_value(start_method)} is not available on this platform"
            f" (available: {available})",
        )
        start_method = None
    grace = check.number(
        raw, ("grace_seconds",), DEFAULT_GRACE_SECONDS, lambda v: v > 0, "a number > 0 (seconds)"
    )
    low, high = REPORT_INTERVAL_RANGE
    interval = check.number(
        raw,
        ("report_interval",),
        DEFAULT_REPORT_INTERVAL,
        lambda v: low <= v <= high,
        f"a number from {low} to {high} (seconds)",
    )
    workers = _build_workers(check, raw.get("workers"))
    pool = _build_pool(check, raw.get("pool"), start_method)
    if not raw.get("workers") and raw.get("pool") is None:
        check.error((), "nothing to run: add a [[workers]] group or a [pool] table")

    # Report in file order; problems without a line keep their check order, last.
    errors = sorted(check.errors, key=lambda e: e.line if e.line is not None else math.inf)
    if errors:
        return None, errors
    assert start_method is not None and grace is not None and interval is not None
    assert workers is not None
    config = RunConfig(
        title=title,
        start_method=start_method,
        grace_seconds=grace,
        report_interval=interval,
        workers=workers,
        pool=pool,
        source=source,
    )
    return config, []


def _build_workers(check: _Checker, raw: Any) -> tuple[WorkerGroup, ...] | None:
    if raw is None:
        return ()
    if not isinstance(raw, (list, tuple)):
        hint = " (write [[workers]], not [workers])" if isinstance(raw, dict) else ""
        check.error(("workers",), f"must be an array of tables, got {_kind(raw)}{hint}")
        return None
    groups: list[WorkerGroup] = []
    owners: dict[str, int] = {}  # group name -> index of the group that has it
    ok = True
    for index, entry in enumerate(raw):
        group = _build_group(check, index, entry)
        if group is None:
            ok = False
            continue
        if group.name in owners:
            path: KeyPath = ("workers", index, "name")
            problem = (
                f"{_toml_value(group.name)} is already the name of workers[{owners[group.name]}];"
                " names must be unique"
            )
            if isinstance(entry, Mapping) and entry.get("name") is None:
                problem += ' (it defaults to the task\'s name: set name = "..." on this group)'
            check.error(path, problem)
            ok = False
            continue
        owners[group.name] = index
        groups.append(group)
    return tuple(groups) if ok else None


def _build_group(check: _Checker, index: int, entry: Any) -> WorkerGroup | None:
    base: KeyPath = ("workers", index)
    if not isinstance(entry, Mapping):
        check.error(base, f"must be a table, got {_kind(entry)}")
        return None
    before = len(check.errors)
    check.unknown_keys(entry, base, GROUP_KEYS)
    task = check.string(entry, (*base, "task"), _TASK_WHAT, required=True)
    count = check.integer(entry, (*base, "count"), 1, minimum=1, maximum=MAX_COUNT)
    daemon = check.boolean(entry, (*base, "daemon"), False)
    name = check.string(entry, (*base, "name"), "a non-empty string")
    args = entry.get("args")
    if args is None:
        args = {}
    elif not isinstance(args, Mapping):
        check.error((*base, "args"), f"must be a table of keyword arguments, got {_kind(args)}")
        args = None
    if task is not None and args is not None:
        _check_process_task(check, base, task, dict(args))
    if len(check.errors) > before:
        return None
    assert task is not None and count is not None and daemon is not None and args is not None
    name = name if name is not None else short_name(task)
    return WorkerGroup(task, count, daemon, name, dict(args))


def _build_pool(check: _Checker, raw: Any, start_method: str | None) -> PoolConfig | None:
    base: KeyPath = ("pool",)
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        hint = " (write [pool], not [[pool]])" if isinstance(raw, list) else ""
        check.error(base, f"must be a table, got {_kind(raw)}{hint}")
        return None
    before = len(check.errors)
    check.unknown_keys(raw, base, POOL_KEYS)
    task = check.string(raw, ("pool", "task"), _TASK_WHAT + " called with one item", required=True)
    method = check.choice(raw, ("pool", "method"), POOL_METHODS, "map")
    backend = check.choice(raw, ("pool", "backend"), BACKENDS, "multiprocessing")
    processes = check.integer(
        raw, ("pool", "processes"), os.cpu_count() or 1, minimum=1, maximum=MAX_COUNT
    )
    chunksize = check.integer(
        raw, ("pool", "chunksize"), 0, minimum=0, note=" (0 or omitted: the default)"
    )
    per_child = check.integer(
        raw, ("pool", "maxtasksperchild"), 0, minimum=0, note=" (0 or omitted: unlimited)"
    )
    items = _check_items(check, raw.get("items"), method)

    if backend == "executor":
        if per_child and start_method == "fork":
            check.error(
                ("pool", "maxtasksperchild"),
                'the "executor" backend cannot limit tasks per child with start_method "fork"'
                ' (the stdlib refuses it); use 0, or "spawn" or "forkserver"',
            )
        if sys.platform == "win32" and processes is not None and processes > WINDOWS_EXECUTOR_MAX:
            check.error(
                ("pool", "processes"),
                f'the "executor" backend allows at most {WINDOWS_EXECUTOR_MAX} processes'
                f" on Windows, got {processes}",
            )
    if task is not None and items is not None and method is not None:
        _check_pool_task(check, task, items, method)
    if len(check.errors) > before:
        return None
    assert task is not None and items is not None and processes is not None
    assert method is not None and backend is not None
    return PoolConfig(
        task=task,
        items=items,
        processes=processes,
        method=method,
        chunksize=chunksize or None,
        maxtasksperchild=per_child or None,
        backend=backend,
    )


def _check_items(check: _Checker, items: Any, method: str | None) -> list[Any] | int | None:
    path: KeyPath = ("pool", "items")
    wanted = "an integer >= 0 (meaning range(items)) or an array of items"
    if items is None:
        check.error(path, f"is required: {wanted}")
        return None
    if _is_int(items):
        if items < 0:
            check.error(path, f"must be {wanted}, got {items}")
            return None
        if items > MAX_ITEMS:
            check.error(path, f"must be at most {MAX_ITEMS:_}, got {items:_}")
            return None
        if method in STARMAP_METHODS:
            check.error(
                path,
                f"method {_toml_value(method)} needs an array of arrays"
                " (one argument list per call), got an integer",
            )
            return None
        return int(items)
    if not isinstance(items, (list, tuple)):
        check.error(path, f"must be {wanted}, got {_show(items, kind=True)}")
        return None
    if len(items) > MAX_ITEMS:
        check.error(path, f"must hold at most {MAX_ITEMS:_} items, got {len(items):_}")
        return None
    if method in STARMAP_METHODS:
        for position, item in enumerate(items):
            if not isinstance(item, (list, tuple)):
                check.error(
                    path,
                    f"method {_toml_value(method)} needs every item to be an array of"
                    f" arguments, but item {position} is {_show(item, kind=True)}",
                )
                return None
    return list(items)


# -- task checks (these import mpscope.core.tasks, and may import user modules) --


def _resolve(check: _Checker, path: KeyPath, name: str) -> Callable[..., Any] | None:
    from mpscope.core import tasks  # lazily: config must import fast for the CLI

    try:
        return tasks.resolve(name)
    except tasks.TaskError as exc:
        check.error(path, str(exc))
    except Exception as exc:  # noqa: BLE001 - a user module may fail in any way on import
        check.error(path, f"cannot load task {_toml_value(name)}: {type(exc).__name__}: {exc}")
    return None


def _check_process_task(check: _Checker, base: KeyPath, name: str, args: dict[str, Any]) -> None:
    from mpscope.core import tasks

    fn = _resolve(check, (*base, "task"), name)
    if fn is None:
        return
    try:
        tasks.check_arguments(fn, args, name)
    except tasks.TaskError as exc:
        check.error((*base, "args"), str(exc))


def _check_pool_task(check: _Checker, name: str, items: list[Any] | int, method: str) -> None:
    from mpscope.core import tasks

    fn = _resolve(check, ("pool", "task"), name)
    if fn is None:
        return
    try:
        if method not in STARMAP_METHODS:
            sample = items[0] if isinstance(items, list) and items else 0
            tasks.pool_call_check(fn, sample, name)
            return
        signature = inspect.signature(fn)
    except tasks.TaskError as exc:
        check.error(("pool", "task"), str(exc))
        return
    except (TypeError, ValueError):
        return  # some callables (C functions) have no signature to check against
    assert isinstance(items, list)
    for call in {len(item): item for item in items}.values():  # one per argument count
        try:
            bound = signature.bind(*call)
        except TypeError as exc:
            problem = str(exc)
        else:
            # mpscope passes no reporter to pool tasks; an argument landing there is a mistake.
            if tasks.REPORTER_PARAM not in bound.arguments:
                continue
            problem = f"an argument would be passed as {tasks.REPORTER_PARAM!r}"
        check.error(
            ("pool", "task"),
            f"task {name!r} cannot be called with {len(call)} argument(s) for {method}: {problem}",
        )
        return


# -- writing TOML and plain data -------------------------------------------------

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _toml_key(key: str) -> str:
    return key if re.fullmatch(_BARE, key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    """One TOML value on one line (arrays and inline tables included)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr gives the shortest text that reads back exactly; inf/nan are TOML too.
        return repr(value)
    if isinstance(value, str):
        out = []
        for char in value:
            if char in _ESCAPES:
                out.append(_ESCAPES[char])
            elif ord(char) < 0x20 or ord(char) == 0x7F:
                out.append(f"\\u{ord(char):04x}")
            else:
                out.append(char)
        return '"' + "".join(out) + '"'
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(f"TOML has no time of day with a time zone: {value!r}")
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        pairs = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"TOML table keys must be strings, got {key!r}")
            pairs.append(f"{_toml_key(key)} = {_toml_value(item)}")
        return "{ " + ", ".join(pairs) + " }"
    if value is None:
        raise TypeError("TOML has no null value")
    raise TypeError(f"cannot write {type(value).__name__} as TOML: {value!r}")


def _plain(value: Any) -> Any:
    """JSON types only: dates become ISO text, inf/nan become their names."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
