"""Reading a run file: its bytes as UTF-8 text, and TOML errors as ConfigErrors with a line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from mpscope.core.config.model import (
    ConfigError,
)

# Deeper values are refused: checks, pickling and JSON all recurse, and nothing needs more.
MAX_DEPTH = 32


def read_text(path: Path, source: str) -> str:
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


def parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(source, None, None, "invalid TOML: arrays or tables nested too"
                                              f" deeply (more than {MAX_DEPTH} levels)") from None
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
    if nesting(data) > MAX_DEPTH:
        raise ConfigError(source, None, None, "arrays or tables nested too deeply"
                                              f" (more than {MAX_DEPTH} levels)")
    return data


def nesting(value: Any) -> int:
    """How deeply arrays and tables nest in `value` (walked without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((child, depth + 1) for child in item)
    return deepest
