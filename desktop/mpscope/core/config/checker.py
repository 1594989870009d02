"""The checker a validation pass reports to: typed reads of keys, problems with their lines."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from mpscope.core.config.line_index import BARE_KEY, LineIndex
from mpscope.core.config.model import (
    ConfigError,
    KeyPath,
)
from mpscope.core.config.toml_writer import toml_value


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            shown = part if re.fullmatch(BARE_KEY, part) else toml_value(part)
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


def type_name(value: Any) -> str:
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def show(value: Any, *, kind: bool = False) -> str:
    """A value as TOML text for a message, shortened, with its type when asked."""
    try:
        text = toml_value(value)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type_name(value)})" if kind else text


def is_int(value: Any) -> bool:
    # bool is a subclass of int, but `count = true` is a mistake, not 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return is_int(value) or isinstance(value, float)


def one_of(choices: Sequence[str]) -> str:
    return ", ".join(toml_value(c) for c in choices)


def _suggest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


class Checker:
    """Collects ConfigErrors while the builders walk the raw dict."""

    def __init__(self, source: str, text: str | None) -> None:
        self.source = source
        self.errors: list[ConfigError] = []
        self._index = LineIndex(text) if text is not None else None

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
        if not is_int(value) or value < minimum:
            shown = show(value, kind=not is_int(value))
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
            self.error(path, f"must be {wanted}, got {show(value, kind=not _is_number(value))}")
            return None
        return float(value)

    def boolean(self, table: Mapping[str, Any], path: KeyPath, default: bool) -> bool | None:
        """true or false; the default when absent; None when bad."""
        value = table.get(str(path[-1]))
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, got {show(value, kind=True)}")
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
            self.error(path, f"must be {what}, got {show(value, kind=not isinstance(value, str))}")
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
        problem = f"must be one of {one_of(choices)}, got {show(value, kind=not is_str)}"
        if is_str and (guess := _suggest(value, choices)):
            problem += f"; did you mean {toml_value(guess)}?"
        self.error(path, problem)
        return None
