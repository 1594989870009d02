"""The run configuration: read, check, write and describe a TOML run file.

A run file names worker groups (`[[workers]]`, each `count` processes running
one task) and/or one `[pool]`. `load`/`loads` parse and validate it into frozen
dataclasses; `validate` does the same for a plain dict (the GUI form), and
`validate_all` returns every problem so a form can mark each bad field.
Every problem is a `ConfigError` naming the source, the dotted key and, when
the text is known, the line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from mpscope.core.config.checks import build
from mpscope.core.config.model import (
    BACKENDS,
    DEFAULT_GRACE_SECONDS,
    DEFAULT_REPORT_INTERVAL,
    DEFAULT_START_METHOD,
    GROUP_KEYS,
    MAX_COUNT,
    MAX_GRACE_SECONDS,
    MAX_ITEMS,
    MAX_PROCESSES,
    POOL_KEYS,
    POOL_METHODS,
    REPORT_INTERVAL_RANGE,
    STARMAP_METHODS,
    START_METHODS,
    TOP_KEYS,
    WINDOWS_EXECUTOR_MAX,
    ConfigError,
    KeyPath,
    PoolConfig,
    RunConfig,
    WorkerGroup,
    short_name,
)
from mpscope.core.config.parsing import parse_toml, read_text
from mpscope.core.config.toml_writer import dumps, to_dict

__all__ = [
    "BACKENDS",
    "DEFAULT_GRACE_SECONDS",
    "DEFAULT_REPORT_INTERVAL",
    "DEFAULT_START_METHOD",
    "GROUP_KEYS",
    "MAX_COUNT",
    "MAX_GRACE_SECONDS",
    "MAX_ITEMS",
    "MAX_PROCESSES",
    "POOL_KEYS",
    "POOL_METHODS",
    "REPORT_INTERVAL_RANGE",
    "STARMAP_METHODS",
    "START_METHODS",
    "TOP_KEYS",
    "WINDOWS_EXECUTOR_MAX",
    "ConfigError",
    "KeyPath",
    "PoolConfig",
    "RunConfig",
    "WorkerGroup",
    "check_text",
    "dumps",
    "example_text",
    "load",
    "loads",
    "short_name",
    "to_dict",
    "validate",
    "validate_all",
]

# -- public API ----------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> RunConfig:
    """Read, parse and validate the run file at `path`; raise the first ConfigError."""
    source = os.fspath(path)
    return loads(read_text(Path(path), source), source)


def loads(text: str, source: str = "<string>") -> RunConfig:
    """Parse and validate TOML `text`; raise the first ConfigError."""
    return validate(parse_toml(text, source), source, text=text)


def validate(
    raw: Mapping[str, Any], source: str = "<config>", *, text: str | None = None
) -> RunConfig:
    """Check a parsed TOML dict (or a GUI form's dict) and build the RunConfig.

    `text`, when given, is the TOML the dict came from; it only serves to find
    line numbers for the messages.
    """
    config, errors = build(raw, source, text)
    if errors:
        raise errors[0]
    assert config is not None  # no errors means everything was built
    return config


def validate_all(
    raw: Mapping[str, Any], source: str = "<config>", *, text: str | None = None
) -> list[ConfigError]:
    """Every problem in `raw`, in file order (empty when it is valid)."""
    return build(raw, source, text)[1]


def check_text(text: str, source: str = "<string>") -> list[ConfigError]:
    """Every problem in TOML `text` (a syntax error stops at that one)."""
    try:
        raw = parse_toml(text, source)
    except ConfigError as exc:
        return [exc]
    return validate_all(raw, source, text=text)


def example_text() -> str:
    """The annotated example run file shipped with mpscope."""
    return (
        resources.files("mpscope.core.config").joinpath("example.toml").read_text(encoding="utf-8")
    )
