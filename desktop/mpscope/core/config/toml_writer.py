"""Writing a RunConfig back out: as TOML that loads to an equal config, and as plain data."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from mpscope.core.config.line_index import BARE_KEY
from mpscope.core.config.model import (
    RunConfig,
)
from mpscope.core.config.sizes import format_size

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
    return key if re.fullmatch(BARE_KEY, key) else toml_value(key)


def toml_value(value: Any) -> str:
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
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        pairs = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"TOML table keys must be strings, got {key!r}")
            pairs.append(f"{_toml_key(key)} = {toml_value(item)}")
        return "{ " + ", ".join(pairs) + " }"
    if value is None:
        raise TypeError("TOML has no null value")
    raise TypeError(f"cannot write {type(value).__name__} as TOML: {value!r}")


def plain(value: Any) -> Any:
    """JSON types only: dates become ISO text, inf/nan become their names."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


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
            "scheduler": p.scheduler,
        }
    form = {
        "title": config.title,
        "start_method": config.start_method,
        "grace_seconds": config.grace_seconds,
        "report_interval": config.report_interval,
        "memory_limit": None if config.memory_limit is None else format_size(config.memory_limit),
        "workers": workers,
        "pool": pool,
        "source": config.source,
    }
    result: dict[str, Any] = plain(form)
    return result


def dumps(config: RunConfig) -> str:
    """Write `config` as TOML that `loads` reads back to an equal RunConfig."""
    lines: list[str] = []
    if config.title is not None:
        lines.append(f"title = {toml_value(config.title)}")
    lines.append(f"start_method = {toml_value(config.start_method)}")
    lines.append(f"grace_seconds = {toml_value(float(config.grace_seconds))}")
    lines.append(f"report_interval = {toml_value(float(config.report_interval))}")
    if config.memory_limit is not None:
        lines.append(f"memory_limit = {toml_value(format_size(config.memory_limit))}")
    for group in config.workers:
        lines += [
            "",
            "[[workers]]",
            f"task = {toml_value(group.task)}",
            f"count = {toml_value(group.count)}",
            f"daemon = {toml_value(group.daemon)}",
            f"name = {toml_value(group.name)}",
            f"args = {toml_value(group.args)}",
        ]
    pool = config.pool
    if pool is not None:
        lines += [
            "",
            "[pool]",
            f"task = {toml_value(pool.task)}",
            f"items = {toml_value(pool.items)}",
            f"processes = {toml_value(pool.processes)}",
            f"method = {toml_value(pool.method)}",
        ]
        # None is spelled by omission: TOML has no null.
        if pool.chunksize is not None:
            lines.append(f"chunksize = {toml_value(pool.chunksize)}")
        if pool.maxtasksperchild is not None:
            lines.append(f"maxtasksperchild = {toml_value(pool.maxtasksperchild)}")
        lines.append(f"backend = {toml_value(pool.backend)}")
        if pool.scheduler is not None:
            lines.append(f"scheduler = {toml_value(pool.scheduler)}")
    return "\n".join(lines) + "\n"
